"""Idempotency-Key (SPEC §8): a repeated request gets the first response, byte for byte,
and records nothing; a different request with the key is refused; concurrent duplicates
have one effect; the first response survives a restart."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from api.users import UserDirectory
from tests.desk import Desk, assert_problem, draft_body


def log_head(desk: Desk) -> int:
    return desk.client.get("/api/health").json()["log_position"]


def pay(
    desk: Desk, contract: dict, key: str, amount: str = "10.00", reference: str = "P1"
) -> httpx.Response:
    return desk.act(
        contract,
        "pay",
        "zhao.qiang",
        {"amount": amount, "reference": reference},
        **{"Idempotency-Key": key},
    )


def test_a_repeated_request_gets_the_first_response_and_records_nothing(desk: Desk) -> None:
    contract = desk.signed()
    first = pay(desk, contract, "k-1")
    head = log_head(desk)
    again = pay(desk, contract, "k-1")
    assert (
        (again.status_code, again.content)
        == (first.status_code, first.content)
        == (200, first.content)
    )
    assert again.headers["etag"] == first.headers["etag"]
    assert log_head(desk) == head
    assert desk.get(contract).json()["totals"]["collected"] == "10.00"


def test_a_key_reused_for_another_request_is_refused(desk: Desk) -> None:
    contract = desk.signed()
    pay(desk, contract, "k-1")
    assert_problem(
        pay(desk, contract, "k-1", amount="20.00", reference="P2"), 409, "idempotency_key_reused"
    )
    assert desk.get(contract).json()["totals"]["collected"] == "10.00"


def test_keys_belong_to_their_user(desk: Desk) -> None:
    contract = desk.signed()
    assert pay(desk, contract, "shared").status_code == 200
    other = desk.act(
        contract,
        "pay",
        "qian.li",
        {"amount": "5", "reference": "P9"},
        **{"Idempotency-Key": "shared"},
    )
    assert other.status_code == 200
    assert other.json()["totals"]["collected"] == "15.00"


def test_a_repeated_creation_answers_201_with_the_same_contract(desk: Desk) -> None:
    headers = desk.as_user("li.lei") | {"Idempotency-Key": "create-1"}
    first = desk.client.post("/api/contracts", json=draft_body(), headers=headers)
    again = desk.client.post("/api/contracts", json=draft_body(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content and again.headers["location"] == first.headers["location"]
    assert desk.client.get("/api/contracts", headers=desk.as_user("li.lei")).json()["total"] == 1


def test_a_refused_command_is_not_remembered(desk: Desk) -> None:
    contract = desk.submitted()
    assert_problem(pay(desk, contract, "early"), 409, "invalid_transition")
    signed = desk.ok(desk.approve_all(contract), "sign", "wang.fang")
    assert pay(desk, signed, "early").status_code == 200


@pytest.mark.parametrize("key", ["", "x" * 256])
def test_a_key_is_one_to_255_characters(desk: Desk, key: str) -> None:
    contract = desk.signed()
    assert_problem(pay(desk, contract, key), 422, "invalid_input")


def test_a_hundred_keys_sent_ten_times_at_once_pay_a_hundred_times(live_desk: Desk) -> None:
    contract = live_desk.signed(amount="1000.00")
    requests = [n for n in range(100) for _ in range(10)]

    def send(n: int) -> tuple[int, bytes]:
        response = pay(live_desk, contract, f"key-{n}", amount="1.00", reference=f"BANK-{n}")
        return n, response.status_code, response.content

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(send, requests))
    assert Counter(status for _, status, _ in results) == {200: 1000}
    for n in range(100):
        bodies = {body for key, _, body in results if key == n}
        assert len(bodies) == 1, f"key-{n} answered differently"
    final = live_desk.get(contract).json()
    assert final["totals"]["collected"] == "100.00"
    assert final["version"] == contract["version"] + 100


def test_the_first_response_is_replayed_after_a_restart(
    tmp_path: Path, users_file: Path, tokens: dict[str, str]
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'restart.db'}", users_file=users_file)

    def desk_on(client: TestClient) -> Desk:
        return Desk(client, lambda user: {"Authorization": f"Bearer {tokens[user]}"})

    with TestClient(create_app(settings, UserDirectory.load(users_file))) as client:
        desk = desk_on(client)
        contract = desk.signed()
        first = pay(desk, contract, "survives")
    with TestClient(create_app(settings, UserDirectory.load(users_file))) as client:
        again = pay(desk_on(client), contract, "survives")
    assert (again.status_code, again.content) == (first.status_code, first.content)
