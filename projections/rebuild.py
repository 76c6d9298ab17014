"""Rebuild a view from the start beside the live one, compare them row for row, and switch
over only when they are identical (or when told to, after a projection was fixed)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.application import Application

from projections.projector import Projector
from projections.view import View

MAX_REPORTED = 20
ATTEMPTS = 10


@dataclass
class RebuildResult:
    view: str
    position: int
    identical: bool
    switched: bool
    differences: list[str] = field(default_factory=list)
    replay_seconds: float = 0.0  # replaying the log alone, without comparing or switching


def rebuild(
    app: Application[Any],
    live: View,
    *,
    force: bool = False,
    done: Callable[[int], None] | None = None,
) -> RebuildResult:
    """Replay the log into fresh tables up to the live view's position and compare."""
    fresh = type(live)(live.store, suffix="_rebuild")
    fresh.drop()
    fresh.create()
    try:
        Projector(app, live).catch_up()
        replay_seconds = 0.0
        for _ in range(ATTEMPTS):  # another process may move the live view meanwhile
            position = live.store.position(live.key)
            started = time.perf_counter()
            Projector(app, fresh).catch_up(until=position, done=done)
            replay_seconds += time.perf_counter() - started
            differences = _differences(live, fresh)
            if live.store.position(live.key) == position:
                break
        switched = not differences or force
        if switched:
            _copy(fresh, live)
        return RebuildResult(
            live.name, position, not differences, switched, differences, replay_seconds
        )
    finally:
        fresh.drop()


def _differences(live: View, fresh: View) -> list[str]:
    """Rows only one side has, found by the database: memory stays flat at any size."""
    found = []
    for table in live.tables:
        ours, theirs = live.t(table), fresh.t(table)
        for label, left, right in (("live", ours, theirs), ("rebuild", theirs, ours)):
            rows = live.rows(
                f"SELECT * FROM {left} EXCEPT SELECT * FROM {right} LIMIT {MAX_REPORTED}"
            )
            found += [f"{table}: {label} has {tuple(row.values())}" for row in rows]
        counts = live.rows(f"SELECT (SELECT COUNT(*) FROM {ours}) AS live, "
                           f"(SELECT COUNT(*) FROM {theirs}) AS rebuilt")[0]  # fmt: skip
        if counts["live"] != counts["rebuilt"]:
            found.append(f"{table}: {counts['live']} live rows, {counts['rebuilt']} rebuilt")
    return found[:MAX_REPORTED]


def _copy(source: View, target: View) -> None:
    """Replace the live rows by the rebuilt ones in one transaction."""
    with target.store.writing() as writer:
        for table in target.tables:
            writer.execute(f"DELETE FROM {target.t(table)}")
            writer.execute(f"INSERT INTO {target.t(table)} SELECT * FROM {source.t(table)}")
