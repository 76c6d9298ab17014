"""The ledger's text index (SPEC §5 合同台账, §7 商业机密): each searched text is kept as
keyed hashes of its 2- and 3-character pieces (a "blind index"), indexed by FTS5 on SQLite
and by GIN over integer arrays on PostgreSQL, so that a search reads only the contracts
that may match, and an encrypted store's view holds no searchable plaintext. The hashes
are keyed from the store's key (a fixed, public one for plain stores: one path for both).
A hash says which pieces two texts share, never the text; the candidates are then checked
exactly, so the index changes how fast a search is, never what it finds: by SQL against
the lower-cased texts the ledger keeps beside its own in a plain store (`<field>_lower`,
holding nothing the ledger does not hold in the clear already), and after revealing them
in an encrypted one, which keeps no such columns."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any

from projections.fifo import Sql
from projections.store import AggregateWriter, Row

FIELDS = ("number", "title", "customer_id", "customer_name")  # what the ledger's `q` matches
SIZES = (2, 3)  # a query of three characters or more looks up its trigrams; of two, its bigram
QUERY_PIECES = 8  # per field at most: each one narrows, and any of them is a sound filter
# Candidates past which matching every text in SQL is cheaper than going through the index.
ENOUGH = 5000
ALL_FIELDS = " || ".join(FIELDS)


def folded(text: str) -> str:
    """Search ignores case: texts and queries are compared lower-cased."""
    return text.lower()


def pieces(text: str, size: int) -> list[str]:
    """The distinct `size`-character pieces of `text`, in order."""
    return list(dict.fromkeys(text[i : i + size] for i in range(len(text) - size + 1)))


def _hash(key: bytes, field: str, piece: str) -> int:
    """32 signed bits of a keyed BLAKE2b, personalised by field: a piece of a title and the
    same piece of a customer's name hash apart. Collisions only add candidates."""
    digest = hashlib.blake2b(
        piece.encode("utf-8", "surrogatepass"), key=key, digest_size=4, person=field.encode()
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


def _word(value: int) -> str:
    """A hash as an FTS5 word."""
    return f"{value & 0xFFFFFFFF:08x}"


class TextIndex:
    """The hashes of each contract's texts, a row per contract keyed by the ledger's
    `position`; on SQLite an FTS5 index over them, kept by triggers, so that it follows
    whatever writes the rows (a rebuild's copy too) and goes with them."""

    def __init__(
        self,
        t: Callable[[str], str],
        rows: Callable[[str, list[Any]], list[Row]],
        suffix: str,
        key: bytes,
        *,
        postgres: bool,
        hides: bool,
    ) -> None:
        """`t`: the ledger view's table names; `rows`: its reads; `hides`: the store
        encrypts view texts."""
        self.table, self.words = t("ledger_search"), t("ledger_search_words")
        self.rows = rows
        self.name = f"ledger_search{suffix}"
        self.postgres = postgres
        self.hides = hides
        hashed = partial(_hash, key)
        kept: Callable[[str, str], str] = (
            (lambda field, piece: str(hashed(field, piece)))
            if postgres
            else (lambda field, piece: _word(hashed(field, piece)))
        )
        self._kept = lru_cache(maxsize=1 << 16)(kept)  # a piece as the index keeps it

    def schema(self) -> list[str]:
        if self.postgres:
            columns = ", ".join(f"{field} INTEGER[] NOT NULL" for field in FIELDS)
            return [
                f"CREATE TABLE IF NOT EXISTS {self.table} (position BIGINT PRIMARY KEY, "
                f"contract_id TEXT NOT NULL, {columns})",
                # A short pending list: a search reads it whole before the index proper.
                f"CREATE INDEX IF NOT EXISTS {self.name}_pieces ON {self.table} "
                f"USING GIN (({ALL_FIELDS})) WITH (gin_pending_list_limit = 128)",
            ]
        columns = ", ".join(f"{field} TEXT NOT NULL" for field in FIELDS)
        listed, new, old = (", ".join(f"{at}{f}" for f in FIELDS) for at in ("", "new.", "old."))
        add = f"INSERT INTO {self.words} (rowid, {listed}) VALUES (new.position, {new});"
        remove = (
            f"INSERT INTO {self.words} ({self.words}, rowid, {listed}) "
            f"VALUES ('delete', old.position, {old});"
        )
        return [
            f"CREATE TABLE IF NOT EXISTS {self.table} (position INTEGER PRIMARY KEY, "
            f"contract_id TEXT NOT NULL, {columns})",
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.words} USING fts5({listed}, "
            f"content='{self.name}', content_rowid='position', detail=none, columnsize=0)",
            *(
                f"CREATE TRIGGER IF NOT EXISTS {self.name}_{when} AFTER {when} ON {self.table} "
                f"BEGIN {body} END"
                for when, body in (("insert", add), ("delete", remove), ("update", remove + add))
            ),
        ]

    def drop(self) -> list[str]:
        """The FTS5 index is no table of the view's: it goes with them."""
        return [] if self.postgres else [f"DROP TABLE IF EXISTS {self.words}"]

    def added(
        self, w: AggregateWriter, position: int, contract_id: str, texts: tuple[str, ...]
    ) -> None:
        """A contract's texts, one for each of FIELDS (a plain insert: a rebuild may COPY it)."""
        w.execute(
            f"INSERT INTO {self.table} VALUES (?, ?, ?, ?, ?, ?)",
            (position, contract_id, *map(self.hashes, FIELDS, texts)),
        )

    def changed(
        self, w: AggregateWriter, texts: dict[str, str], positions: str, param: str
    ) -> None:
        """New `texts` (field → text) of the contracts the query `positions` selects."""
        if texts:
            assignments = ", ".join(f"{field} = ?" for field in texts)
            w.execute(
                f"UPDATE {self.table} SET {assignments} WHERE position IN ({positions})",
                (*(self.hashes(field, text) for field, text in texts.items()), param),
            )

    def hashes(self, field: str, text: str) -> str:
        """What the index keeps of `text` in `field`: an array on PostgreSQL (as text, which
        psycopg sends faster than a list), words for FTS5."""
        text = folded(text)
        kept = {self._kept(field, piece) for size in SIZES for piece in pieces(text, size)}
        return self._listed(sorted(kept))

    def _listed(self, kept: list[str]) -> str:
        return "{" + ",".join(kept) + "}" if self.postgres else " ".join(kept)

    def lower(self, text: str) -> str | None:
        """What the ledger keeps in a `<field>_lower` column: none when texts are hidden."""
        return None if self.hides else folded(text)

    def exactly(self, needle: str) -> Sql | None:
        """A condition on ledger rows: a searched text contains `needle` (lower-cased);
        None when the store hides texts (see `candidates`)."""
        if self.hides:
            return None
        likes = " OR ".join(f"{field}_lower LIKE ? ESCAPE '\\'" for field in FIELDS)
        narrowed = self._narrowed(needle)
        if narrowed is not None and self._plenty(narrowed):
            narrowed = None  # a needle most texts hold: reading them all is quicker
        matched = Sql(f"({likes})", [_like(needle)] * len(FIELDS))
        if narrowed is None:
            return matched
        found = self._found(narrowed)
        return Sql(f"{found.clause} AND {matched.clause}", [*found.params, *matched.params])

    def candidates(self, needle: str) -> Sql | None:
        """A condition on ledger rows (by `contract_id`) that every row with a searched
        text containing `needle` (lower-cased) meets, and few others; None when the needle
        is too short for the index."""
        narrowed = self._narrowed(needle)
        return None if narrowed is None else self._found(narrowed)

    def _found(self, narrowed: Sql) -> Sql:
        """The ledger rows of the index rows `narrowed` picks."""
        return Sql(
            f"contract_id IN (SELECT contract_id FROM {self.table} WHERE {narrowed.clause})",
            narrowed.params,
        )

    def _plenty(self, narrowed: Sql) -> bool:
        found = self.rows(
            f"SELECT COUNT(*) AS n FROM (SELECT 1 FROM {self.table} WHERE {narrowed.clause} "
            f"LIMIT {ENOUGH}) AS found",
            narrowed.params,
        )
        return int(found[0]["n"]) >= ENOUGH

    def _narrowed(self, needle: str) -> Sql | None:
        """The index's condition on its own rows: each piece of the needle (a spread of its
        trigrams, or its bigram) in one field."""
        size = min(len(needle), max(SIZES))
        if size < min(SIZES):
            return None
        found = pieces(needle, size)
        found = found[:: -(-len(found) // QUERY_PIECES)]  # spread over the needle
        hashed = [[self._kept(field, piece) for piece in found] for field in FIELDS]
        if self.postgres:
            each = " OR ".join(f"({ALL_FIELDS}) @> ?::integer[]" for _ in FIELDS)
            return Sql(f"({each})", list(map(self._listed, hashed)))
        words = " OR ".join(
            "(" + " AND ".join(f'"{word}"' for word in field) + ")" for field in hashed
        )
        found_rows = f"SELECT rowid FROM {self.words} WHERE {self.words} MATCH ?"
        return Sql(f"position IN ({found_rows})", [words])


def _like(needle: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') for texts containing `needle`."""
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
