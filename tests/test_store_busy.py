"""A held lock answers 503 with Retry-After, never a hang or a 500."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from api.users import UserDirectory
from tests.desk import Desk, assert_problem
from tests.postgres_server import create_schema, split_schema

TIMEOUT = 1


@contextmanager
def sqlite_writer_holding_the_lock(path: Path) -> Iterator[None]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


@contextmanager
def postgres_writer_holding_the_lock(url: str) -> Iterator[None]:
    conninfo, schema = split_schema(url)
    with psycopg.connect(conninfo) as conn:
        conn.execute(f'LOCK TABLE "{schema}".contractflow_events IN EXCLUSIVE MODE')
        yield
        conn.rollback()


@contextmanager
def impatient_desk(database_url: str, users_file: Path, tokens: dict[str, str]) -> Iterator[Desk]:
    """A service that waits at most one second for a lock."""
    settings = Settings(
        database_url=database_url, users_file=users_file, db_timeout_seconds=TIMEOUT
    )
    with TestClient(create_app(settings, UserDirectory.load(users_file))) as client:
        yield Desk(client, lambda user: {"Authorization": f"Bearer {tokens[user]}"})


def test_a_locked_sqlite_store_answers_503(
    tmp_path: Path, users_file: Path, tokens: dict[str, str]
) -> None:
    path = tmp_path / "busy.db"
    with impatient_desk(f"sqlite:///{path}", users_file, tokens) as desk:
        contract = desk.create()
        with sqlite_writer_holding_the_lock(path):
            started = time.monotonic()
            response = desk.act(contract, "submit", "li.lei")
            assert time.monotonic() - started <= 2 * TIMEOUT  # SPEC §8: busy, not a hang
        assert_problem(response, 503, "busy")
        assert response.headers["retry-after"] == "1"
        assert desk.act(contract, "submit", "li.lei").status_code == 200


@pytest.mark.postgres
def test_a_locked_postgres_store_answers_503(
    postgres_database: str, users_file: Path, tokens: dict[str, str]
) -> None:
    url = create_schema(postgres_database)
    with impatient_desk(url, users_file, tokens) as desk:
        contract = desk.create()
        with postgres_writer_holding_the_lock(url):
            started = time.monotonic()
            response = desk.act(contract, "submit", "li.lei")
            assert time.monotonic() - started <= 2 * TIMEOUT  # was 10 tries of 1.2 s each
        assert_problem(response, 503, "busy")
        assert response.headers["retry-after"] == "1"
        assert desk.act(contract, "submit", "li.lei").status_code == 200
