"""A dependency-free progress bar for long CLI work (demo seeding, rebuilds, exports)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")
WIDTH = 30


class Progress:
    """Redraws `label [#####.....] done/total` on one line as work advances."""

    def __init__(self, total: int, label: str, out: TextIO = sys.stderr) -> None:
        self.total, self.label, self.out = total, label, out
        self.done = 0
        self._shown = -1
        self._draw()

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.total and 1000 * self.done // self.total != self._shown:  # redraw per 0.1 %
            self._draw()

    def close(self) -> None:
        self._draw()
        self.out.write("\n")
        self.out.flush()

    def _draw(self) -> None:
        self._shown = 1000 * self.done // self.total if self.total else 0
        filled = WIDTH * min(self.done, self.total) // self.total if self.total else WIDTH
        bar = "#" * filled + "." * (WIDTH - filled)
        self.out.write(f"\r{self.label} [{bar}] {self.done}/{self.total}")
        self.out.flush()


def progress(items: Iterable[T], total: int, label: str) -> Iterator[T]:
    """Yield `items`, advancing a progress bar as each one is done."""
    bar = Progress(total, label)
    for item in items:
        yield item
        bar.advance()
    bar.close()
