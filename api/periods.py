"""Report periods from query parameters: a month `YYYY-MM`, a quarter `YYYY-Qn`, a year."""

from __future__ import annotations

import calendar
import re
from datetime import date

from domain.errors import InvalidInputError


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of `YYYY`, `YYYY-Qn` or `YYYY-MM`."""
    if re.fullmatch(r"\d{4}", period) and int(period) >= 1:
        year = int(period)
        return date(year, 1, 1), date(year, 12, 31)
    if (match := re.fullmatch(r"(\d{4})-Q([1-4])", period)) and int(match[1]) >= 1:
        year, quarter = int(match[1]), int(match[2])
        return month_bounds(f"{year}-{3 * quarter - 2:02d}")[0], month_bounds(
            f"{year}-{3 * quarter:02d}"
        )[1]
    return month_bounds(period)


def month_bounds(month: str) -> tuple[date, date]:
    match = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", month)
    if match is None or int(match[1]) < 1:
        raise InvalidInputError(f"a period is YYYY, YYYY-Qn or YYYY-MM, not {month!r}")
    year, number = int(match[1]), int(match[2])
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])
