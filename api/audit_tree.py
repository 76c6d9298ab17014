"""Checking the log against signed checkpoints, and the proofs auditors keep (SPEC §6).

A checkpoint signed with a key the store does not hold is evidence a writer to the
database cannot forge: `TreeCheck` recomputes the tree from the events as they are now and
compares its root with each signed checkpoint at that checkpoint's size. The first that
differs bounds where the log was rewritten: after the last checkpoint that still matches,
up to that one."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from domain.chain import canonical
from domain.errors import ConflictError, InvalidInputError
from projections import merkle
from projections.merkle import Frontier
from projections.signed_note import Checkpoint, NoteError, Verifier
from projections.tree import TreeView

PAGE = 1000


@dataclass(frozen=True)
class Signed:
    """A checkpoint whose signature verified, and where it came from."""

    checkpoint: Checkpoint
    note: str
    source: str  # "the store" or a file's name


@dataclass
class TreeCheck:
    """Fed the log's leaf hashes in position order, compares the tree they make with
    each signed checkpoint as the tree reaches its size."""

    expected: Iterator[Signed]
    frontier: Frontier = field(default_factory=lambda: Frontier(0, []))
    matched: Signed | None = None  # the last checkpoint the log still agrees with
    matched_at: int = 0  # the position of the matched checkpoint's last leaf
    problem: dict[str, Any] | None = None
    _next: Signed | None = None

    def __post_init__(self) -> None:
        self._next = next(self.expected, None)
        self._compare(0)

    def add(self, position: int, leaf: bytes) -> None:
        if self.problem is not None or self._next is None:
            self.frontier.size += 1  # counting only: the verdict is in
            return
        self.frontier.append(leaf)
        self._compare(position)

    def _compare(self, position: int) -> None:
        while self._next is not None and self._next.checkpoint.size == self.frontier.size:
            if self.frontier.root() != self._next.checkpoint.root:
                self.problem = self._rewritten(position)
                return
            self.matched, self.matched_at = self._next, position
            self._next = next(self.expected, None)

    def finish(self) -> dict[str, Any] | None:
        """The first disagreement with a signed checkpoint, if any."""
        if self.problem is None and self._next is not None:
            signed = self._next.checkpoint.size
            self.problem = {
                "position": self.matched_at + 1,
                "aggregate_id": "",
                "version": 0,
                "problem": f"truncated: {self._next.source} signed a log of {signed} events; "
                f"the log has {self.frontier.size}",
            }
        return self.problem

    def _rewritten(self, position: int) -> dict[str, Any]:
        assert self._next is not None
        return {
            "position": self.matched_at + 1,
            "aggregate_id": "",
            "version": 0,
            "problem": f"rewritten: the log's first {self._next.checkpoint.size} events differ "
            f"from the checkpoint {self._next.source} signed; the first change is at or after "
            f"position {self.matched_at + 1} and at or before position {position}",
        }


@dataclass
class StoreCheckpoints:
    """The checkpoints in the store that `verifier` signed, smallest first. One whose
    signature fails was forged or altered: it is left out and reported."""

    tree: TreeView
    verifier: Verifier
    forged: list[dict[str, Any]] = field(default_factory=list)

    def __iter__(self) -> Iterator[Signed]:
        after = 0
        while page := self.tree.checkpoints_from(after, PAGE):
            for row in page:
                if row["key_name"] == self.verifier.name:
                    yield from self._checked(row)
            after = int(page[-1]["tree_size"]) + 1

    def _checked(self, row: dict[str, Any]) -> Iterator[Signed]:
        try:
            yield Signed(read_note(row["note"], self.verifier), row["note"], "the store")
        except NoteError as error:
            self.forged.append(
                {
                    "position": int(row["position"]),
                    "aggregate_id": "",
                    "version": 0,
                    "problem": f"forged: the checkpoint of tree size {row['tree_size']} "
                    f"fails its signature ({error})",
                }
            )


def read_note(note: str, verifier: Verifier) -> Checkpoint:
    return Checkpoint.parse(verifier.verify(note))


def latest(tree: TreeView) -> dict[str, Any]:
    """The latest checkpoint, for `GET /audit/checkpoint`."""
    found = tree.latest_checkpoint()
    if found is None:
        raise ConflictError("the log has no checkpoint yet: record an event first")
    return found


def inclusion(app: Any, tree: TreeView, position: int, tree_size: int | None) -> dict[str, Any]:
    """The proof that the event at `position` is leaf `leaf_index` of the tree of
    `tree_size` leaves (the latest checkpoint's when not given)."""
    size = tree_size or int(latest(tree)["tree_size"])
    leaf = tree.leaf_at(position)
    if leaf is None:
        raise InvalidInputError(f"position {position} is not in the tree")
    index = int(leaf["leaf_index"])
    _within(tree, size, index + 1)
    stored = app.recorder.select_notifications(start=position, limit=1, stop=position)
    if not stored:
        raise ConflictError(f"the event at position {position} is gone: run verify")
    leaf_bytes = canonical(app.mapper.to_domain_event(stored[0]))
    return {
        "position": position,
        "leaf_index": index,
        "tree_size": size,
        "leaf": _b64(leaf_bytes),
        "leaf_hash": _b64(merkle.leaf_hash(leaf_bytes)),
        "audit_path": [_b64(node) for node in tree.inclusion(index, size)],
        "root_hash": _b64(tree.root(size)),
    }


def consistency(tree: TreeView, first: int, second: int) -> dict[str, Any]:
    """RFC 9162 §2.1.4: the proof that the tree of `first` leaves is a prefix of the
    tree of `second` leaves."""
    if not 0 < first <= second:
        raise InvalidInputError("consistency needs 0 < first ≤ second")
    _within(tree, second, first)
    return {
        "first": first,
        "second": second,
        "first_root": _b64(tree.root(first)),
        "second_root": _b64(tree.root(second)),
        "proof": [_b64(node) for node in tree.consistency(first, second)],
    }


def _within(tree: TreeView, size: int, least: int) -> None:
    have = tree.size()
    if size > have:
        raise InvalidInputError(f"tree_size {size} is beyond the tree's {have} leaves")
    if size < least:
        raise InvalidInputError(f"tree_size {size} does not hold leaf {least - 1}")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def parse_old(text: str, verifier: Verifier, source: str) -> Signed:
    """An auditor's kept checkpoint, checked against their key."""
    try:
        return Signed(read_note(text, verifier), text, source)
    except NoteError as error:
        raise InvalidInputError(f"{source}: {error}") from None
