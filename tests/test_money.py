"""Money is Decimal with at most two decimals, positive and below 10^12 (SPEC §4)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidInputError
from domain.money import format_money, parse_money


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [
        ("1200000", "1200000.00"),
        ("0.01", "0.01"),
        (12.5, "12.50"),
        (7, "7.00"),
        (1e11, "100000000000.00"),
    ],
)
def test_valid_amounts_become_exact_decimals(given_value: object, expected: str) -> None:
    assert parse_money(given_value) == Decimal(expected)
    assert format_money(parse_money(given_value)) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "0",
        "0.00",
        "-1",
        "1.001",
        0.001,
        "NaN",
        "Infinity",
        "-Infinity",
        "1e12",
        10**12,
        "abc",
        "",
        " 3.10 ",  # the documented pattern, exactly: no spaces,
        "1_000",  # no digit separators,
        "９９",  # no digits but ASCII ones,
        "+5",  # no signs,
        "1E2",  # no exponents,
        "01.00",  # no leading zeros
        5e-05,
        True,
        None,
        [1],
    ],
)
def test_invalid_amounts_are_refused(bad: object) -> None:
    with pytest.raises(InvalidInputError):
        parse_money(bad)


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999999.99"), places=2))
def test_every_two_decimal_amount_survives_a_json_number(amount: Decimal) -> None:
    """A JSON number arrives as float; the value the client wrote is what is kept."""
    assert parse_money(float(str(amount))) == amount
    assert parse_money(str(amount)) == amount
