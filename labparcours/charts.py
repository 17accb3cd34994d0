"""Charts drawn on the server as SVG: no script, no inline style (the CSP allows neither).
This module computes the geometry — rectangles, labels, lines, links — that
`templates/partials/chart.html` draws; colours are classes of `static/css/charts.css`.

Every rectangle links to the rows behind it and says its figure in a tooltip; each chart's
page shows the same numbers as a table beside it (the chart's text alternative).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format

SERIES = 6  # colours of the stylesheet: .chart-series-0 … -5
# The drawings' smallest text on a phone, in the drawing's units (.chart-axis and .chart-label
# of the stylesheet under 640px), and the least it may measure on the screen, in CSS pixels.
SMALLEST_TEXT = 13
READABLE_TEXT = 10


def euros(amount: Decimal) -> str:
    return f"{number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)} €"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    href: str
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"
    css: str = "chart-label"


@dataclass
class Chart:
    title: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    lines: list[tuple[float, float, float, float, str]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    # Columns in time order, the latest on the right: where the drawing scrolls in its frame
    # (a phone), it opens on the latest.
    in_time: bool = False

    @property
    def min_width(self) -> int:
        """The narrowest the drawing may be shown, in CSS pixels, with its text still read:
        narrower (a phone), it keeps this width and scrolls sideways. 0 for a drawing without
        text (a measure's trend), which may shrink at will."""
        if not self.labels:
            return 0
        return math.ceil(self.width * READABLE_TEXT / SMALLEST_TEXT)


@dataclass(frozen=True)
class Point:
    """One figure of a simple chart: its label, its amount, the rows behind it."""

    label: str
    amount: Decimal
    href: str


def nice_ceiling(value: Decimal) -> Decimal:
    """A round top for an axis: 1, 2 or 5 times a power of ten, at least `value`."""
    if value <= 0:
        return Decimal(100)
    step = Decimal(1)
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def axis(chart: Chart, top: Decimal, left: float, plot_top: float, plot_height: float) -> None:
    """Five horizontal grid lines, labelled in euros, from 0 to `top`."""
    for tick in range(5):
        amount = top * tick / 4
        y = plot_top + plot_height - float(amount / top) * plot_height
        chart.lines.append((left, y, chart.width - 8, y, "chart-grid"))
        chart.labels.append(Label(left - 6, y + 4, euros(amount), "end", "chart-axis"))


def columns_chart(title: str, points: list[Point], css: str = "chart-series-0") -> Chart:
    """A column per point (months, say), on a euro axis."""
    chart = Chart(title, 760, 280, in_time=True)
    left, plot_top, plot_height = 92.0, 12.0, 220.0
    top = nice_ceiling(max((p.amount for p in points), default=Decimal(0)))
    axis(chart, top, left, plot_top, plot_height)
    group = (chart.width - left - 8) / max(len(points), 1)
    width = group * 0.6
    every = -(-len(points) // 12)  # a label for one column in `every`: twelve at most
    for i, point in enumerate(points):
        x = left + i * group + group * 0.2
        height = max(float(point.amount / top) * plot_height, 0.0)
        title_text = f"{point.label} : {euros(point.amount)}"
        chart.bars.append(
            Bar(x, plot_top + plot_height - height, width, height, css, point.href, title_text)
        )
        if i % every == 0:
            chart.labels.append(Label(x + width / 2, 256, point.label, css="chart-axis"))
    return chart


def bars_chart(title: str, points: list[Point]) -> Chart:
    """A horizontal bar per point (professions, say), each labelled with its amount."""
    chart = Chart(title, 460, 20 + 30 * max(len(points), 1))
    left, right = 150.0, 90.0
    top = max((p.amount for p in points), default=Decimal(0)) or Decimal(1)
    width = chart.width - left - right
    for i, point in enumerate(points):
        y = 10 + i * 30
        length = max(float(point.amount / top) * width, 0.0)
        css = f"chart-series-{i % SERIES}"
        title_text = f"{point.label} : {euros(point.amount)}"
        chart.labels.append(Label(left - 10, y + 14, point.label, "end"))
        chart.bars.append(Bar(left, y, length, 18, css, point.href, title_text))
        chart.labels.append(
            Label(left + length + 6, y + 14, euros(point.amount), "start", "chart-axis")
        )
    return chart
