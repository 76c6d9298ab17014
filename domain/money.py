"""Money: `Decimal` with at most two decimals, never float (SPEC §4)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from domain.errors import InvalidInputError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
LIMIT = Decimal(10) ** 12


def parse_money(value: object) -> Decimal:
    """Accept a JSON string or number with at most two decimals, positive and below 10^12."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise InvalidInputError("money must be a string or a number")
    try:
        # A JSON number arrives as float; its shortest repr is what the client wrote.
        amount = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        raise InvalidInputError(f"not a decimal amount: {value!r}") from None
    if not amount.is_finite():
        raise InvalidInputError("money must be finite")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidInputError(f"at most two decimals: {value}")
    if amount <= 0 or amount >= LIMIT:
        raise InvalidInputError(f"amount must be above 0 and below 10^12: {value}")
    return amount.quantize(CENT)


def format_money(amount: Decimal) -> str:
    """Two decimals, always: "1200000.00"."""
    return str(amount.quantize(CENT))
