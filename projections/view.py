"""A read model: its tables, how each event changes them, and a dump for comparisons."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from itertools import chain
from typing import Any, ClassVar

from domain.topics import every_topic
from projections.store import AggregateWriter, Row, ViewStore, Writer

Handler = Callable[[AggregateWriter, Any, int], None]


def cents(amount: Decimal) -> int:
    """Views keep money as integer cents: exact, and summed by the database."""
    return int(amount * 100)


def recorded(timestamp: datetime) -> str:
    """Fixed-width UTC text, so that comparing strings compares times."""
    return timestamp.astimezone(UTC).isoformat(timespec="microseconds")


class View(ABC):
    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]]
    version: ClassVar[int] = 1  # raise it when the tables change: the view is rebuilt
    reads_every_event: ClassVar[bool] = False

    def __init__(self, store: ViewStore, suffix: str = "") -> None:
        self.store = store
        self.suffix = suffix
        self.key = f"{self.name}{suffix}"  # its tracking record
        self.handlers: dict[type, Handler] = self.event_handlers()
        # The events the database should hand this view; none named means every event.
        self.topics: tuple[str, ...] = (
            ()
            if self.reads_every_event
            else tuple(chain.from_iterable(map(every_topic, self.handlers)))
        )

    def hide(self, text: str) -> str:
        """Confidential text as stored: encrypted when the store is (see text_cipher)."""
        return self.store.text.hide(text)

    def reveal(self, text: str) -> str:
        return self.store.text.reveal(text)

    def t(self, table: str) -> str:
        """The qualified name of one of this view's tables."""
        return self.store.table(f"{table}{self.suffix}")

    @abstractmethod
    def schema(self) -> list[str]:
        """CREATE statements (idempotent) for the view's tables and indexes."""

    @abstractmethod
    def event_handlers(self) -> dict[type, Handler]:
        """The events this view reads, each with the function that applies it."""

    def apply(self, writer: Writer, event: Any, position: int) -> None:
        handler = self.handlers.get(type(event))
        if handler is not None:
            handler(writer.about(event.originator_id), event, position)

    def begin(self, writer: Writer) -> None:
        """A batch opens: a view that keeps state across its events reads it here."""
        return  # most views keep none

    def end(self, writer: Writer, position: int) -> None:
        """The batch applied the log up to `position`: write what was kept across events."""
        return

    def create(self) -> None:
        """Its tables, at this version: tables of another version (or of none recorded,
        from before versions were) are dropped, and the view is built again from the log."""
        with self.store.writing() as writer:
            writer.claim(self.key)  # one process at a time
            if writer.version(self.key) != self.version:
                self._drop(writer)
                writer.set_version(self.key, self.version)
            for statement in self.schema():
                writer.execute(statement)

    def drop(self) -> None:
        with self.store.writing() as writer:
            self._drop(writer)
            writer.set_version(self.key, None)

    def _drop(self, writer: Writer) -> None:
        for table in self.tables:
            writer.execute(f"DROP TABLE IF EXISTS {self.t(table)}")
        writer.forget(self.key)

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, sorted: two views are equal when their dumps are."""
        return {
            table: sorted(
                tuple(row.values()) for row in self.rows(f"SELECT * FROM {self.t(table)}")
            )
            for table in self.tables
        }

    def page(
        self, table: str, key: str, where: str, params: list[Any], limit: int, offset: int
    ) -> tuple[list[str], int]:
        """One page of `key`s of the rows matching `where`, oldest first, and how many match."""
        name = self.t(table)
        total = self.rows(f"SELECT COUNT(*) AS n FROM {name} WHERE {where}", params)[0]["n"]
        page = self.rows(
            f"SELECT {key} FROM {name} WHERE {where} ORDER BY position LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [row[key] for row in page], int(total)

    def rows(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[Row]:
        return self.store.rows(sql, params)
