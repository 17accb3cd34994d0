"""What the indicators page and the funder's report show: every figure of a cohort and a
period, the charts, the envelope's consumption — built once for both (the report is the
page on paper). A constant number of queries whatever the cohort."""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from labparcours.charts import Chart
from labparcours.models import User
from labparcours.permissions import can_see_programme
from labparcours.planner import programme_wide
from patients.models import Pathway, Patient
from programme import indicator_charts as charts
from programme.indicators import (
    BY_GP,
    BY_PATHWAY,
    CONSUMPTION_DEFINITION,
    INDICATOR_OF,
    INDICATORS,
    MEDIAN,
    RATE,
    SECTIONS,
    SHARE,
    Consumption,
    Figure,
    Filters,
    Indicator,
    Result,
    cohort,
    compute_all,
    consumption,
    quarter_label,
)
from teams.models import Membership, Professional, TeamRole

# The shares drawn per quarter, per pathway and per team.
CHARTED = ("followup_7d", "sic_complete", "plans_validated", "sic_overdue")
TEAMS_SHOWN = 6


def number(value: Decimal | int, decimals: int = 1) -> str:
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def shown_value(result: Result) -> str:
    """The figure as the card shows it: « 75,0 % », « −5,0 jours », « 1,71 »."""
    value, ind = result.figure.value, result.indicator
    if value is None:
        return "—"
    if ind.kind == SHARE:
        return f"{number(value)} %"
    if ind.kind == MEDIAN:
        return f"{number(value).replace('-', '−')} {ind.unit}"
    return number(value, 2)


def shown_ratio(result: Result) -> str:
    """What the figure is made of: « 3 / 4 », « sur 12 avis », « 45 SIC / 25,3 années-patient »."""
    figure, ind = result.figure, result.indicator
    if ind.kind == SHARE:
        return f"{figure.numerator} / {figure.denominator}"
    if ind.kind == MEDIAN:
        return _("over %(n)s") % {"n": figure.denominator}
    return _("%(held)s SICs / %(years)s patient-years (target %(target)s)") % {
        "held": figure.numerator,
        "years": number(figure.denominator, 2),
        "target": number(ind.target or 0, 0),
    }


def tone(result: Result) -> str:
    """The card's colour: on target (ok) or far from it (warn), else neutral."""
    ind, value = result.indicator, result.figure.value
    if value is None:
        return ""
    if ind.kind == RATE and ind.target is not None:
        return "ok" if value >= ind.target else "warn"
    if ind.kind == SHARE:
        good = value if ind.higher_is_better else 100 - value
        return "ok" if good >= 80 else ("warn" if good < 50 else "")
    return ""


def patients_url(ind: Indicator, f: Filters, part: str) -> str:
    query = urlencode({**f.query(), "part": part})
    return f"{reverse('indicator_patients', args=[ind.key])}?{query}"


@dataclass(frozen=True)
class Card:
    result: Result
    value: str
    ratio: str
    tone: str
    numerator_url: str
    complement_url: str

    @property
    def indicator(self) -> Indicator:
        return self.result.indicator


def card(result: Result, f: Filters) -> Card:
    ind = result.indicator
    first = "all" if ind.kind == MEDIAN else "numerator"
    return Card(
        result=result,
        value=shown_value(result),
        ratio=shown_ratio(result),
        tone=tone(result),
        numerator_url=patients_url(ind, f, first),
        complement_url=patients_url(ind, f, "complement") if ind.kind != MEDIAN else "",
    )


@dataclass
class Dashboard:
    filters: Filters
    results: list[Result]
    sections: list[tuple[str, str, list[Card]]]
    consumption: Consumption
    quarters: list[tuple[str, list[Figure]]]  # a row per quarter: the charted figures
    pathways: list[tuple[str, list[Figure]]]
    teams: list[tuple[str, list[Figure]]]
    charts: dict[str, Chart]
    computed_at: datetime.datetime
    warmed: bool = False  # computed ahead by `warm_numbers`, not at a reader's request

    @property
    def charted(self) -> list[Indicator]:
        return [INDICATOR_OF[key] for key in CHARTED]


@dataclass
class Numbers:
    """What the indicators read from the database for a reader and a filter set; the rest of
    the page is drawn from these. Figures only: no patient, no name but the GPs' of the
    largest teams (« Dr X »)."""

    figures: list[Figure]  # each indicator's, in INDICATORS' order
    per_quarter: list[list[Figure]]  # each charted indicator's, per quarter
    by_pathway: dict[str, dict[str, Figure]]  # charted indicator → pathway → figure
    by_gp: dict[str, dict[int, Figure]]  # charted indicator → GP → figure (largest teams)
    largest: list[int]  # the GPs of the largest teams, largest first
    gp_names: dict[int, str]
    use: Consumption
    computed_at: datetime.datetime
    warmed: bool = False  # computed ahead by `warm_numbers` (kept until the next warming)


def numbers(user: User, f: Filters) -> Numbers:
    """Every figure of `user`'s cohort over `f`: a constant number of queries, each an
    aggregate over the cohort (their time grows with it: `kept_numbers`), planned for the
    whole programme (`labparcours.planner`: at 100,000 patients PostgreSQL's JIT compilation
    cost more than some of the queries it compiled)."""
    with programme_wide():
        return _numbers(user, f)


def _numbers(user: User, f: Filters) -> Numbers:
    patients = cohort(user, f)
    charted = [INDICATOR_OF[key] for key in CHARTED]
    largest = largest_teams(patients)
    # Only the patients of those GPs' teams are grouped: the figures of the largest teams are
    # the same, without finding the GP of every row of the cohort (at 100,000 patients, six
    # seconds of the page's twenty).
    led = patients.filter(
        Exists(
            Membership.objects.active().filter(
                team__patient=OuterRef("pk"), role=TeamRole.GP, professional_id__in=largest
            )
        )
    )
    return Numbers(
        figures=[r.figure for r in compute_all(patients, f)],
        per_quarter=[ind.per_part(patients, f, charts.quarter_filters(f)) for ind in charted],
        by_pathway={ind.key: ind.grouped(patients, f, BY_PATHWAY) for ind in charted},
        by_gp={
            ind.key: {k: v for k, v in ind.grouped(led, f, BY_GP).items() if k in largest}
            for ind in charted
        },
        largest=largest,
        gp_names={p.pk: f"Dr {p.last_name}" for p in Professional.objects.filter(pk__in=largest)},
        use=consumption(patients, f),
        computed_at=timezone.now(),
    )


def largest_teams(patients: QuerySet[Patient]) -> list[int]:
    """The GPs who lead the most teams among `patients`' (`leading_gps`), most first: the
    teams the indicators break their figures down by."""
    rows = (
        Membership.objects.leading_gps()
        .filter(team__patient__in=patients)
        .values("professional_id")
        .annotate(teams=Count("pk"))
        .order_by("-teams", "professional_id")[:TEAMS_SHOWN]
    )
    return [row["professional_id"] for row in rows]


# The beat warms the default view each hour (`programme.tasks.warm_indicators`): its figures
# are kept until the next run has written them again.
WARMED_KEEP_SECONDS = 70 * 60


def _kept_key(user: User, f: Filters) -> str:
    """Where the figures of `user`'s cohort over `f` are kept. The indicators' readers are the
    programme's staff, whose scope is the whole programme (`can_see_programme`, as
    `Patient.objects.visible_to` says): one set of figures for them all; any other reader
    would keep their own."""
    scope = "programme" if can_see_programme(user) else f"user:{user.pk}"
    query = json.dumps(f.query(), sort_keys=True, default=str)
    return f"indicators:{scope}:{hashlib.sha256(query.encode()).hexdigest()}"


def kept_numbers(user: User, f: Filters, *, fresh: bool = False) -> Numbers:
    """`numbers`, kept `LABPARCOURS_INDICATORS_KEEP_SECONDS` per scope and filter set (the
    page says since when): at national scale the figures take seconds to compute, and the
    same ones are asked again and again. `fresh` computes them again (« Recalculer »)."""
    key = _kept_key(user, f)
    kept = None if fresh else cache.get(key)
    if kept is None:
        kept = numbers(user, f)
        cache.set(key, kept, settings.LABPARCOURS_INDICATORS_KEEP_SECONDS)
    return kept


def warm_numbers(user: User, f: Filters) -> Numbers:
    """The figures of `user`'s cohort over `f` computed ahead (the beat's `warm_indicators`,
    for the page's default period) and kept until the next warming has run: the first reader
    of the day does not wait for them (seconds at 100,000 patients)."""
    warmed = replace(numbers(user, f), warmed=True)
    cache.set(_kept_key(user, f), warmed, WARMED_KEEP_SECONDS)
    return warmed


def dashboard(user: User, f: Filters, *, kept: bool = False, fresh: bool = False) -> Dashboard:
    """The page (or the report) of `user`'s cohort over `f`; with `kept`, from the figures
    kept a few minutes (`kept_numbers`), else computed now."""
    return board(f, kept_numbers(user, f, fresh=fresh) if kept else numbers(user, f))


def board(f: Filters, n: Numbers) -> Dashboard:
    """The cards, tables and charts of the figures `n`."""
    results = [Result(ind, figure) for ind, figure in zip(INDICATORS, n.figures, strict=True)]
    cards = [card(r, f) for r in results]
    sections = [
        (key, str(title), [c for c in cards if c.indicator.section == key])
        for key, title in SECTIONS
    ]
    charted = [INDICATOR_OF[key] for key in CHARTED]

    quarters = charts.quarter_filters(f)
    per_quarter = [charts.Series(ind, n.per_quarter[i]) for i, ind in enumerate(charted)]
    quarter_names = [quarter_label(q) for q in quarters]

    pathway_codes = [code for code, _label in Pathway.choices if not f.pathway or code == f.pathway]
    per_pathway = [
        charts.Series(
            ind, [n.by_pathway[ind.key].get(code, Figure(0, 0, None)) for code in pathway_codes]
        )
        for ind in charted
    ]
    pathway_names = [SHORT_PATHWAY[code] for code in pathway_codes]

    largest = n.largest
    per_team = [
        charts.Series(ind, [n.by_gp[ind.key].get(k, Figure(0, 0, None)) for k in largest])
        for ind in charted
    ]
    team_names = [n.gp_names.get(k, "?") for k in largest]

    use = n.use

    def quarter_href(ind: Indicator, i: int) -> str:
        return patients_url(ind, quarters[i], "numerator")

    def pathway_href(ind: Indicator, i: int) -> str:
        return patients_url(ind, replace(f, pathway=pathway_codes[i]), "numerator")

    def team_href(ind: Indicator, i: int) -> str:
        return patients_url(ind, replace(f, gp=largest[i]), "numerator")

    chart_set = {
        "quarters": charts.columns_chart(
            _("Per quarter"), quarter_names, per_quarter, quarter_href
        ),
        "pathways": charts.groups_chart(_("Per pathway"), pathway_names, per_pathway, pathway_href),
        "teams": charts.groups_chart(_("Per team (its GP)"), team_names, per_team, team_href),
        "consumption": charts.money_chart(
            _("Spent per category"),
            [(c.category.name, c.spent) for c in use.categories if c.spent],
            "#consumption-table",
        ),
    }
    return Dashboard(
        filters=f,
        results=results,
        sections=sections,
        consumption=use,
        quarters=_rows(quarter_names, per_quarter),
        pathways=_rows(pathway_names, per_pathway),
        teams=_rows(team_names, per_team),
        charts=chart_set,
        computed_at=n.computed_at,
        warmed=n.warmed,
    )


SHORT_PATHWAY = {"ic": "IC", "dt2": "DT2", "ic_dt2": "IC + DT2"}


def _rows(names: list[str], series: list[charts.Series]) -> list[tuple[str, list[Figure]]]:
    return [(name, [s.figures[i] for s in series]) for i, name in enumerate(names)]


def context(board: Dashboard) -> dict[str, Any]:
    return {
        "board": board,
        "filters": board.filters,
        "query": urlencode(board.filters.query()),
        "consumption_definition": CONSUMPTION_DEFINITION,
    }
