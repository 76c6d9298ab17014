"""Plain inserts of many rows sent to PostgreSQL as one COPY: several times cheaper, for the
client and the server, than a prepared INSERT per row, which is most of the cost of
replaying the log into a view. Only what COPY stores exactly as the INSERT would goes this
way: an INSERT of every column from placeholders alone (no conflict clause, no SELECT),
with values whose text PostgreSQL reads back as the same value (text, integers, bytes,
NULL). Anything else is left to `executemany`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain
from typing import Any

_PLAIN_INSERT = re.compile(r"INSERT INTO (\S+) VALUES \((?:%s, )*%s\)")
_EXACT_AS_TEXT = frozenset({str, int, bytes, type(None)})


def copy_target(sql: str) -> str | None:
    """The table a plain INSERT (in psycopg's placeholders) fills, or None."""
    match = _PLAIN_INSERT.fullmatch(sql)
    return match[1] if match else None


def copied(cursor: Any, sql: str, rows: Sequence[Sequence[Any]]) -> bool:
    """Insert `rows` with COPY if that stores what `sql` would; False if it does not."""
    table = copy_target(sql)
    if table is None or not set(map(type, chain.from_iterable(rows))) <= _EXACT_AS_TEXT:
        return False
    with cursor.copy(f"COPY {table} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    return True
