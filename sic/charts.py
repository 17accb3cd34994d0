"""The small trend charts of the clinical view (the SVG primitives: `labparcours/charts.py`):
a measure's values across the SICs, placed by the day each SIC was held."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _

from labparcours.charts import Bar, Chart
from sic.clinical import Trend, clinical_view

if TYPE_CHECKING:
    from labparcours.models import User
    from patients.models import Patient
    from sic.models import Sic

WIDTH, HEIGHT = 220, 64
LEFT, RIGHT, TOP, BOTTOM = 8.0, 8.0, 10.0, 10.0
DOT = 7.0


def trend_chart(trend: Trend) -> Chart:
    """A line through the measure's values, a dot per SIC (linking to it, its value in a
    tooltip); the chart's title says every value, for those who cannot see it."""
    measure = trend.measure
    values = [f"{p.text} ({format_date(p.snapshot.day, 'j N Y')})" for p in trend.points]
    chart = Chart(
        _("%(measure)s across the SICs: %(values)s")
        % {"measure": measure.short, "values": ", ".join(values)},
        WIDTH,
        HEIGHT,
    )
    days = [p.snapshot.day.toordinal() for p in trend.points]
    low, high = min(p.value for p in trend.points), max(p.value for p in trend.points)
    span_days = max(days[-1] - days[0], 1)
    width, height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        if len(days) == 1:
            return LEFT + width / 2
        return LEFT + (days[i] - days[0]) / span_days * width

    def y(i: int) -> float:
        if high == low:
            return TOP + height / 2
        return TOP + float((high - trend.points[i].value) / (high - low)) * height

    for i in range(1, len(trend.points)):
        chart.lines.append((x(i - 1), y(i - 1), x(i), y(i), "chart-trend"))
    for i, point in enumerate(trend.points):
        chart.bars.append(
            Bar(
                x(i) - DOT / 2,
                y(i) - DOT / 2,
                DOT,
                DOT,
                "chart-dot" if point is not trend.latest else "chart-dot chart-dot--latest",
                reverse("sic:detail", args=[point.sic.pk]),
                values[i],
            )
        )
    return chart


def clinical_context(*, user: User, patient: Patient, sic: Sic | None = None) -> dict[str, Any]:
    """The clinical view of a page (`sic.clinical.clinical_view`), with a chart per measure."""
    view = clinical_view(user=user, patient=patient, sic=sic)
    charts = {trend.measure.key: trend_chart(trend) for trend in view.trends}
    return {
        "clinical": view,
        "clinical_trends": [(trend, charts[trend.measure.key]) for trend in view.trends],
        "clinical_changes": [
            (row, charts[row.trend.measure.key]) for row in view.measure_changes()
        ],
    }
