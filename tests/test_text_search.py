"""The ledger's text search through its index of hashed pieces (SPEC §5 合同台账, §7): over
random Chinese and ASCII texts, encrypted at rest or not, it finds exactly what a plain
scan of the texts finds, in the same order and pages, also after titles are revised and
customers renamed."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.cryptography import AESCipher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.storage import library_env
from domain.application import ContractFlow
from projections import text_index
from projections.rebuild import rebuild
from projections.runtime import Projections
from projections.text_index import FIELDS
from tests.conftest import STORES, actor, fresh_store

# Few letters, so that texts share pieces often; both cases, and letters whose lower case
# is longer (İ) or depends on its neighbours (Σ).
LETTERS = "设备采购合同客户有限公司甲乙aAbBzZ0129 -İΣς"
TEXTS = st.text(LETTERS, min_size=1, max_size=10).filter(lambda t: t.strip() == t)
EXAMPLES = {"memory:": 60}


class Ledger:
    """A fresh application and its views, and what each contract's searched texts are."""

    def __init__(self, database_url: str, encrypted: bool) -> None:
        key = AESCipher.create_key(32) if encrypted else None
        self.app = ContractFlow(library_env(database_url, 5, key))
        self.views = Projections(self.app)
        self.texts: dict[str, dict[str, str]] = {}  # contract id → field → text, in order

    def close(self) -> None:
        self.views.stop()
        self.app.close()

    def create(self, title: str, customer: tuple[str, str]) -> None:
        terms = {"title": title, "customer": {"id": customer[0], "name": customer[1]},
                 "amount": Decimal("10.00"), "payment_terms": {"advance_percent": 0}}  # fmt: skip
        contract = self.app.contracts.create(actor("li.lei"), terms)
        self.texts[str(contract.id)] = {
            "number": contract.number, "title": contract.title,
            "customer_id": contract.customer.id, "customer_name": contract.customer.name,
        }  # fmt: skip

    def retitle(self, contract_id: str, title: str) -> None:
        self.app.contracts.revise(actor("li.lei"), UUID(contract_id), {"title": title})
        self.texts[contract_id]["title"] = title

    def rename(self, customer_id: str, name: str) -> None:
        self.app.customers.update(actor("wang.fang"), customer_id, {"name": name})
        for texts in self.texts.values():
            if texts["customer_id"] == customer_id:
                texts["customer_name"] = name

    def scanned(self, q: str) -> list[str]:
        """What a plain scan finds: contracts with `q` in a searched text, ignoring case."""
        needle = q.lower()
        return [
            contract_id
            for contract_id, texts in self.texts.items()
            if any(needle in texts[field].lower() for field in FIELDS)
        ]

    def searched(self, q: str, limit: int = 500, offset: int = 0) -> tuple[list[str], int]:
        self.views.refresh("ledger")
        rows, total = self.views.contracts.search({}, q, limit, offset)
        return [row["contract_id"] for row in rows], total


@pytest.fixture(params=STORES)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """A new, empty store of one kind at each call."""
    count = itertools.count()
    return lambda: fresh_store(request.param, request, tmp_path / str(next(count)))


@contextmanager
def opened(database_url: str, encrypted: bool) -> Iterator[Ledger]:
    ledger = Ledger(database_url, encrypted)
    try:
        yield ledger
    finally:
        ledger.close()


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_the_index_finds_what_a_plain_scan_finds(
    fresh_url: Callable[[], str], encrypted: bool
) -> None:
    url = fresh_url()

    @settings(
        max_examples=EXAMPLES.get(url, 12),
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        new=st.lists(st.tuples(TEXTS, st.sampled_from("ABC"), TEXTS), min_size=1, max_size=6),
        retitle=st.none() | st.tuples(st.integers(0, 5), TEXTS),
        rename=st.none() | st.tuples(st.integers(0, 5), TEXTS),
        page=st.tuples(st.integers(1, 3), st.integers(0, 3)),
        data=st.data(),
    )
    def check(new, retitle, rename, page, data) -> None:  # type: ignore[no-untyped-def]
        with opened(fresh_url(), encrypted) as ledger:
            for title, customer, name in new:
                ledger.create(title, (f"CUST-{customer}", name))
            ids = list(ledger.texts)
            if retitle is not None:
                ledger.retitle(ids[retitle[0] % len(ids)], retitle[1])
            if rename is not None:
                ledger.rename(ledger.texts[ids[rename[0] % len(ids)]]["customer_id"], rename[1])
            query = data.draw(TEXTS.map(lambda t: t[:4]) | a_piece_of(ledger.texts))
            expected = ledger.scanned(query)
            assert ledger.searched(query) == (expected, len(expected))
            limit, offset = page
            assert ledger.searched(query, limit, offset) == (
                expected[offset : offset + limit],
                len(expected),
            )

    check()


def a_piece_of(texts: dict[str, dict[str, str]]) -> st.SearchStrategy[str]:
    """1 to 4 characters of a searched text as stored, in either case."""
    return (
        st.sampled_from([text for fields in texts.values() for text in fields.values()])
        .flatmap(lambda text: st.tuples(st.just(text), st.integers(0, len(text) - 1)))
        .flatmap(lambda found: st.integers(1, 4).map(lambda n: found[0][found[1] : found[1] + n]))
        .map(str.swapcase)
    )


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_two_and_one_character_chinese_queries_find_their_contracts(
    fresh_url: Callable[[], str], encrypted: bool
) -> None:
    with opened(fresh_url(), encrypted) as ledger:
        ledger.create("设备采购合同", ("CUST-1", "华东机械有限公司"))
        ledger.create("服务合同", ("CUST-2", "客户00042有限公司"))
        first, second = ledger.texts
        assert ledger.searched("设备") == ([first], 1)
        assert ledger.searched("合同") == ([first, second], 2)
        assert ledger.searched("华") == ([first], 1)
        assert ledger.searched("客户00042") == ([second], 1)
        assert ledger.searched("cust-2") == ([second], 1)


def test_the_index_follows_the_rows_through_a_rebuild(fresh_url: Callable[[], str]) -> None:
    with opened(fresh_url(), encrypted=False) as ledger:
        ledger.create("设备采购合同", ("CUST-1", "华东机械有限公司"))
        ledger.create("服务合同", ("CUST-2", "客户00042有限公司"))
        first, _ = ledger.texts
        ledger.views.refresh("ledger")
        result = rebuild(ledger.app, ledger.views.views["ledger"])
        assert (result.identical, result.switched) == (True, True), result.differences
        ledger.rename("CUST-1", "西部重工")
        assert ledger.searched("西部") == ([first], 1)
        assert ledger.searched("华东") == ([], 0)


def test_a_needle_most_texts_hold_is_matched_without_the_index(
    fresh_url: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_index, "ENOUGH", 2)  # past two candidates, every text is read
    with opened(fresh_url(), encrypted=False) as ledger:
        for n in range(4):
            ledger.create(f"设备采购合同 {n}", (f"CUST-{n % 2}", f"客户{n % 2}有限公司"))
        for q in ("合同", "采购合同", "客户1", "cust-0", "3", "无"):
            expected = ledger.scanned(q)
            assert ledger.searched(q) == (expected, len(expected)), q
