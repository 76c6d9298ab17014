"""Small horizontal bar charts, laid out on the server from the same figures as the table
beside them; the template `_svg.html` draws them as SVG (no script, no library)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH, BAR_AREA, LABEL_W, BAR_H, GAP = 680, 400, 170, 18, 6
COLOURS = ("#1677ff", "#52c41a", "#faad14", "#fa8c16", "#f5222d", "#722ed1")
# One series, a colour a row: from on time (green) to long overdue (red), as aging reads.
RISING = ("#52c41a", "#fadb14", "#faad14", "#fa8c16", "#f5222d")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    colour: str
    text: str  # the figure, as the page writes it


@dataclass(frozen=True)
class Row:
    label: str
    y: float
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: float
    rows: list[Row]
    legend: list[tuple[str, str]]  # (colour, series name), when there is more than one
    label_width: int = LABEL_W
    bar_height: int = BAR_H


def bars(
    title: str,
    series: Sequence[str],
    rows: Sequence[tuple[str, Sequence[Decimal], Sequence[str]]],
    row_colours: Sequence[str] = (),
) -> Chart:
    """A bar per series in each row; `rows` are (label, values, the values as written).
    With one series, `row_colours` may colour each row's bar."""
    peak = max((value for _, values, _ in rows for value in values), default=Decimal(0))
    scale = Decimal(BAR_AREA) / peak if peak > 0 else Decimal(0)
    band = (BAR_H + GAP) * len(series) + 2 * GAP
    top = 28 if len(series) > 1 else 8
    laid_out = []
    for index, (label, values, texts) in enumerate(rows):
        y = top + index * band
        laid_out.append(
            Row(
                label,
                y + band / 2,
                [
                    _bar(
                        y + n * (BAR_H + GAP),
                        value * scale,
                        text,
                        row_colours[index] if row_colours else COLOURS[n % len(COLOURS)],
                    )
                    for n, (value, text) in enumerate(zip(values, texts, strict=True))
                ],
            )
        )
    legend = [(COLOURS[n], name) for n, name in enumerate(series)] if len(series) > 1 else []
    return Chart(title, WIDTH, top + band * max(len(rows), 1), laid_out, legend)


def _bar(y: float, length: Decimal, text: str, colour: str) -> Bar:
    return Bar(LABEL_W, y, float(max(length, Decimal(0))), colour, text)
