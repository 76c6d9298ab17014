"""A dependency-free progress bar for long CLI work (demo seeding, rebuilds, exports)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")
WIDTH = 30


def progress(items: Iterable[T], total: int, label: str, out: TextIO = sys.stderr) -> Iterator[T]:
    """Yield `items`, redrawing `label [#####.....] n/total` as each one is done."""
    done = 0
    _draw(out, label, done, total)
    for item in items:
        yield item
        done += 1
        _draw(out, label, done, total)
    out.write("\n")
    out.flush()


def _draw(out: TextIO, label: str, done: int, total: int) -> None:
    filled = WIDTH * done // total if total else WIDTH
    out.write(f"\r{label} [{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{total}")
    out.flush()
