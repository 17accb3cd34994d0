"""The programme's indicators (indicateurs): what the external evaluation and the funders
(Assurance Maladie, ARS) read of the programme's effect, for a cohort and a period.

Each indicator is a declared object: its key, its label, its definition in words (numerator,
denominator, period) and how the database computes it — the rows it counts (`units`: SICs,
follow-up windows, care plans… or the patients themselves), which of them are the numerator
(`hit`), or the duration whose median it is (`measure`). The indicators page, the rows behind
each figure, the funder's report and the tests all read these same definitions.

Every figure comes from an aggregate query over the cohort, whatever its size (the shares that
count the same rows from one query together): counts with a condition (`Count(filter=…)`),
sums, and medians through window functions — each row ranked
within its group, only the one or two middle rows read back — which SQLite and PostgreSQL
both run, without loading the rows into Python.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, Least, RowNumber, TruncDate
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from budget.models import BudgetCategory, BudgetEnvelope, BudgetMovement, MovementKind
from budget.reports import of_kind, value_date
from careplans.models import CarePlan
from labparcours.models import User
from opinions.models import OpinionRequest
from patients.models import (
    EventKind,
    FollowUpKind,
    FollowUpWindow,
    PathwayEvent,
    Patient,
    PatientStatus,
)
from sic.models import KIND_BIT, KIND_OF_TEAM_ROLE, ContributionKind, Sic
from sic.models import SicStatus as S
from teams.models import Membership, TeamRole, complete_teams

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SIC_TARGET = Decimal(2)  # SICs per patient-year: two a year
DAYS_PER_YEAR = Decimal("365.25")
READMISSION_DAYS = 30
EXPECTED_KINDS: tuple[str, ...] = tuple(KIND_OF_TEAM_ROLE.values())


# --- The cohort and its filters -------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """Which patients and which period: a pathway, a professional of the team (`team`, a
    professional's id), a GP (`gp`), a territory (the first digits of the postcode)."""

    start: datetime.date
    end: datetime.date
    pathway: str = ""
    team: int | None = None
    gp: int | None = None
    territory: str = ""

    @classmethod
    def default(cls, today: datetime.date | None = None) -> Filters:
        """The last twelve months, today included."""
        today = today or timezone.localdate()
        return cls(start=_years_before(today, 1) + datetime.timedelta(days=1), end=today)

    @property
    def start_at(self) -> datetime.datetime:
        return _midnight(self.start)

    @property
    def end_at(self) -> datetime.datetime:
        """The first moment after the period (its last day included)."""
        return _midnight(self.end + datetime.timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def query(self) -> dict[str, str]:
        """The filters as the page's GET parameters."""
        params = {"du": self.start.isoformat(), "au": self.end.isoformat()}
        if self.pathway:
            params["parcours"] = self.pathway
        if self.team:
            params["equipe"] = str(self.team)
        if self.gp:
            params["medecin"] = str(self.gp)
        if self.territory:
            params["territoire"] = self.territory
        return params

    def quarters(self, most: int = 8) -> list[Filters]:
        """The period cut in calendar quarters (the first and last ones clipped), the last
        `most` of them."""
        parts = []
        start = self.start
        while start <= self.end:
            first = datetime.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
            month = first.month + 3
            following = datetime.date(first.year + (month > 12), (month - 1) % 12 + 1, 1)
            end = min(following - datetime.timedelta(days=1), self.end)
            parts.append(replace(self, start=start, end=end))
            start = following
        return parts[-most:]


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def quarter_label(f: Filters) -> str:
    return gettext("Q%(n)s %(year)s") % {"n": (f.start.month - 1) // 3 + 1, "year": f.start.year}


def _active_between(f: Filters, patient: str, **where: Any) -> Exists:
    """A membership of the patient's team (the patient at `patient`), with `where`, active at
    some time of the period."""
    return Exists(
        Membership.objects.filter(team__patient=OuterRef(patient), joined_at__lt=f.end_at, **where)
        .filter(Q(left_at__isnull=True) | Q(left_at__gte=f.start_at))
        .order_by()
    )


def in_period(f: Filters, patient: str = "") -> Q:
    """What `cohort` asks of a patient that depends on the period: included on or before its
    last day, not exited before its first, and the professional (`team`) or the GP (`gp`) of
    the filters a member of the team at some time of it. `patient` is the path from a row to
    its patient ("" for the patients themselves)."""
    field = f"{patient}__" if patient else ""
    condition = Q(**{f"{field}inclusion_date__lte": f.end}) & (
        Q(**{f"{field}exit_date__isnull": True}) | Q(**{f"{field}exit_date__gte": f.start})
    )
    outer = patient or "pk"
    if f.team:
        condition &= Q(_active_between(f, outer, professional_id=f.team))
    if f.gp:
        condition &= Q(_active_between(f, outer, professional_id=f.gp, role=TeamRole.GP))
    return condition


def cohort(user: User, f: Filters) -> QuerySet[Patient]:
    """The patients of the period: included at some time of it (included on or before its
    last day, not exited before its first), in `user`'s scope and the filters."""
    patients = Patient.objects.visible_to(user).filter(
        in_period(f), status__in=[PatientStatus.INCLUDED, PatientStatus.EXITED]
    )
    if f.pathway:
        patients = patients.filter(pathway=f.pathway)
    if f.territory:
        patients = patients.filter(postal_code__startswith=f.territory)
    return patients


# --- What an indicator is -------------------------------------------------------------------

SHARE, MEDIAN, RATE = "share", "median", "rate"


@dataclass(frozen=True)
class Rows:
    """The rows an indicator counts (SICs held, care plans, follow-up windows… or the patients
    themselves): `select` finds them for a cohort and a period; `dated_by` is the field that
    places a row in the period (a date, or a moment: a date and time), none for the patients.
    The condition on that field is the only one that depends on the period: the rows of a
    part of the period are those of the whole that fall in the part (`within`)."""

    select: Callable[[QuerySet[Patient], Filters], QuerySet[Any]]
    dated_by: str = ""
    moment: bool = False

    def __call__(self, patients: QuerySet[Patient], f: Filters) -> QuerySet[Any]:
        return self.select(patients, f)

    def within(self, f: Filters) -> Q:
        """Of the rows of a wider period, those that fall in `f`."""
        if not self.dated_by:
            return Q()
        if self.moment:
            return Q(**{f"{self.dated_by}__gte": f.start_at, f"{self.dated_by}__lt": f.end_at})
        return Q(**{f"{self.dated_by}__gte": f.start, f"{self.dated_by}__lte": f.end})


@dataclass(frozen=True)
class Figure:
    """An indicator's figure: a share (numerator over denominator, `value` in %), a median
    (`value` in days or hours, over `denominator` rows) or a rate (per patient-year)."""

    numerator: Decimal | int | None
    denominator: Decimal | int
    value: Decimal | None

    @property
    def empty(self) -> bool:
        return not self.denominator


@dataclass(frozen=True)
class Indicator:
    key: str
    label: StrOrPromise
    definition: StrOrPromise
    kind: str  # SHARE, MEDIAN or RATE
    units: Rows
    patient_path: str = "patient"  # from a unit to its patient's id ("pk": units are patients)
    hit: Callable[[Filters], Q] | None = None  # SHARE: the numerator's rows
    measure: Callable[[], Any] | None = None  # MEDIAN: a duration per row
    unit: StrOrPromise = ""  # "days", "hours"
    target: Decimal | None = None
    higher_is_better: bool = True
    section: str = ""
    numerator_label: StrOrPromise = ""
    complement_label: StrOrPromise = ""

    def path(self, suffix: str = "") -> str:
        """The lookup from a unit to its patient's field `suffix` (or id)."""
        if self.patient_path == "pk":
            return suffix or "pk"
        return f"{self.patient_path}__{suffix}" if suffix else f"{self.patient_path}_id"

    def figure(self, patients: QuerySet[Patient], f: Filters) -> Figure:
        return FIGURES[self.kind](self, patients, f)

    def grouped(self, patients: QuerySet[Patient], f: Filters, group: Group) -> dict[Any, Figure]:
        return GROUPED[self.kind](self, patients, f, group)

    def per_part(
        self, patients: QuerySet[Patient], f: Filters, parts: list[Filters]
    ) -> list[Figure]:
        """A share's figure for each part of the period `f` (its quarters), from `patients`,
        the cohort of `f`: the figure each part's own cohort gives (`figure`), in one pass over
        the rows of `f`. A row counts in a part when it falls in it (`Rows.within`) and its
        patient is in the part's cohort (`in_period`: the scope and the other filters are the
        same for every part)."""
        if self.kind != SHARE or self.hit is None:
            raise ValueError(f"{self.key}: only a share is counted per part in one pass")
        patient = "" if self.patient_path == "pk" else self.patient_path
        counts = {}
        for n, part in enumerate(parts):
            inside = self.units.within(part) & in_period(part, patient)
            counts[f"den{n}"] = Count("pk", filter=inside)
            counts[f"num{n}"] = Count("pk", filter=inside & self.hit(part))
        totals = self.units(patients, f).aggregate(**counts) if parts else {}
        return [_share_of(totals[f"num{n}"], totals[f"den{n}"]) for n in range(len(parts))]

    def patients(self, patients: QuerySet[Patient], f: Filters, part: str) -> QuerySet[Patient]:
        """The patients behind the figure: `part` "numerator" (their rows are counted in the
        numerator), "complement" (their rows are in the denominator, not the numerator) or
        "all" (every patient with a row in the denominator)."""
        units = self.units(patients, f)
        if self.kind == RATE:
            with_rows = patients.filter(pk__in=units.values(self.path()))
            return with_rows if part != "complement" else patients.exclude(pk__in=with_rows)
        if self.kind == SHARE and self.hit is not None and part != "all":
            hit = self.hit(f)
            units = units.filter(hit) if part == "numerator" else units.exclude(hit)
        return patients.filter(pk__in=units.values(self.path()))


# --- Groups: a breakdown by pathway or by team ----------------------------------------------


@dataclass(frozen=True)
class Group:
    """How rows are grouped: by their patient's pathway, or by the GP leading the team."""

    key: str
    expression: Callable[[Indicator], Any]


def _pathway_of(indicator: Indicator) -> Any:
    return F(indicator.path("pathway"))


def _gp_of(indicator: Indicator) -> Any:
    """The GP who leads the patient's team (`Membership.leading_gps`)."""
    outer = "pk" if indicator.patient_path == "pk" else indicator.path()
    return Subquery(
        Membership.objects.leading_gps()
        .filter(team__patient=OuterRef(outer))
        .values("professional_id")[:1]
    )


BY_PATHWAY = Group("pathway", _pathway_of)
BY_GP = Group("gp", _gp_of)


# --- Computations ---------------------------------------------------------------------------


def percent(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _share_of(numerator: int, denominator: int) -> Figure:
    return Figure(numerator, denominator, percent(numerator, denominator))


def _share(ind: Indicator, patients: QuerySet[Patient], f: Filters) -> Figure:
    return _shares([ind], patients, f)[ind.key]


def _shares(
    indicators: list[Indicator], patients: QuerySet[Patient], f: Filters
) -> dict[str, Figure]:
    """The figures of shares that count the same rows (one `units`), in one pass over them:
    the denominator once, each numerator a count with its condition."""
    numerators = {}
    for n, ind in enumerate(indicators):
        assert ind.hit is not None  # noqa: S101 — every share declares its numerator
        assert ind.units == indicators[0].units  # noqa: S101 — the same rows
        numerators[f"num{n}"] = Count("pk", filter=ind.hit(f))
    totals = indicators[0].units(patients, f).aggregate(den=Count("pk"), **numerators)
    return {
        ind.key: _share_of(totals[f"num{n}"], totals["den"]) for n, ind in enumerate(indicators)
    }


def _share_grouped(
    ind: Indicator, patients: QuerySet[Patient], f: Filters, group: Group
) -> dict[Any, Figure]:
    assert ind.hit is not None  # noqa: S101
    rows = (
        ind.units(patients, f)
        .annotate(_group=group.expression(ind))
        .order_by()
        .values("_group")
        .annotate(den=Count("pk"), num=Count("pk", filter=ind.hit(f)))
    )
    return {r["_group"]: _share_of(r["num"], r["den"]) for r in rows}


def _in_unit(value: datetime.timedelta, unit: StrOrPromise) -> Decimal:
    seconds = Decimal(str(value.total_seconds()))
    return seconds / (3600 if str(unit) == str(HOURS) else 86400)


def _medians(
    ind: Indicator, patients: QuerySet[Patient], f: Filters, group: Group | None
) -> dict[Any, Figure]:
    """The median of `ind.measure` per group, in one query: each row ranked by its value in
    its group, then only the middle row (odd count) or the two middle rows (even) read."""
    assert ind.measure is not None  # noqa: S101 — every median declares its measure
    partition = [F("_group")] if group else None
    rows = (
        ind.units(patients, f)
        .annotate(_value=ind.measure(), _group=group.expression(ind) if group else Value(0))
        .filter(_value__isnull=False)
        .annotate(
            _rank=Window(RowNumber(), partition_by=partition, order_by=[F("_value").asc()]),
            _count=Window(Count("pk"), partition_by=partition),
        )
        .filter(_rank__gte=(F("_count") + 1) / 2, _rank__lte=F("_count") / 2 + 1)
        .order_by()
        .values_list("_group", "_value", "_count")
    )
    middles: dict[Any, list[Decimal]] = {}
    counts: dict[Any, int] = {}
    for key, value, count in rows:
        middles.setdefault(key, []).append(_in_unit(value, ind.unit))
        counts[key] = count
    return {
        key: Figure(
            None,
            counts[key],
            (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.1"), ROUND_HALF_UP),
        )
        for key, values in middles.items()
    }


def _median(ind: Indicator, patients: QuerySet[Patient], f: Filters) -> Figure:
    return _medians(ind, patients, f, None).get(0, Figure(None, 0, None))


def _median_grouped(
    ind: Indicator, patients: QuerySet[Patient], f: Filters, group: Group
) -> dict[Any, Figure]:
    return _medians(ind, patients, f, group)


def _exposure_days(f: Filters) -> ExpressionWrapper:
    """The days of the period a patient spent in the programme (as a duration, last day
    included, the day of exit too)."""
    until = Least(Coalesce("exit_date", Value(f.end)), Value(f.end), output_field=DateField())
    since = Greatest("inclusion_date", Value(f.start), output_field=DateField())
    return ExpressionWrapper(until - since, output_field=DurationField())


def _patient_years(days: datetime.timedelta | None, patients: int) -> Decimal:
    whole_days = Decimal((days or datetime.timedelta()).days + patients)  # + the last day
    return (whole_days / DAYS_PER_YEAR).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _rate(ind: Indicator, patients: QuerySet[Patient], f: Filters) -> Figure:
    held = ind.units(patients, f).count()
    exposure = patients.aggregate(days=Sum(_exposure_days(f)), n=Count("pk"))
    years = _patient_years(exposure["days"], exposure["n"])
    value = (Decimal(held) / years).quantize(Decimal("0.01"), ROUND_HALF_UP) if years else None
    return Figure(held, years, value)


def _rate_grouped(
    ind: Indicator, patients: QuerySet[Patient], f: Filters, group: Group
) -> dict[Any, Figure]:
    held = dict(
        ind.units(patients, f)
        .annotate(_group=group.expression(ind))
        .order_by()
        .values("_group")
        .annotate(n=Count("pk"))
        .values_list("_group", "n")
    )
    as_patients = replace(ind, patient_path="pk")
    exposure = (
        patients.annotate(_group=group.expression(as_patients))
        .order_by()
        .values("_group")
        .annotate(days=Sum(_exposure_days(f)), n=Count("pk"))
    )
    figures = {}
    for row in exposure:
        years = _patient_years(row["days"], row["n"])
        count = held.get(row["_group"], 0)
        value = (Decimal(count) / years).quantize(Decimal("0.01"), ROUND_HALF_UP) if years else None
        figures[row["_group"]] = Figure(count, years, value)
    return figures


FIGURES: dict[str, Callable[[Indicator, QuerySet[Patient], Filters], Figure]] = {
    SHARE: _share,
    MEDIAN: _median,
    RATE: _rate,
}
GROUPED: dict[str, Callable[[Indicator, QuerySet[Patient], Filters, Group], dict[Any, Figure]]] = {
    SHARE: _share_grouped,
    MEDIAN: _median_grouped,
    RATE: _rate_grouped,
}

DAYS, HOURS = _("days"), _("hours")


# --- The rows each indicator counts ---------------------------------------------------------


def _held_sics(patients: QuerySet[Patient], f: Filters) -> QuerySet[Sic]:
    """The SICs held in the period."""
    return Sic.objects.filter(
        patient__in=patients, status=S.HELD, held_at__gte=f.start_at, held_at__lt=f.end_at
    )


held_sics = Rows(_held_sics, "held_at", moment=True)


def _held_day() -> TruncDate:
    return TruncDate("held_at")


def _sic_overdue_in_period(f: Filters) -> Q:
    """The patient had a SIC overdue at some time of the period: due before its end (and
    before today), and still open, or held after its due date during the period or later."""
    until = min(f.end, timezone.localdate() - datetime.timedelta(days=1))
    late = (
        Sic.objects.alias(held_date=_held_day())
        .filter(patient=OuterRef("pk"), due_date__lte=until)
        .filter(
            Q(status__in=[S.PLANNED, S.SCHEDULED])
            | Q(status=S.HELD, held_at__gte=f.start_at, held_date__gt=F("due_date"))
        )
    )
    return Q(Exists(late))


def _sic_delay() -> ExpressionWrapper:
    return ExpressionWrapper(_held_day() - F("due_date"), output_field=DurationField())


def _submitted_before(*kinds: str) -> Q:
    """Every one of `kinds` was submitted before the SIC was held: read on the SIC
    (`Sic.prepared`, a bit per kind), not in its contributions."""
    every = sum(KIND_BIT[kind] for kind in kinds)
    return Q(Exact(F("prepared").bitand(every), every))


def _with_every_kind(f: Filters) -> Q:
    return _submitted_before(*EXPECTED_KINDS)


def _proposed_plans(patients: QuerySet[Patient], f: Filters) -> QuerySet[CarePlan]:
    """The care plans proposed to the patient in the period."""
    return CarePlan.objects.filter(
        patient__in=patients, proposed_at__gte=f.start_at, proposed_at__lt=f.end_at
    )


proposed_plans = Rows(_proposed_plans, "proposed_at", moment=True)


def _validated_plans(patients: QuerySet[Patient], f: Filters) -> QuerySet[CarePlan]:
    """The care plans validated in the period that came from a SIC held."""
    return CarePlan.objects.filter(
        patient__in=patients,
        validated_at__gte=f.start_at,
        validated_at__lt=f.end_at,
        sic__held_at__isnull=False,
    )


validated_plans = Rows(_validated_plans, "validated_at", moment=True)


def _sic_to_validation() -> ExpressionWrapper:
    return ExpressionWrapper(F("validated_at") - F("sic__held_at"), output_field=DurationField())


def windows_of(kind: str) -> Rows:
    def windows(patients: QuerySet[Patient], f: Filters) -> QuerySet[FollowUpWindow]:
        """The windows of the discharges of the period whose outcome is known: met, or
        closed (their last day is over)."""
        return FollowUpWindow.objects.filter(
            patient__in=patients, kind=kind, opens_on__gte=f.start, opens_on__lte=f.end
        ).filter(Q(contact__isnull=False) | Q(closes_on__lt=timezone.localdate()))

    return Rows(windows, "opens_on")


def _met_in_time(f: Filters) -> Q:
    return Q(contact__isnull=False, contact__contacted_on__lte=F("closes_on"))


def _discharges(patients: QuerySet[Patient], f: Filters) -> QuerySet[PathwayEvent]:
    """The hospital stays whose discharge falls in the period."""
    return PathwayEvent.objects.filter(
        patient__in=patients,
        kind=EventKind.HOSPITALISATION,
        discharged_on__gte=f.start,
        discharged_on__lte=f.end,
    )


discharges = Rows(_discharges, "discharged_on")


def _readmitted(f: Filters) -> Q:
    after = ExpressionWrapper(
        OuterRef("discharged_on") + datetime.timedelta(days=READMISSION_DAYS),
        output_field=DateField(),
    )
    again = PathwayEvent.objects.filter(
        patient=OuterRef("patient"),
        kind=EventKind.HOSPITALISATION,
        occurred_on__gte=OuterRef("discharged_on"),
        occurred_on__lte=after,
        occurred_on__gt=OuterRef("occurred_on"),
    ).exclude(pk=OuterRef("pk"))
    return Q(Exists(again))


def _the_patients(patients: QuerySet[Patient], f: Filters) -> QuerySet[Patient]:
    return patients


# The cohort's patients: the period is already in `cohort` (`in_period`).
patients_themselves = Rows(_the_patients)


def _team_complete(f: Filters) -> Q:
    return Q(care_team__in=complete_teams())


def _answered_opinions(patients: QuerySet[Patient], f: Filters) -> QuerySet[OpinionRequest]:
    """The specialist opinions asked in the period and answered."""
    return OpinionRequest.objects.filter(
        patient__in=patients,
        asked_at__gte=f.start_at,
        asked_at__lt=f.end_at,
        answered_at__isnull=False,
    )


answered_opinions = Rows(_answered_opinions, "asked_at", moment=True)


def _answer_time() -> ExpressionWrapper:
    return ExpressionWrapper(F("answered_at") - F("asked_at"), output_field=DurationField())


def _contribution_indicator(kind: ContributionKind) -> Indicator:
    return Indicator(
        key=f"contribution_{kind.value}",
        label=format_lazy(_("SICs prepared with: {kind}"), kind=kind.label),
        definition=_(
            "Numerator: SICs held in the period for which this contribution was submitted "
            "before the SIC was held. Denominator: SICs held in the period."
        ),
        kind=SHARE,
        units=held_sics,
        hit=lambda f: _submitted_before(kind),
        section="contributions",
        numerator_label=_("Submitted before the SIC"),
        complement_label=_("Missing at the SIC"),
    )


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        key="sic_rate",
        label=_("SICs held per patient-year"),
        definition=_(
            "Numerator: SICs held in the period. Denominator: patient-years in the programme "
            "during the period (the days each patient was included, divided by 365.25). "
            "Target: two a year."
        ),
        kind=RATE,
        units=held_sics,
        target=SIC_TARGET,
        section="sic",
        numerator_label=_("With a SIC held"),
        complement_label=_("No SIC held"),
    ),
    Indicator(
        key="sic_overdue",
        label=_("Patients with a SIC overdue"),
        definition=_(
            "Numerator: patients who had a SIC overdue during the period (due before the end "
            "of the period, still open, or held after its due date). Denominator: patients "
            "included at some time of the period."
        ),
        kind=SHARE,
        units=patients_themselves,
        patient_path="pk",
        hit=_sic_overdue_in_period,
        higher_is_better=False,
        section="sic",
        numerator_label=_("A SIC overdue"),
        complement_label=_("SICs on time"),
    ),
    Indicator(
        key="sic_delay",
        label=_("Median delay from due date to SIC held"),
        definition=_(
            "The median, over the SICs held in the period, of the days between the date the "
            "SIC was due and the day it was held (negative: held before it was due)."
        ),
        kind=MEDIAN,
        units=held_sics,
        measure=_sic_delay,
        unit=DAYS,
        higher_is_better=False,
        section="sic",
        numerator_label=_("Patients behind the figure"),
    ),
    *(_contribution_indicator(kind) for kind in ContributionKind),
    Indicator(
        key="sic_complete",
        label=_("SICs held with every expected contribution"),
        definition=_(
            "Numerator: SICs held in the period for which the GP's summary, the medication "
            "review, the nursing assessment and the specialist's opinion were all submitted "
            "before the SIC. Denominator: SICs held in the period."
        ),
        kind=SHARE,
        units=held_sics,
        hit=_with_every_kind,
        section="contributions",
        numerator_label=_("Every contribution"),
        complement_label=_("A contribution missing"),
    ),
    Indicator(
        key="plans_validated",
        label=_("Care plans validated by the patient"),
        definition=_(
            "Numerator: care plans proposed to the patient in the period and validated by "
            "them (online, by phone or on paper). Denominator: care plans proposed to the "
            "patient in the period."
        ),
        kind=SHARE,
        units=proposed_plans,
        hit=lambda f: Q(validated_at__isnull=False),
        section="plans",
        numerator_label=_("Validated"),
        complement_label=_("Not validated"),
    ),
    Indicator(
        key="plan_validation_delay",
        label=_("Median days from SIC to plan validation"),
        definition=_(
            "The median, over the care plans validated in the period, of the days between "
            "the SIC they come from and their validation by the patient."
        ),
        kind=MEDIAN,
        units=validated_plans,
        measure=_sic_to_validation,
        unit=DAYS,
        higher_is_better=False,
        section="plans",
        numerator_label=_("Patients behind the figure"),
    ),
    Indicator(
        key="followup_7d",
        label=_("Medical contact within 7 days of a discharge"),
        definition=_(
            "Numerator: hospital discharges of the period followed by a medical contact "
            "within 7 days. Denominator: hospital discharges of the period whose 7 days are "
            "over or whose contact is recorded. HAS indicator for heart failure."
        ),
        kind=SHARE,
        units=windows_of(FollowUpKind.MEDICAL),
        hit=_met_in_time,
        section="pathway",
        numerator_label=_("Contact within 7 days"),
        complement_label=_("No contact within 7 days"),
    ),
    Indicator(
        key="followup_60d",
        label=_("Specialist contact within 60 days of a discharge"),
        definition=_(
            "Numerator: hospital discharges of the period followed by a specialist contact "
            "within 60 days. Denominator: hospital discharges of the period whose 60 days are "
            "over or whose contact is recorded. HAS indicator for heart failure."
        ),
        kind=SHARE,
        units=windows_of(FollowUpKind.SPECIALIST),
        hit=_met_in_time,
        section="pathway",
        numerator_label=_("Contact within 60 days"),
        complement_label=_("No contact within 60 days"),
    ),
    Indicator(
        key="readmission_30d",
        label=_("Re-hospitalisation within 30 days"),
        definition=_(
            "Numerator: hospital discharges of the period followed by a new hospitalisation "
            "within 30 days. Denominator: hospital discharges of the period. HAS indicator "
            "for heart failure."
        ),
        kind=SHARE,
        units=discharges,
        hit=_readmitted,
        higher_is_better=False,
        section="pathway",
        numerator_label=_("Re-hospitalised"),
        complement_label=_("Not re-hospitalised"),
    ),
    Indicator(
        key="team_complete",
        label=_("Complete care teams"),
        definition=_(
            "Numerator: patients whose team has today an active GP, nurse, pharmacist and "
            "specialist. Denominator: patients included at some time of the period."
        ),
        kind=SHARE,
        units=patients_themselves,
        patient_path="pk",
        hit=_team_complete,
        section="teams",
        numerator_label=_("Complete team"),
        complement_label=_("A role missing"),
    ),
    Indicator(
        key="opinion_delay",
        label=_("Median time to answer a specialist opinion"),
        definition=_(
            "The median, over the specialist opinions asked in the period and answered, of "
            "the hours between the question and the answer."
        ),
        kind=MEDIAN,
        units=answered_opinions,
        measure=_answer_time,
        unit=HOURS,
        higher_is_better=False,
        section="teams",
        numerator_label=_("Patients behind the figure"),
    ),
)
INDICATOR_OF = {indicator.key: indicator for indicator in INDICATORS}

SECTIONS: tuple[tuple[str, StrOrPromise], ...] = (
    ("sic", _("SICs")),
    ("contributions", _("Preparation of the SICs")),
    ("plans", _("Care plans")),
    ("pathway", _("After a hospital stay")),
    ("teams", _("Teams and specialist opinions")),
)


# --- The envelope: consumption per category -------------------------------------------------


@dataclass(frozen=True)
class CategoryUse:
    category: BudgetCategory
    spent: Decimal
    share: Decimal | None  # of what the envelopes allotted


@dataclass
class Consumption:
    """What the envelopes of the cohort in force during the period allotted, and what the
    sessions done in the period spent of them, per category."""

    allotted: Decimal
    spent: Decimal
    categories: list[CategoryUse] = field(default_factory=list)

    @property
    def share(self) -> Decimal | None:
        return percent(self.spent, self.allotted)


CONSUMPTION_DEFINITION = _(
    "Per category, the money spent (sessions done, by their date) in the period from the "
    "envelopes of the cohort, against what the envelopes in force during the period "
    "allotted."
)


def envelopes_in_force(patients: QuerySet[Patient], f: Filters) -> QuerySet[BudgetEnvelope]:
    return BudgetEnvelope.objects.filter(
        patient__in=patients, starts_on__lte=f.end, ends_on__gte=f.start
    )


def consumption(patients: QuerySet[Patient], f: Filters) -> Consumption:
    """Two queries: the envelopes' amounts, the money spent per category."""
    envelopes = envelopes_in_force(patients, f)
    allotted = envelopes.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    spent = dict(
        BudgetMovement.objects.filter(envelope__in=envelopes)
        .filter(of_kind(MovementKind.SPEND))
        .alias(day=value_date())
        .filter(day__gte=f.start, day__lte=f.end)
        .order_by()
        .values("category")
        .annotate(total=Sum("amount"))
        .values_list("category", "total")
    )
    categories = [
        CategoryUse(cat, spent.get(cat.pk) or Decimal(0), percent(spent.get(cat.pk) or 0, allotted))
        for cat in BudgetCategory.objects.order_by("position", "name")
        if cat.is_active or spent.get(cat.pk)
    ]
    total = sum((c.spent for c in categories), Decimal(0))
    return Consumption(allotted=allotted, spent=total, categories=categories)


# --- Everything at once, for the page and the report ----------------------------------------


@dataclass(frozen=True)
class Result:
    indicator: Indicator
    figure: Figure

    @property
    def met_target(self) -> bool | None:
        target, value = self.indicator.target, self.figure.value
        if target is None or value is None:
            return None
        return value >= target


def compute_all(patients: QuerySet[Patient], f: Filters) -> list[Result]:
    """Every indicator's figure: the shares that count the same rows in one query (the six
    over the SICs held, the two over the patients), a median one query, a rate two."""
    same_rows: dict[Rows, list[Indicator]] = {}
    for indicator in INDICATORS:
        if indicator.kind == SHARE:
            same_rows.setdefault(indicator.units, []).append(indicator)
    shares: dict[str, Figure] = {}
    for indicators in same_rows.values():
        shares.update(_shares(indicators, patients, f))
    return [
        Result(ind, shares[ind.key] if ind.key in shares else ind.figure(patients, f))
        for ind in INDICATORS
    ]
