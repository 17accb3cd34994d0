"""Charts of the indicators page (the SVG primitives: `labparcours/charts.py`): shares in
percent per quarter, and per pathway or team. Each bar links to the patients behind it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format

from labparcours.charts import SERIES, Bar, Chart, Label, euros
from programme.indicators import Figure, Filters, Indicator


@dataclass(frozen=True)
class Series:
    """One indicator's figure per column (a quarter, a pathway, a team)."""

    indicator: Indicator
    figures: list[Figure]


def pct(value: Decimal | float | str) -> str:
    return f"{number_format(value, decimal_pos=0, use_l10n=True)} %"


def _percent_axis(chart: Chart, left: float, top: float, height: float) -> None:
    for tick in range(5):
        y = top + height - tick * height / 4
        chart.lines.append((left, y, chart.width - 8, y, "chart-grid"))
        chart.labels.append(Label(left - 6, y + 4, pct(tick * 25), "end", "chart-axis"))


def _title(series: Series, column: str, figure: Figure) -> str:
    if figure.value is None:
        return f"{series.indicator.label} — {column} : —"
    return (
        f"{series.indicator.label} — {column} : {pct(figure.value)} "
        f"({figure.numerator}/{figure.denominator})"
    )


def columns_chart(
    title: str,
    columns: list[str],
    series: list[Series],
    href: Callable[[Indicator, int], str],
) -> Chart:
    """Per column (a quarter), a bar per indicator, on a 0–100 % axis."""
    chart = Chart(title, 760, 290, in_time=True)
    left, top, height = 52.0, 12.0, 230.0
    _percent_axis(chart, left, top, height)
    group = (chart.width - left - 8) / max(len(columns), 1)
    width = group * 0.8 / max(len(series), 1)
    for ci, column in enumerate(columns):
        x0 = left + ci * group + group * 0.1
        for si, one in enumerate(series):
            figure = one.figures[ci]
            value = float(figure.value or 0)
            bar_height = max(value / 100 * height, 0.0 if figure.value is None else 1.5)
            chart.bars.append(
                Bar(
                    x0 + si * width,
                    top + height - bar_height,
                    width * 0.9,
                    bar_height,
                    f"chart-series-{si % SERIES}",
                    href(one.indicator, ci),
                    _title(one, column, figure),
                )
            )
        chart.labels.append(Label(x0 + group * 0.4, 268, column, css="chart-axis"))
    chart.legend = [
        (f"chart-series-{i % SERIES}", str(s.indicator.label)) for i, s in enumerate(series)
    ]
    return chart


def groups_chart(
    title: str,
    groups: list[str],
    series: list[Series],
    href: Callable[[Indicator, int], str],
) -> Chart:
    """Per group (a pathway, a team), a horizontal bar per indicator, in percent."""
    row = 16 * len(series) + 18
    chart = Chart(title, 460, 16 + row * max(len(groups), 1))
    left, right = 120.0, 70.0
    width = chart.width - left - right
    for gi, name in enumerate(groups):
        y0 = 8 + gi * row
        chart.labels.append(Label(left - 10, y0 + 8 * len(series) + 4, name[:18], "end"))
        for si, one in enumerate(series):
            figure = one.figures[gi]
            length = float(figure.value or 0) / 100 * width
            y = y0 + si * 16
            chart.bars.append(
                Bar(
                    left,
                    y,
                    max(length, 1.5 if figure.value is not None else 0.0),
                    13,
                    f"chart-series-{si % SERIES}",
                    href(one.indicator, gi),
                    _title(one, name, figure),
                )
            )
            text = pct(figure.value) if figure.value is not None else "—"
            chart.labels.append(Label(left + length + 6, y + 11, text, "start", "chart-axis"))
    chart.legend = [
        (f"chart-series-{i % SERIES}", str(s.indicator.label)) for i, s in enumerate(series)
    ]
    return chart


def quarter_filters(f: Filters) -> list[Filters]:
    return f.quarters(most=4)


def shares_chart(title: str, rows: list[tuple[str, int, str]], total: int, href: str) -> Chart:
    """A horizontal bar per answer: the share of the forms that ticked it; each row is its
    label, its count and the count as written (« ≈ 45 » where it is rounded)."""
    chart = Chart(title, 560, 16 + 26 * max(len(rows), 1))
    left, right = 300.0, 70.0
    width = chart.width - left - right
    for i, (label, count, written) in enumerate(rows):
        y = 8 + i * 26
        share = count * 100 / total if total else 0
        length = share / 100 * width
        chart.labels.append(Label(left - 10, y + 13, label[:44], "end"))
        chart.bars.append(
            Bar(
                left,
                y,
                max(length, 1.5 if count else 0.0),
                16,
                "chart-series-0",
                href,
                f"{label} : {written}",
            )
        )
        chart.labels.append(
            Label(left + length + 6, y + 13, f"{pct(share)} ({written})", "start", "chart-axis")
        )
    return chart


def money_chart(title: str, rows: list[tuple[str, Decimal]], href: str) -> Chart:
    """A horizontal bar per category, labelled with its amount in euros."""
    chart = Chart(title, 640, 16 + 28 * max(len(rows), 1))
    left, right = 230.0, 110.0
    width = chart.width - left - right
    top = max((amount for _label, amount in rows), default=Decimal(0)) or Decimal(1)
    for i, (label, amount) in enumerate(rows):
        y = 8 + i * 28
        length = float(amount / top) * width
        chart.labels.append(Label(left - 10, y + 14, label[:32], "end"))
        chart.bars.append(
            Bar(
                left,
                y,
                length,
                18,
                f"chart-series-{i % SERIES}",
                href,
                f"{label} : {euros(amount)}",
            )
        )
        chart.labels.append(Label(left + length + 6, y + 14, euros(amount), "start", "chart-axis"))
    return chart
