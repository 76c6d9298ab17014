"""Encryption at rest (SPEC §7 商业机密): with a key, no confidential text is stored in the
clear, in the events or in the read models, and everything still works."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
from eventsourcing.cryptography import AESCipher
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from api.settings import Settings
from api.storage import StoreLockedError, open_application
from api.users import UserDirectory
from projections.text_index import SIZES, pieces
from tests.desk import Desk
from tests.postgres_server import split_schema
from tests.receivables_history import executing_contract

CANARY = "金丝雀CANARY-7f3a"


def raw_dump(database_url: str) -> bytes:
    """Every byte the database holds for this store, as an intruder with the files would see."""
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    conninfo, schema = split_schema(database_url)
    with psycopg.connect(conninfo) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
        )]  # fmt: skip
        text = "".join(
            str(
                conn.execute(
                    f'SELECT string_agg(t::text, \'|\') FROM "{schema}"."{table}" t'
                ).fetchone()[0]
            )
            for table in tables
        )
    return text.encode()


def test_a_canary_never_appears_in_a_raw_dump(
    durable_url: str, users_file: Path, tokens: dict[str, str]
) -> None:
    key = AESCipher.create_key(32)
    settings = Settings(database_url=durable_url, users_file=users_file, encryption_key=key)
    with TestClient(create_app(settings, UserDirectory.load(users_file))) as client:
        desk = Desk(client, lambda user: {"Authorization": f"Bearer {tokens[user]}"})
        customer = {"id": "CUST-X", "name": CANARY}
        contract = desk.executing(title=f"{CANARY} 合同", customer=customer)
        desk.ok(
            contract,
            "ship",
            "li.lei",
            {"amount": "100", "shipped_on": "2026-01-05", "note": CANARY},
        )
        complaint = client.post(
            "/api/complaints",
            json={
                "customer": customer,
                "channel": "phone",
                "category": "quality",
                "description": CANARY,
            },
            headers=desk.as_user("sun.li"),
        )
        assert complaint.status_code == 201
        statement = client.get(
            "/api/receivables/statement",
            params={"month": "2026-01"},
            headers=desk.as_user("zhao.qiang"),
        )
        assert statement.json()["customers"][0]["customer_name"] == CANARY
        for q in ("canary-7F3A", "丝雀", "雀"):  # through the index, and the one-letter scan
            found = client.get(
                "/api/contracts", params={"q": q}, headers=desk.as_user("wang.fang")
            ).json()
            assert [c["id"] for c in found["items"]] == [contract["id"]], q
        inbox_title = client.get(
            f"/api/contracts/{contract['id']}", headers=desk.as_user("wang.fang")
        ).json()["title"]
        assert inbox_title == f"{CANARY} 合同"
    dump = raw_dump(durable_url)
    assert dump  # the dump did read the store
    assert CANARY.encode() not in dump
    assert CANARY.encode().hex() not in dump.decode("latin-1").lower()
    # Nor any piece of it the search index could have kept in the clear.
    for size in SIZES:
        for piece in pieces(CANARY.lower(), size):
            if not piece.isascii():
                assert piece.encode() not in dump, piece


def test_without_its_key_an_encrypted_store_refuses_to_start(
    durable_url: str,
    users_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = AESCipher.create_key(32)
    app = open_application(
        Settings(database_url=durable_url, users_file=users_file, encryption_key=key)
    )
    executing_contract(app, "C1", "li.lei")
    app.close()
    with pytest.raises(StoreLockedError, match="set CONTRACTFLOW_ENCRYPTION_KEY"):
        open_application(Settings(database_url=durable_url, users_file=users_file))
    with pytest.raises(StoreLockedError, match="does not decrypt"):
        open_application(
            Settings(
                database_url=durable_url,
                users_file=users_file,
                encryption_key=AESCipher.create_key(32),
            )
        )
    reopened = open_application(
        Settings(database_url=durable_url, users_file=users_file, encryption_key=key)
    )
    reopened.close()
    monkeypatch.setenv("CONTRACTFLOW_DATABASE_URL", durable_url)
    monkeypatch.setenv("CONTRACTFLOW_USERS", str(users_file))
    users_file.write_text("", encoding="utf-8")
    assert main(["projections", "status"]) == 2
    assert "CONTRACTFLOW_ENCRYPTION_KEY" in capsys.readouterr().err


def test_keys_new_prints_a_fresh_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "new"]) == 0
    first = capsys.readouterr().out.strip()
    assert main(["keys", "new"]) == 0
    assert len(first) == 44 and first != capsys.readouterr().out.strip()
