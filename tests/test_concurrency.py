"""Concurrent commands on one contract over real HTTP: serialized by retrying on version
conflicts and re-checking every rule, so none is lost and no invariant breaks (SPEC §8)."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.desk import Desk


def test_twenty_parallel_payments_never_overpay(live_desk: Desk) -> None:
    contract = live_desk.signed(amount="100000.00")

    def pay(n: int) -> tuple[int, str | None]:
        body = {"amount": "10000.00", "reference": f"BANK-{n}"}
        response = live_desk.act(contract, "pay", "zhao.qiang", body)
        return response.status_code, response.json().get("code")

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = Counter(pool.map(pay, range(20)))

    final = live_desk.get(contract).json()
    assert outcomes == {(200, None): 10, (409, "overpayment"): 10}
    assert final["totals"]["collected"] == "100000.00"
    assert final["version"] == contract["version"] + 10


def test_concurrent_creations_get_distinct_numbers(live_desk: Desk) -> None:
    with ThreadPoolExecutor(max_workers=10) as pool:
        contracts = list(pool.map(lambda _: live_desk.create(), range(10)))
    assert len({contract["number"] for contract in contracts}) == 10
