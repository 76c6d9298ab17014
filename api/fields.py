"""The input vocabulary of the API (SPEC §4, §8): money, quantities, text, identifiers,
business dates and timestamps, each refused as 422 unless written exactly as documented.

Text never carries control characters (free text may hold tabs and newlines) nor lone
surrogates: PostgreSQL cannot store NUL, and neither belongs in a contract.
"""

from __future__ import annotations

import re
import typing
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema

from domain.dates import EARLIEST
from domain.errors import InvalidInputError
from domain.money import MONEY_PATTERN, parse_money

MAX_OFFSET = 10**9  # paging further than this is a mistake, not a request
MAX_POSITION = 2**62  # log positions and versions fit a signed 64-bit integer

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_BUT_LAYOUT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_QUANTITY = re.compile(r"[0-9]{1,9}(\.[0-9]{1,6})?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_OFFSET = re.compile(r"(Z|[+-][0-9]{2}:?[0-9]{2})$")


def _one_line(value: object) -> object:
    if isinstance(value, str) and _CONTROL.search(value):
        raise ValueError("control characters are not allowed here")
    return value


def _free_text(value: object) -> object:
    """Tabs and newlines are layout; a browser's CRLF is a newline; other controls are not."""
    if isinstance(value, str):
        value = value.replace("\r\n", "\n")
        if _CONTROL_BUT_LAYOUT.search(value):
            raise ValueError("control characters other than tab and newline are not allowed")
    return value


def is_free_text(info: Any) -> bool:
    """Whether a body field (pydantic's field info) takes free text: tabs, line breaks."""
    annotation = info.annotation
    candidates = [info, *(typing.get_args(annotation) if typing.get_args(annotation) else [])]
    return any(
        getattr(item, "func", None) is _free_text
        for candidate in candidates
        for item in [*getattr(candidate, "metadata", []), *getattr(candidate, "__metadata__", [])]
    )


def _money(value: object) -> Decimal:
    try:
        return parse_money(value)
    except InvalidInputError as error:
        raise ValueError(error.detail) from None


def _quantity(value: object) -> Decimal:
    """Quantities are positive decimals below 10^9 with up to six places, sent like money."""
    text = repr(value) if isinstance(value, float) else value
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    if not isinstance(text, str) or not _QUANTITY.fullmatch(text) or Decimal(text) <= 0:
        raise ValueError(
            f"quantity is a positive decimal below 10^9, six places at most: {value!r}"
        )
    return Decimal(text)


def _whole(value: object) -> object:
    """A JSON integer, also when written 76.0; never a string or a boolean."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("a whole number is expected")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _iso_date(value: object) -> date:
    """Business dates are exactly `YYYY-MM-DD`, from 2000-01-01 on."""
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    elif isinstance(value, str) and _DATE.fullmatch(value):
        day = date.fromisoformat(value)
    else:
        raise ValueError(f"a date is written YYYY-MM-DD: {value!r}")
    if day < EARLIEST:
        raise ValueError(f"dates before {EARLIEST} are not accepted")
    return day


def _aware(value: object) -> object:
    """Timestamps are ISO text with their UTC offset: a bare local time would be ambiguous."""
    if not isinstance(value, str) or not _OFFSET.search(value):
        raise ValueError("a timestamp needs a UTC offset, e.g. 2026-03-01T09:30:00+08:00")
    return value


def _utc(value: datetime) -> datetime:
    """Kept in UTC, from 2000 on; a time outside the calendar there is refused, not a 500."""
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        raise ValueError("the timestamp is out of range") from None
    if moment.date() < EARLIEST:
        raise ValueError(f"timestamps before {EARLIEST} are not accepted")
    return moment


MoneyIn = Annotated[
    Decimal,
    BeforeValidator(_money),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": MONEY_PATTERN},
                {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "exclusiveMaximum": 1e12,
                    "multipleOf": 0.01,
                },
            ],
            "description": "positive, at most two decimals, below 10^12",
        }
    ),
]
Quantity = Annotated[
    Decimal,
    BeforeValidator(_quantity),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^[0-9]{1,9}(\.[0-9]{1,6})?$"},
                {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1e9},
            ]
        }
    ),
]
Money = Annotated[str, Field(pattern=r"^-?\d+\.\d{2}$", examples=["1200000.00"])]
Whole = BeforeValidator(_whole)
# Constraints first: a validator listed before them would leave them unapplied.
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    BeforeValidator(_free_text),
]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    BeforeValidator(_one_line),
]
SearchText = Annotated[str, StringConstraints(max_length=200), BeforeValidator(_one_line)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@/-]{0,63}$")]
BusinessDate = Annotated[
    date, BeforeValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date"})
]
Timestamp = Annotated[
    datetime,
    BeforeValidator(_aware),
    AfterValidator(_utc),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
