"""Charts of the budget overview (the SVG primitives: `labparcours/charts.py`).

Every rectangle links to the rows behind it (the ledger's movements, filtered)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from budget.models import BudgetEnvelope, MovementKind
from budget.reports import MEASURES, NEARLY_SPENT, Consumption, RowFilter
from labparcours.charts import SERIES, Bar, Chart, Label, axis, euros, nice_ceiling
from patients.models import Pathway

SHORT_PATHWAY = {"ic": "IC", "dt2": "DT2", "ic_dt2": "IC + DT2"}


def measure_names() -> dict[str, str]:
    return {
        MovementKind.COMMIT: _("committed"),
        MovementKind.SPEND: _("spent"),
        MovementKind.PAY: _("paid"),
    }


def rows_url(**filters: object) -> str:
    """The list of movements behind a figure."""
    query = RowFilter(**filters).query()  # type: ignore[arg-type]
    return f"{reverse('budget_reports:movements')}?{urlencode(query)}"


def quarter_label(start: datetime.date) -> str:
    return _("Q%(n)s %(year)s") % {"n": (start.month - 1) // 3 + 1, "year": start.year}


def quarters_chart(data: Consumption) -> Chart:
    """Per quarter, three bars — committed, spent, paid — stacked by category."""
    chart = Chart(_("Committed, spent and paid per quarter, by category"), 760, 300, in_time=True)
    left, plot_top, plot_height = 92.0, 12.0, 232.0
    series = {cat.pk: f"chart-series-{i % SERIES}" for i, cat in enumerate(data.categories)}
    top = nice_ceiling(
        max(
            (data.by_quarter(q).get(kind) for q in data.quarters for kind in MEASURES),
            default=Decimal(0),
        )
    )
    axis(chart, top, left, plot_top, plot_height)
    group = (chart.width - left - 8) / len(data.quarters)
    bar_width = group * 0.22
    names = measure_names()
    for qi, quarter in enumerate(data.quarters):
        x0 = left + qi * group + group * 0.12
        for mi, kind in enumerate(MEASURES):
            x = x0 + mi * (bar_width + group * 0.04)
            base = plot_top + plot_height
            for cat in data.categories:
                amount = data.by_quarter_and_category(quarter, cat.pk).get(kind)
                if amount <= 0:
                    continue
                height = float(amount / top) * plot_height
                base -= height
                chart.bars.append(
                    Bar(
                        x,
                        base,
                        bar_width,
                        height,
                        series[cat.pk],
                        rows_url(category=cat.pk, quarter=quarter, state=kind),
                        f"{quarter_label(quarter)} — {cat.name}, {names[kind]} : {euros(amount)}",
                    )
                )
            chart.labels.append(
                Label(x + bar_width / 2, 260, names[kind][:1].upper(), css="chart-axis")
            )
        chart.labels.append(Label(x0 + 1.5 * bar_width + group * 0.04, 280, quarter_label(quarter)))
    chart.legend = [(series[cat.pk], cat.name) for cat in data.categories]
    chart.legend += [("chart-key", f"{n[:1].upper()} = {n}") for n in names.values()]
    return chart


def pathways_chart(data: Consumption, since: datetime.date) -> Chart:
    """Per pathway, a bar each for committed, spent and paid over the quarters shown."""
    chart = Chart(_("Committed, spent and paid per pathway"), 460, 20 + 72 * len(Pathway))
    left, right = 70.0, 90.0
    names = measure_names()
    top = nice_ceiling(
        max(
            (data.by_pathway(p).get(kind) for p in Pathway.values for kind in MEASURES),
            default=Decimal(0),
        )
    )
    width = chart.width - left - right
    for pi, (code, label) in enumerate(Pathway.choices):
        y0 = 10 + pi * 72
        chart.labels.append(Label(left - 10, y0 + 34, SHORT_PATHWAY[code], "end"))
        cell = data.by_pathway(code)
        for mi, kind in enumerate(MEASURES):
            amount = cell.get(kind)
            y = y0 + mi * 20
            length = max(float(amount / top) * width, 0.0)
            href = rows_url(pathway=code, state=kind, since=since)
            title = f"{label}, {names[kind]} : {euros(amount)}"
            chart.bars.append(Bar(left, y, length, 16, f"chart-{kind}", href, title))
            chart.labels.append(
                Label(left + length + 6, y + 12, euros(amount), "start", "chart-axis")
            )
    chart.legend = [(f"chart-{kind}", name) for kind, name in names.items()]
    return chart


def gauges_chart(envelopes: list[BudgetEnvelope], who: Callable[[BudgetEnvelope], str]) -> Chart:
    """A gauge per nearly spent envelope: what is committed or spent, out of what was allotted,
    with a mark at 80 %."""
    chart = Chart(_("Envelopes nearly spent"), 460, 24 + 30 * max(len(envelopes), 1))
    left, width = 130.0, 270.0
    mark = left + float(NEARLY_SPENT) * width
    for i, envelope in enumerate(envelopes):
        y = 12 + i * 30
        share = min(float(envelope.share) / 100, 1.0)  # type: ignore[attr-defined]
        href = rows_url(envelope=envelope.pk)
        title = _("%(who)s: %(used)s used of %(allotted)s") % {
            "who": who(envelope),
            "used": euros(envelope.used),  # type: ignore[attr-defined]
            "allotted": euros(envelope.allotted),  # type: ignore[attr-defined]
        }
        chart.labels.append(Label(left - 10, y + 14, who(envelope), "end"))
        chart.bars.append(Bar(left, y, width, 18, "chart-track", href, title))
        css = "chart-full" if share >= 1 else "chart-high"
        chart.bars.append(Bar(left, y, share * width, 18, css, href, title))
        chart.labels.append(
            Label(left + width + 8, y + 14, f"{envelope.share:.0f} %", "start", "chart-axis")  # type: ignore[attr-defined]
        )
    chart.lines.append((mark, 4, mark, chart.height - 4, "chart-mark"))
    return chart
