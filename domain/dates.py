"""Business dates and recording moments (SPEC §4): dates from 2000-01-01 on, never in the
future; moments carry their UTC offset and are kept in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.errors import InvalidInputError

EARLIEST = date(2000, 1, 1)  # SPEC §2: dates before 2000-01-01 are invalid input


def ensure_not_future(effective: date, today: date, field: str) -> date:
    """Business dates may be back-dated, never in the future (SPEC §4)."""
    if effective > today:
        raise InvalidInputError(f"{field} {effective} is in the future (today is {today})")
    return effective


def moment(given: datetime | None, field: str) -> datetime:
    """When something happened: now by default, never in the future, kept in UTC."""
    now = datetime.now(UTC)
    if given is None:
        return now
    if given.tzinfo is None:
        raise InvalidInputError(f"{field} needs a UTC offset")
    if given > now:
        raise InvalidInputError(f"{field} {given.isoformat()} is in the future")
    return given.astimezone(UTC)
