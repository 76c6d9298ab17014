"""Plain inserts of many rows go to PostgreSQL as COPY (projections.bulk) and store exactly
what the INSERT would have; any other statement, or value, is left to `executemany`."""

from __future__ import annotations

from typing import Any

import pytest

from api.storage import library_env
from domain.application import ContractFlow
from projections.bulk import copy_target
from projections.store import ViewStore

TRICKY = ["", "\\N", "\\.", "tab\there", "new\nline", "back\\slash", "'\"", "中文 ✓", "a\rb"]


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        ('INSERT INTO "s"."t" VALUES (%s, %s, %s)', '"s"."t"'),
        ('INSERT INTO "t" VALUES (%s)', '"t"'),
        ('INSERT INTO "t" VALUES (%s, %s) ON CONFLICT DO NOTHING', None),
        ('INSERT INTO "t" (a, b) VALUES (%s, %s)', None),
        ('INSERT INTO "t" SELECT %s, a FROM "u" WHERE b = %s', None),
        ("INSERT INTO \"t\" VALUES (%s, %s, 'active')", None),
        ('UPDATE "t" SET a = %s WHERE b = %s', None),
    ],
)
def test_only_a_plain_insert_of_every_column_is_sent_as_copy(sql: str, table: str | None) -> None:
    assert copy_target(sql) == table


@pytest.mark.parametrize("copyable", [True, False])
def test_rows_sent_as_copy_are_stored_as_the_insert_stores_them(
    database_url: str, copyable: bool
) -> None:
    app = ContractFlow(library_env(database_url, 5))
    store = ViewStore.beside(app)
    columns = "n BIGINT, t TEXT, b BYTEA, i INTEGER, x TEXT"
    rows: list[tuple[Any, ...]] = [
        (2**62 - n, text, bytes(range(n * 20, n * 20 + 20)), None if n % 2 else n, n)
        for n, text in enumerate(TRICKY)
    ]
    if not copyable:  # a float the INSERT casts to an integer: COPY would refuse "2.0"
        rows.append((1, "f", b"", 2.0, 1))
    sql = f"INSERT INTO {{}} VALUES ({', '.join('?' * 5)})"
    with store.writing() as writer:
        for table in ("bulk_copied", "bulk_inserted"):
            writer.execute(f"CREATE TABLE {store.table(table)} ({columns})")
        writer.execute_many(sql.format(store.table("bulk_copied")), rows)
        for row in rows:
            writer.execute(sql.format(store.table("bulk_inserted")), row)
    read = "SELECT * FROM {} ORDER BY n"
    copied = store.rows(read.format(store.table("bulk_copied")))
    assert len(copied) == len(rows)
    assert copied == store.rows(read.format(store.table("bulk_inserted")))
    store.close()
    app.close()
