"""The access register (调阅登记, SPEC §6): every read of a contract, a complaint, a report or
an export is recorded with who, what, when and from where, by each role that reads; the
register never blocks a read; it is chained, and only auditors and directors query it."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from projections.access_register import AccessRegister
from tests.conftest import Pages
from tests.desk import Desk, assert_problem
from tests.postgres_server import split_schema


def register(client: TestClient) -> AccessRegister:
    found: AccessRegister = client.app.state.access_register  # type: ignore[attr-defined]
    assert found.flush(), "the register wrote what was recorded"
    return found


def entries(client: TestClient, desk: Desk, **params: Any) -> list[dict[str, Any]]:
    register(client)
    response = client.get("/api/audit/access", params=params, headers=desk.as_user("zhou.shen"))
    assert response.status_code == 200, response.text
    return response.json()["entries"]


def test_each_role_that_reads_a_contract_is_registered(client: TestClient, desk: Desk) -> None:
    contract = desk.executing()
    readers = ["li.lei", "wang.fang", "zhao.qiang", "chen.jing", "liu.yang", "zhou.shen"]
    for reader in readers:
        assert desk.get(contract, by=reader).status_code == 200
    found = entries(client, desk, contract_id=contract["id"])
    assert [entry["user_id"] for entry in found] == readers
    assert {entry["route"] for entry in found} == {"/api/contracts/{contract_id}"}
    assert all(entry["client"] == "testclient" for entry in found)


def test_history_time_travel_reports_and_exports_are_registered(
    client: TestClient, desk: Desk
) -> None:
    contract = desk.executing()
    finance = desk.as_user("zhao.qiang")
    asked = [
        f"/api/contracts/{contract['id']}/history",
        f"/api/contracts/{contract['id']}?version=3",
        "/api/receivables/aging",
        "/api/receivables/statement?format=xlsx",
    ]
    for target in asked:
        assert client.get(target, headers=finance).status_code == 200, target
    found = entries(client, desk, user="zhao.qiang")
    assert [entry["target"] for entry in found] == asked
    assert [entry["subject"] for entry in found] == [contract["id"]] * 2 + ["", ""]


def test_a_refused_read_and_a_write_are_not_reads(client: TestClient, desk: Desk) -> None:
    contract = desk.executing()
    assert desk.get(contract, by="han.meimei").status_code == 404  # another rep's contract
    desk.ok(contract, "ship", "li.lei", {"amount": "1.00", "shipped_on": "2026-03-01"})
    assert entries(client, desk, contract_id=contract["id"]) == []


def test_page_views_are_registered(client: TestClient, desk: Desk, signed_in: Pages) -> None:
    contract = desk.executing()
    assert signed_in("wang.fang").get(f"/contracts/{contract['id']}").status_code == 200
    found = entries(client, desk, contract_id=contract["id"])
    assert [(e["user_id"], e["route"]) for e in found] == [
        ("wang.fang", "/contracts/{contract_id}")
    ]


def test_only_auditors_and_directors_query_the_register(client: TestClient, desk: Desk) -> None:
    for user in ("li.lei", "wang.fang", "zhao.qiang", "chen.jing", "sun.li"):
        refused = client.get("/api/audit/access", headers=desk.as_user(user))
        assert_problem(refused, 403, "forbidden")
    for user in ("zhou.shen", "liu.yang"):
        assert client.get("/api/audit/access", headers=desk.as_user(user)).status_code == 200


def test_the_register_filters_by_time(client: TestClient, desk: Desk) -> None:
    contract = desk.executing()
    desk.get(contract)
    register(client)
    middle = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() + 1))
    time.sleep(1.2)
    desk.get(contract, by="chen.jing")
    later = entries(client, desk, contract_id=contract["id"], **{"from": middle})
    earlier = entries(client, desk, contract_id=contract["id"], to=middle)
    assert [e["user_id"] for e in earlier] == ["wang.fang"]
    assert [e["user_id"] for e in later] == ["chen.jing"]


def test_the_register_is_chained(client: TestClient, desk: Desk) -> None:
    contract = desk.executing()
    for _ in range(3):
        desk.get(contract)
    assert list(register(client).broken()) == []
    store = register(client).store
    with store.writing() as writer:
        writer.execute(f"UPDATE {register(client).table} SET user_id = 'nobody' WHERE seq = 2")
    assert list(register(client).broken()) == [2]


def test_a_read_answers_while_the_register_is_locked(
    client: TestClient, desk: Desk, settings: Any
) -> None:
    contract = desk.executing()
    with _locked_register(settings.database_url, register(client)):
        started = time.perf_counter()
        assert desk.get(contract).status_code == 200
        assert time.perf_counter() - started < 1.0
    found = entries(client, desk, contract_id=contract["id"])
    assert [entry["user_id"] for entry in found] == ["wang.fang"]


@contextmanager
def _locked_register(database_url: str, found: AccessRegister) -> Iterator[None]:
    """Another connection holds the register's table (PostgreSQL) or the database's write
    lock (SQLite) for as long as the block runs."""
    if database_url.startswith("postgresql"):
        conninfo, _ = split_schema(database_url)
        with psycopg.connect(conninfo) as connection:
            connection.execute(f"LOCK TABLE {found.table} IN ACCESS EXCLUSIVE MODE")
            yield
            connection.rollback()
        return
    if database_url.startswith("sqlite"):
        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=1)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            connection.rollback()
            connection.close()
        return
    pytest.skip("an in-memory store has no second connection to hold a lock from")
