"""How the pages write money, dates and moments: ¥1,200,000.00, YYYY-MM-DD, and recording
times in the service's time zone."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "HKD": "HK$", "JPY": "JP¥", "GBP": "£"}


def money(value: str | Decimal | int | None, currency: str = "CNY") -> str:
    """Thousands separated, two decimals, the currency's sign: "¥1,200,000.00"."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    sign = "-" if amount < 0 else ""
    symbol = SYMBOLS.get(currency, f"{currency} ")
    return f"{sign}{symbol}{abs(amount):,.2f}"


def day(value: date | str | None) -> str:
    if value is None or value == "":
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def moment(value: datetime | str | None, zone: ZoneInfo) -> str:
    """A recording time as people here read it: `YYYY-MM-DD HH:MM` in the service's zone."""
    if value is None or value == "":
        return ""
    stamp = datetime.fromisoformat(value) if isinstance(value, str) else value
    return stamp.astimezone(zone).strftime("%Y-%m-%d %H:%M")
