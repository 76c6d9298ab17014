"""Money: `Decimal` with at most two decimals, never float (SPEC §4)."""

from __future__ import annotations

import re
from decimal import Decimal

from domain.errors import InvalidInputError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
LIMIT = Decimal(10) ** 12
# Positive, at most two decimals, below 10^12, in ASCII digits: "0.01" … "999999999999.99".
MONEY_PATTERN = r"^([1-9][0-9]{0,11}(\.[0-9]{1,2})?|0\.(0[1-9]|[1-9][0-9]?))$"
_MONEY = re.compile(MONEY_PATTERN)


def parse_money(value: object) -> Decimal:
    """Accept a JSON string or number with at most two decimals, positive and below 10^12,
    written exactly as the pattern says (no signs, spaces, exponents or other digits)."""
    if isinstance(value, Decimal):
        text = str(value)
    elif isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InvalidInputError("money must be a string or a number")
    else:
        # A JSON number arrives as float; its shortest repr is what the client wrote.
        text = repr(value) if isinstance(value, float) else str(value)
    if not _MONEY.fullmatch(text.removesuffix(".0") if isinstance(value, float) else text):
        raise InvalidInputError(
            f"money is positive, below 10^12, with at most two decimals: {value!r}"
        )
    return Decimal(text).quantize(CENT)


def format_money(amount: Decimal) -> str:
    """Two decimals, always: "1200000.00"."""
    return str(amount.quantize(CENT))
