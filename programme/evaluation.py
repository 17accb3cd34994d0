"""The pseudonymised export for the external evaluators: one file per table (patients, SICs,
contributions' structured fields, care plans, pathway events, budget), each as CSV and XLSX,
with a data dictionary describing every column, zipped.

No direct identifier leaves: a patient is a keyed hash of their record's id
(`programme.pseudonym`), their birth date a year, their postcode its first two digits; no
name, e-mail, phone, NIR or address of anyone. Free texts (minutes, the contributions' texts,
the patient's comments, establishments and sources as typed) only when the admin asks for
them, since they may name people. The rows are read table by table, a chunk at a time.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budget.models import Expense, SupplementaryCare
from careplans.models import CarePlan
from labparcours.tabular import Column, csv_lines, iterate, xlsx_file
from patients.models import FollowUpKind, FollowUpWindow, PathwayEvent, Patient
from programme.pseudonym import pseudonym
from sic.forms import FORM_OF_KIND
from sic.measures import MEASURES
from sic.models import Contribution, Sic

# The structured fields of the contributions (the measures apart): choices, not texts.
STRUCTURED = ("autonomy", "weight_trend", "priorities", "difficulty_topics")


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _day(moment: Any) -> Any:
    return timezone.localdate(moment) if moment else None


def _listed(value: Any) -> str:
    return " ".join(value) if isinstance(value, list) else ("" if value is None else str(value))


def _free_texts(kind: str, content: dict[str, Any]) -> str:
    """The texts a contribution's form asks for, as typed: « field: text » one per line."""
    form = FORM_OF_KIND[kind]
    texts = [
        f"{name}: {content[name]}"
        for name, form_field in form.base_fields.items()
        if name in content
        and isinstance(content[name], str)
        and name not in STRUCTURED
        and form_field.__class__.__name__ == "CharField"
    ]
    return "\n".join(texts)


def _content_value(key: str) -> Callable[[Contribution], Any]:
    return lambda c: c.content.get(key)


def _content_list(key: str) -> Callable[[Contribution], str]:
    return lambda c: _listed(c.content.get(key))


@dataclass(frozen=True)
class Described:
    """A column and what it holds, for the data dictionary."""

    column: Column
    description: Any
    free_text: bool = False


def col(header: str, value: Callable[[Any], Any], kind: str, description: Any) -> Described:
    return Described(Column(header, value, kind), description)


def text_col(header: str, value: Callable[[Any], Any], description: Any) -> Described:
    return Described(Column(header, value, "text"), description, free_text=True)


@dataclass(frozen=True)
class Table:
    name: str
    description: Any
    columns: list[Described]
    rows: Callable[[QuerySet[Patient]], QuerySet[Any]]

    def shown(self, free_texts: bool) -> list[Column]:
        return [d.column for d in self.columns if free_texts or not d.free_text]


def tables(key: bytes) -> list[Table]:
    def who(patient_id: Any) -> str:
        return pseudonym(patient_id, key)

    patients = Table(
        "patients",
        gettext_lazy("One row per patient of the cohort."),
        [
            col(
                "patient",
                lambda p: who(p.pk),
                "text",
                gettext_lazy(
                    "Pseudonym: a keyed hash (HMAC-SHA256) of the record, the same in every export"
                ),
            ),
            col("birth_year", lambda p: p.birth_date.year, "int", gettext_lazy("Year of birth")),
            col("sex", lambda p: p.sex, "text", gettext_lazy("F or M")),
            col(
                "postcode_prefix",
                lambda p: p.postal_code[:2],
                "text",
                gettext_lazy("First two digits of the postcode (département)"),
            ),
            col("pathway", lambda p: p.pathway, "text", gettext_lazy("ic, dt2 or ic_dt2")),
            col("status", lambda p: p.status, "text", gettext_lazy("included or exited")),
            col(
                "inclusion_date",
                lambda p: p.inclusion_date,
                "date",
                gettext_lazy("Day of inclusion"),
            ),
            col(
                "exit_date",
                lambda p: p.exit_date,
                "date",
                gettext_lazy("Day the patient left the programme"),
            ),
            col(
                "exit_reason",
                lambda p: p.exit_reason,
                "text",
                gettext_lazy("death, moved, withdrawal or end_of_programme"),
            ),
            col(
                "criteria",
                lambda p: " ".join(p.inclusion_criteria or []),
                "text",
                gettext_lazy("Inclusion criteria met (codes)"),
            ),
        ],
        lambda cohort: cohort.order_by("pk"),
    )
    sics = Table(
        "sics",
        gettext_lazy("One row per SIC of the cohort's patients."),
        [
            col("sic", lambda s: s.pk, "int", gettext_lazy("Number of the SIC in this export")),
            col(
                "patient",
                lambda s: who(s.patient_id),
                "text",
                gettext_lazy("Pseudonym of the patient"),
            ),
            col(
                "status",
                lambda s: s.status,
                "text",
                gettext_lazy("planned, scheduled, held or cancelled"),
            ),
            col("due_date", lambda s: s.due_date, "date", gettext_lazy("Day the SIC was due")),
            col("held_on", lambda s: _day(s.held_at), "date", gettext_lazy("Day it was held")),
            col(
                "patient_present",
                lambda s: _flag(s.patient_present),
                "int",
                gettext_lazy("1 if the patient attended"),
            ),
            col(
                "caregiver_present",
                lambda s: _flag(s.caregiver_present),
                "int",
                gettext_lazy("1 if a caregiver attended"),
            ),
            col("decisions", lambda s: s.n_decisions, "int", gettext_lazy("Number of decisions")),
            text_col(
                "minutes", lambda s: s.minutes, gettext_lazy("Minutes as written (free text)")
            ),
        ],
        lambda cohort: (
            Sic.objects.filter(patient__in=cohort)
            .annotate(n_decisions=Count("decisions"))
            .order_by("pk")
        ),
    )
    contributions = Table(
        "contributions",
        gettext_lazy("One row per submitted contribution: its structured fields."),
        [
            col("contribution", lambda c: c.pk, "int", gettext_lazy("Number of the contribution")),
            col("sic", lambda c: c.sic_id, "int", gettext_lazy("Its SIC (table sics)")),
            col(
                "patient",
                lambda c: who(c.sic.patient_id),
                "text",
                gettext_lazy("Pseudonym of the patient"),
            ),
            col(
                "kind",
                lambda c: c.kind,
                "text",
                gettext_lazy("The kind of contribution (code: gp_summary, patient_experience…)"),
            ),
            col(
                "submitted_on",
                lambda c: _day(c.submitted_at),
                "date",
                gettext_lazy("Day it was submitted"),
            ),
            col(
                "before_sic",
                lambda c: (
                    _flag(bool(c.sic.held_at and c.submitted_at <= c.sic.held_at))
                    if c.submitted_at
                    else None
                ),
                "int",
                gettext_lazy("1 if submitted before the SIC was held"),
            ),
            *(
                col(
                    m.key,
                    _content_value(m.key),
                    "text",
                    f"{m.label} ({m.unit})".replace(" ()", ""),
                )
                for m in MEASURES
            ),
            *(
                col(
                    name,
                    _content_list(name),
                    "text",
                    gettext_lazy("Structured answer (codes of the form's choices)"),
                )
                for name in STRUCTURED
            ),
            col(
                "medications",
                lambda c: (
                    len(c.content.get("medications") or [])
                    if c.kind == "medication_review"
                    else None
                ),
                "int",
                gettext_lazy("Number of medications listed"),
            ),
            col(
                "hospitalisations",
                lambda c: (
                    len(c.content.get("hospitalisations") or []) if c.kind == "gp_summary" else None
                ),
                "int",
                gettext_lazy("Number of hospitalisations reported"),
            ),
            text_col(
                "texts",
                lambda c: _free_texts(c.kind, c.content),
                gettext_lazy("The texts of the form as written (free text)"),
            ),
        ],
        lambda cohort: (
            Contribution.objects.filter(sic__patient__in=cohort, status="submitted")
            .select_related("sic")
            .order_by("pk")
        ),
    )
    plans = Table(
        "care_plans",
        gettext_lazy("One row per version of a care plan."),
        [
            col("plan", lambda p: p.pk, "int", gettext_lazy("Number of the plan")),
            col(
                "patient",
                lambda p: who(p.patient_id),
                "text",
                gettext_lazy("Pseudonym of the patient"),
            ),
            col("version", lambda p: p.version, "int", gettext_lazy("Version for this patient")),
            col("sic", lambda p: p.sic_id, "int", gettext_lazy("The SIC it comes from")),
            col(
                "status",
                lambda p: p.status,
                "text",
                gettext_lazy(
                    "draft, proposed, changes_requested, validated, superseded or archived"
                ),
            ),
            col(
                "proposed_on",
                lambda p: _day(p.proposed_at),
                "date",
                gettext_lazy("Day it was proposed to the patient"),
            ),
            col(
                "validated_on",
                lambda p: _day(p.validated_at),
                "date",
                gettext_lazy("Day the patient validated it"),
            ),
            col(
                "validation_method",
                lambda p: p.validation_method,
                "text",
                gettext_lazy("online, phone or paper"),
            ),
            col("goals", lambda p: p.n_goals, "int", gettext_lazy("Number of goals")),
            col("actions", lambda p: p.n_actions, "int", gettext_lazy("Number of actions")),
            text_col(
                "patient_comment",
                lambda p: p.changes_comment,
                gettext_lazy("The patient's request for changes (free text)"),
            ),
        ],
        lambda cohort: (
            CarePlan.objects.filter(patient__in=cohort)
            .annotate(
                n_goals=Count("goals", distinct=True), n_actions=Count("actions", distinct=True)
            )
            .order_by("pk")
        ),
    )

    def contact(kind: str) -> Subquery:
        return Subquery(
            FollowUpWindow.objects.filter(event=OuterRef("pk"), kind=kind).values(
                "contact__contacted_on"
            )[:1]
        )

    def deadline(kind: str) -> Subquery:
        return Subquery(
            FollowUpWindow.objects.filter(event=OuterRef("pk"), kind=kind).values("closes_on")[:1]
        )

    events = Table(
        "pathway_events",
        gettext_lazy("One row per pathway event, with the follow-up after a discharge."),
        [
            col("event", lambda e: e.pk, "int", gettext_lazy("Number of the event")),
            col(
                "patient",
                lambda e: who(e.patient_id),
                "text",
                gettext_lazy("Pseudonym of the patient"),
            ),
            col(
                "kind",
                lambda e: e.kind,
                "text",
                gettext_lazy("hospitalisation, emergency, death or moved"),
            ),
            col(
                "occurred_on",
                lambda e: e.occurred_on,
                "date",
                gettext_lazy("Day of admission, visit, death or move"),
            ),
            col(
                "discharged_on", lambda e: e.discharged_on, "date", gettext_lazy("Day of discharge")
            ),
            col(
                "cause", lambda e: e.cause, "text", gettext_lazy("heart_failure, diabetes or other")
            ),
            col(
                "source",
                lambda e: e.source,
                "text",
                gettext_lazy("How the team learnt of it (code)"),
            ),
            col(
                "medical_deadline",
                lambda e: e.medical_by,
                "date",
                gettext_lazy("Last day of the 7-day window"),
            ),
            col(
                "medical_contact_on",
                lambda e: e.medical_on,
                "date",
                gettext_lazy("Day of the medical contact after the discharge"),
            ),
            col(
                "specialist_deadline",
                lambda e: e.specialist_by,
                "date",
                gettext_lazy("Last day of the 60-day window"),
            ),
            col(
                "specialist_contact_on",
                lambda e: e.specialist_on,
                "date",
                gettext_lazy("Day of the specialist contact after the discharge"),
            ),
            text_col(
                "establishment",
                lambda e: e.establishment,
                gettext_lazy("Establishment as typed (free text)"),
            ),
            text_col(
                "source_detail",
                lambda e: e.source_detail,
                gettext_lazy("Source, details as typed (free text)"),
            ),
        ],
        lambda cohort: (
            PathwayEvent.objects.filter(patient__in=cohort)
            .annotate(
                medical_on=contact(FollowUpKind.MEDICAL),
                medical_by=deadline(FollowUpKind.MEDICAL),
                specialist_on=contact(FollowUpKind.SPECIALIST),
                specialist_by=deadline(FollowUpKind.SPECIALIST),
            )
            .order_by("pk")
        ),
    )
    budget = Table(
        "budget",
        gettext_lazy("One row per request of supplementary care paid from the envelope."),
        [
            col("request", lambda r: r.pk, "int", gettext_lazy("Number of the request")),
            col(
                "patient",
                lambda r: who(r.envelope.patient_id),
                "text",
                gettext_lazy("Pseudonym of the patient"),
            ),
            col(
                "programme_year",
                lambda r: r.envelope.year,
                "int",
                gettext_lazy("Year of the envelope (1 from inclusion)"),
            ),
            col(
                "envelope",
                lambda r: r.envelope.amount,
                "money",
                gettext_lazy("Amount of the envelope (€)"),
            ),
            col("category", lambda r: r.category.name, "text", gettext_lazy("Category of care")),
            col(
                "provider_kind",
                lambda r: r.provider.kind,
                "text",
                gettext_lazy("Kind of provider (no name)"),
            ),
            col("sessions", lambda r: r.sessions, "int", gettext_lazy("Sessions approved")),
            col(
                "unit_price", lambda r: r.unit_price, "money", gettext_lazy("Price per session (€)")
            ),
            col(
                "status",
                lambda r: r.status,
                "text",
                gettext_lazy("requested, approved, refused, cancelled or expired"),
            ),
            col(
                "requested_on",
                lambda r: _day(r.requested_at),
                "date",
                gettext_lazy("Day it was asked"),
            ),
            col(
                "decided_on",
                lambda r: _day(r.decided_at),
                "date",
                gettext_lazy("Day it was decided"),
            ),
            col(
                "sessions_done",
                lambda r: r.sessions_done or 0,
                "int",
                gettext_lazy("Sessions done"),
            ),
            col("spent", lambda r: r.spent or 0, "money", gettext_lazy("Amount spent (€)")),
        ],
        lambda cohort: (
            SupplementaryCare.objects.filter(envelope__patient__in=cohort)
            .select_related("envelope", "category", "provider")
            .annotate(
                sessions_done=Subquery(_expense_sum("sessions")),
                spent=Subquery(_expense_sum("amount")),
            )
            .order_by("pk")
        ),
    )
    return [patients, sics, contributions, plans, events, budget]


def _expense_sum(field: str) -> QuerySet[Any]:
    return (
        Expense.objects.filter(request=OuterRef("pk"))
        .order_by()
        .values("request")
        .annotate(total=Sum(field))
        .values("total")
    )


DICTIONARY = [
    Column("file", lambda r: r[0]),
    Column("column", lambda r: r[1]),
    Column("description", lambda r: r[2]),
]


def dictionary_rows(chosen: list[Table], free_texts: bool) -> Iterable[tuple[str, str, str]]:
    for table in chosen:
        yield (table.name, "", str(table.description))
        for described in table.columns:
            if free_texts or not described.free_text:
                yield (table.name, str(described.column.header), str(described.description))


def evaluation_zip(cohort: QuerySet[Patient], *, key: bytes, free_texts: bool) -> IO[bytes]:
    """The zip in a temporary file, rewound: each table as CSV and XLSX, and the data
    dictionary (« dictionnaire ») in both formats."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 — handed to the response, which closes it
    chosen = tables(key)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in chosen:
            columns = table.shown(free_texts)
            with archive.open(f"{table.name}.csv", "w") as csv_file:
                for chunk in csv_lines(columns, iterate(table.rows(cohort))):
                    csv_file.write(chunk)
            workbook = xlsx_file(columns, iterate(table.rows(cohort)), table.name)
            with workbook, archive.open(f"{table.name}.xlsx", "w") as xlsx:
                xlsx.write(workbook.read())
        rows = list(dictionary_rows(chosen, free_texts))
        with archive.open("dictionnaire.csv", "w") as csv_file:
            for chunk in csv_lines(DICTIONARY, rows):
                csv_file.write(chunk)
        workbook = xlsx_file(DICTIONARY, rows, _("dictionary"))
        with workbook, archive.open("dictionnaire.xlsx", "w") as xlsx:
            xlsx.write(workbook.read())
    out.seek(0)
    return out
