"""Human numbers (`HT-2026-000001`): unique, never reused, assigned without a database sequence.

A `NumberIndex` aggregate per number (id derived from the number) makes a second use of a
number a version conflict; a `NumberSequence` per prefix and year hands out candidates.
Saving both with the contract in one transaction makes the claim atomic.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import event

from domain.chain import ChainedAggregate
from domain.errors import DuplicateNumberError

_NAMESPACE = uuid5(NAMESPACE_URL, "https://contractflow/numbers")


class NumberIndex(ChainedAggregate):
    """Claims one number for one aggregate."""

    @staticmethod
    def create_id(number: str) -> UUID:
        return uuid5(_NAMESPACE, f"index:{number}")

    @event("Claimed")
    def __init__(self, number: str, owner_id: UUID) -> None:
        self.number = number
        self.owner_id = owner_id


class NumberSequence(ChainedAggregate):
    """The last number issued for one prefix and year; it only moves forward."""

    @staticmethod
    def create_id(prefix: str, year: int) -> UUID:
        return uuid5(_NAMESPACE, f"sequence:{prefix}-{year}")

    @event("Started")
    def __init__(self, prefix: str, year: int) -> None:
        self.prefix = prefix
        self.year = year
        self.last = 0

    def issue(self) -> str:
        self._issued(serial=self.last + 1)
        return f"{self.prefix}-{self.year}-{self.last:06d}"

    @event("Issued")
    def _issued(self, serial: int) -> None:
        self.last = serial


def claim_number(
    repository: Any, number: str | None, prefix: str, year: int
) -> tuple[str, list[NumberSequence]]:
    """The number given, if free; else the next `<prefix>-<year>-<6 digits>` not taken, with
    the sequence to save beside the claim."""
    if number is not None:
        if NumberIndex.create_id(number) in repository:
            raise DuplicateNumberError(f"number {number} is already used")
        return number, []
    try:
        sequence = repository.get(NumberSequence.create_id(prefix, year))
    except AggregateNotFoundError:
        sequence = NumberSequence(prefix, year)
    candidate = sequence.issue()
    while NumberIndex.create_id(candidate) in repository:  # taken by hand
        candidate = sequence.issue()
    return candidate, [sequence]
