"""Report periods from query parameters: a month `YYYY-MM`, a quarter `YYYY-Qn`, a year."""

from __future__ import annotations

import calendar
import re
from datetime import date

from domain.dates import EARLIEST
from domain.errors import InvalidInputError


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of `YYYY`, `YYYY-Qn` or `YYYY-MM`, from 2000 on."""
    if re.fullmatch(r"[0-9]{4}", period):
        return _year(period), date(int(period), 12, 31)
    if match := re.fullmatch(r"([0-9]{4})-Q([1-4])", period):
        year, quarter = _year(match[1]).year, int(match[2])
        first = month_bounds(f"{year}-{3 * quarter - 2:02d}")[0]
        return first, month_bounds(f"{year}-{3 * quarter:02d}")[1]
    return month_bounds(period)


def month_bounds(month: str) -> tuple[date, date]:
    match = re.fullmatch(r"([0-9]{4})-(0[1-9]|1[0-2])", month)
    if match is None:
        raise InvalidInputError(f"a period is YYYY, YYYY-Qn or YYYY-MM, not {month!r}")
    year, number = _year(match[1]).year, int(match[2])
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def _year(text: str) -> date:
    if int(text) < EARLIEST.year:
        raise InvalidInputError(f"periods before {EARLIEST.year} are not accepted")
    return date(int(text), 1, 1)
