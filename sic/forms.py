"""Forms of the SIC: scheduling, holding, and one structured form per contribution kind."""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sic.measures import MEASURES, Measure, measure_values, measures_for
from sic.models import ContributionKind
from sic.rows import Column, RowSet, row_error
from sic.validators import (
    MAX_DURATION_MINUTES,
    MIN_DURATION_MINUTES,
    validate_hospitalisation,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TEXT = forms.Textarea(attrs={"rows": 4})


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ScheduleForm(forms.Form):
    """Reads the date, duration and link; the rules on them are `sic.validators`', run by
    `sic_schedule` for the page and the API alike (the view shows their errors here)."""

    at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        initial=20,
        widget=forms.NumberInput(attrs={"min": MIN_DURATION_MINUTES, "max": MAX_DURATION_MINUTES}),
    )
    video_url = forms.CharField(
        label=_("Video link"),
        required=False,
        max_length=500,
        widget=forms.URLInput,
        help_text=_("An https:// link. Leave empty to generate a private room."),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class HoldForm(forms.Form):
    held_at = forms.DateTimeField(
        label=_("Held on"),
        widget=DateTimeInput(),
        required=False,
        help_text=_("When it took place: by default its scheduled date and time."),
    )
    present = forms.MultipleChoiceField(
        label=_("Members present"), widget=forms.CheckboxSelectMultiple, required=False
    )
    patient_present = forms.BooleanField(label=_("The patient attended"), required=False)
    caregiver_present = forms.BooleanField(label=_("A caregiver attended"), required=False)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}))
    decisions = forms.CharField(
        label=_("Decisions"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("One decision per line: each may become an action of the care plan."),
    )

    def __init__(self, *args: Any, attendances: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["present"]).choices = [
            (
                str(a.membership_id),
                f"{a.membership.professional} — {a.membership.get_role_display()}",
            )
            for a in attendances
        ]

    def decision_lines(self) -> list[str]:
        return [line for line in self.cleaned_data["decisions"].splitlines() if line.strip()]


# --- Contributions ---------------------------------------------------------------------------


class MeasureField(forms.DecimalField):
    """A measure typed as a French reader writes it (82,4), in its unit, checked by the one
    rule of measures (`Measure.validate`)."""

    def __init__(self, measure: Measure, **kwargs: Any) -> None:
        self.measure = measure
        super().__init__(
            label=f"{measure.label} ({measure.unit})",
            localize=True,
            required=False,
            widget=forms.TextInput(
                attrs={"inputmode": "decimal" if measure.decimals else "numeric", "size": 8}
            ),
            error_messages={
                "invalid": _("%(measure)s: enter a number, in %(unit)s.")
                % {"measure": measure.label, "unit": measure.unit}
            },
            validators=[measure.validate],
            **kwargs,
        )


def measure_field(measure: Measure) -> forms.Field:
    if measure.is_class:
        return forms.TypedChoiceField(
            label=measure.label,
            choices=[("", "—"), *NYHA_CHOICES],
            coerce=int,
            empty_value=None,
            required=False,
            error_messages={"invalid_choice": measure.range_message()},
        )
    return MeasureField(measure)


NYHA_CHOICES = [
    (1, _("I — no limitation of physical activity")),
    (2, _("II — slight limitation, comfortable at rest")),
    (3, _("III — marked limitation, comfortable only at rest")),
    (4, _("IV — symptoms at rest")),
]
ADHERENCE = [
    ("good", _("Good")),
    ("partial", _("Partial")),
    ("poor", _("Poor")),
    ("unknown", _("Unknown")),
]

MEDICATIONS = RowSet(
    key="medications",
    prefix="med",
    title=_("Current medications"),
    row_label=_("Medication %(row)d"),
    columns=(
        Column(
            "name",
            _("Medication"),
            partial(forms.CharField, max_length=200),
            missing=_("Name the medication of this row."),
        ),
        Column("dose", _("Dose"), partial(forms.CharField, max_length=200)),
        Column(
            "adherence",
            _("Adherence"),
            partial(forms.ChoiceField, choices=[("", "—"), *ADHERENCE]),
        ),
    ),
    add_label=_("Add a medication"),
    too_many=_("At most %(count)d medications can be listed."),
    not_a_list=_("A list of medications is expected."),
    malformed=_("Medication %(row)d: an object is expected, its name, dose and adherence as text."),
    min_rows=3,
)


def _check_hospitalisation(row: dict[str, Any]) -> None:
    validate_hospitalisation(day=row["date"], days=row["days"])


HOSPITALISATIONS = RowSet(
    key="hospitalisations",
    prefix="hosp",
    title=_("Hospitalisations since the last SIC"),
    row_label=_("Hospitalisation %(row)d"),
    columns=(
        Column(
            "date",
            _("Admitted on"),
            partial(forms.DateField, widget=DateInput()),
            missing=_("Give the date of this hospitalisation."),
        ),
        Column(
            "reason",
            _("Reason"),
            partial(forms.CharField, max_length=200),
            missing=_("Give the reason for this hospitalisation."),
        ),
        Column(
            "days",
            _("Length of stay (days)"),
            partial(forms.IntegerField, widget=forms.NumberInput(attrs={"min": 0, "max": 365})),
        ),
    ),
    add_label=_("Add a hospitalisation"),
    too_many=_("At most %(count)d hospitalisations can be listed."),
    not_a_list=_("A list of hospitalisations is expected."),
    malformed=_(
        "Hospitalisation %(row)d: an object is expected, with its date, reason and length of stay."
    ),
    max_rows=30,
    check=_check_hospitalisation,
)

# Keys of contents written before a field was structured, kept as they were (shown as typed)
# when the form no longer has their field: a blood pressure typed as text, not understood.
LEGACY_LABELS = {"blood_pressure": _("Blood pressure (as typed before the measures)")}


class ContributionForm(forms.Form):
    """Base of the structured contribution forms: required fields are required to submit,
    not to save a draft. The measures of the patient's pathway that this kind records
    (`sic.measures`) and its tables of rows (`sic.rows`) are added to the declared fields;
    `layout` orders the sections of the page."""

    kind: ClassVar[str]
    row_sets: ClassVar[tuple[RowSet, ...]] = ()
    layout: ClassVar[tuple[str, ...]] = ("fields", "measures")
    measures_title: ClassVar[StrOrPromise] = _("Measures")

    def __init__(
        self, *args: Any, draft: bool = False, pathway: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.draft = draft
        self.declared = list(self.fields)
        self.measures = measures_for(kind=self.kind, pathway=pathway)
        for measure in self.measures:
            self.fields[measure.key] = measure_field(measure)
        self.row_counts: dict[str, int] = {}
        self.too_many: list[RowSet] = []
        for rows in self.row_sets:
            self.row_counts[rows.key] = self._count(rows)
            rows.add_fields(self, self.row_counts[rows.key])
        self.kept: dict[str, Any] = {}
        if draft:
            for form_field in self.fields.values():
                form_field.required = False

    def _count(self, rows: RowSet) -> int:
        """Rows posted (one more when "add a row" was pressed), or saved plus an empty one."""
        if self.is_bound:
            count = rows.indexes_in(self.data) + (1 if rows.add_name in self.data else 0)
        else:
            count = rows.indexes_in(self.initial) + 1
        if count > rows.max_rows:
            self.too_many.append(rows)
        return min(max(count, rows.min_rows), rows.max_rows)

    @property
    def adds_row(self) -> bool:
        """The "add a row" button was pressed: show the form again, save nothing."""
        return self.is_bound and any(rows.add_name in self.data for rows in self.row_sets)

    def sections(self) -> list[dict[str, Any]]:
        """The page's sections in `layout` order: declared fields, measures, tables."""
        sections: list[dict[str, Any]] = []
        for part in self.layout:
            if part == "fields":
                sections.append({"kind": "fields", "fields": [self[n] for n in self.declared]})
            elif part == "measures" and self.measures:
                fields = [self[m.key] for m in self.measures]
                title = self.measures_title
                sections.append({"kind": "measures", "title": title, "fields": fields})
            elif part.startswith("rows:"):
                rows = next(r for r in self.row_sets if r.key == part[5:])
                sections.append({"kind": "rows", "rows": rows, "bound": rows.bound_rows(self)})
        return sections

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for rows in self.too_many:
            self.add_error(None, str(rows.too_many) % {"count": rows.max_rows})
        for rows in self.row_sets:
            data[rows.key] = rows.clean(self, data)
        return data

    def content(self) -> dict[str, Any]:
        data = self.cleaned_data
        content: dict[str, Any] = dict(self.kept)
        content.update({n: data[n] for n in self.declared if data.get(n) not in (None, "")})
        for measure in self.measures:
            if data.get(measure.key) is not None:
                content[measure.key] = measure.stored(Decimal(data[measure.key]))
        for rows in self.row_sets:
            content[rows.key] = [_as_json(row) for row in data[rows.key]]
        return content

    @classmethod
    def initial_from(cls, content: dict[str, Any]) -> dict[str, Any]:
        initial = {k: v for k, v in content.items() if k in cls.base_fields}
        for measure in MEASURES:
            if measure.key in content and content[measure.key] not in (None, ""):
                initial[measure.key] = (
                    content[measure.key] if measure.is_class else Decimal(str(content[measure.key]))
                )
        for rows in cls.row_sets:
            initial.update(rows.initial(content.get(rows.key)))
        return initial


def _as_json(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in row.items()}


class GpSummaryForm(ContributionForm):
    kind = ContributionKind.GP_SUMMARY
    row_sets = (HOSPITALISATIONS,)
    layout = ("fields", "measures", "rows:hospitalisations")
    measures_title = _("Latest laboratory results")

    history = forms.CharField(label=_("History and background"), widget=TEXT)
    current_problems = forms.CharField(label=_("Current problems"), widget=TEXT)
    expectations = forms.CharField(label=_("What I expect from this SIC"), widget=TEXT)
    treatment_changes = forms.CharField(
        label=_("Recent changes of treatment"), widget=TEXT, required=False
    )


class MedicationReviewForm(ContributionForm):
    """As many medication rows as the patient takes; empty rows are ignored."""

    kind = ContributionKind.MEDICATION_REVIEW
    row_sets = (MEDICATIONS,)
    layout = ("rows:medications", "fields")

    interactions = forms.CharField(label=_("Interactions and contraindications"), widget=TEXT)
    problems = forms.CharField(
        label=_("Problems found (adherence, side effects, self-medication)"), widget=TEXT
    )
    recommendations = forms.CharField(label=_("Recommendations"), widget=TEXT)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data["medications"] and not self.draft:
            self.add_error(None, _("List at least one medication."))
        return data


class NursingAssessmentForm(ContributionForm):
    kind = ContributionKind.NURSING_ASSESSMENT
    layout = ("measures", "fields")

    autonomy = forms.ChoiceField(
        label=_("Autonomy"),
        choices=[
            ("", "—"),
            ("autonomous", _("Autonomous")),
            ("partial", _("Needs some help")),
            ("dependent", _("Dependent")),
        ],
    )
    weight_trend = forms.ChoiceField(
        label=_("Weight trend"),
        choices=[("", "—"), ("stable", _("Stable")), ("up", _("Rising")), ("down", _("Falling"))],
    )
    wounds = forms.CharField(label=_("Wounds, skin"), widget=TEXT, required=False)
    home_situation = forms.CharField(label=_("Home situation"), widget=TEXT)
    needs = forms.CharField(label=_("Needs"), widget=TEXT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.draft:
            # The nurse measures these at each visit: required to submit, as before.
            for key in ("weight_kg", "bp_systolic", "bp_diastolic", "heart_rate"):
                self.fields[key].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        systolic, diastolic = data.get("bp_systolic"), data.get("bp_diastolic")
        if systolic is not None and diastolic is not None and diastolic >= systolic:
            self.add_error(
                "bp_diastolic", _("The diastolic pressure must be lower than the systolic.")
            )
        return data


class SpecialistOpinionForm(ContributionForm):
    kind = ContributionKind.SPECIALIST_OPINION
    measures_title = _("Heart failure")

    assessment = forms.CharField(label=_("Specialist assessment"), widget=TEXT)
    recommendations = forms.CharField(label=_("Recommendations"), widget=TEXT)
    follow_up = forms.CharField(label=_("Follow-up planned"), widget=TEXT, required=False)


# What matters most to patients, and the difficulties they name: ticked on the experience
# form, counted over time without identities (programme/experience.py).
PRIORITIES = [
    ("feel_better", _("Feeling better: less breathless, less tired")),
    ("autonomy", _("Staying independent at home")),
    ("family", _("Time with family and friends")),
    ("activities", _("Going out, keeping my activities")),
    ("avoid_hospital", _("Not going back to hospital")),
    ("understand", _("Understanding my illness and my treatment")),
    ("eating", _("Eating with pleasure")),
    ("morale", _("Morale, worrying less")),
]
DIFFICULTY_TOPICS = [
    ("appointments", _("Getting appointments")),
    ("coordination", _("The people who care for me do not talk to each other")),
    ("treatment", _("Too many medicines, or their side effects")),
    ("explanations", _("Understanding what I am told")),
    ("transport", _("Getting to my appointments")),
    ("costs", _("What is left for me to pay")),
    ("daily_life", _("Daily life at home: meals, housework, washing")),
    ("loneliness", _("Feeling alone")),
]


class PatientExperienceForm(ContributionForm):
    """The patient's experience form (fiche d'expérience patient): every question may stay
    unanswered, and sending it with no answer at all is accepted — the patient can also speak
    at the meeting."""

    kind = ContributionKind.PATIENT_EXPERIENCE
    field_order = (
        "living_with_illness",
        "what_matters_most",
        "priorities",
        "difficulties",
        "difficulty_topics",
        "goals",
    )

    priorities = forms.MultipleChoiceField(
        label=_("What matters most to you now? Tick what applies"),
        choices=PRIORITIES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    difficulty_topics = forms.MultipleChoiceField(
        label=_("What is difficult for you? Tick what applies"),
        choices=DIFFICULTY_TOPICS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    living_with_illness = forms.CharField(
        label=_("How do you live with your illness day to day?"), widget=TEXT, required=False
    )
    what_matters_most = forms.CharField(
        label=_("What matters most to you now?"), widget=TEXT, required=False
    )
    difficulties = forms.CharField(
        label=_("What is difficult in your care, or between the people who care for you?"),
        widget=TEXT,
        required=False,
    )
    goals = forms.CharField(label=_("Your goals, in your own words"), widget=TEXT, required=False)

    def content(self) -> dict[str, Any]:
        """Boxes left unticked are not an answer: nothing is kept of them."""
        return {k: v for k, v in super().content().items() if v != []}

    def saved_message(self, *, submit: bool, for_caregiver_of: str = "") -> str:
        """What the patient's side is told once the form is saved, in their words, or naming
        the patient to the caregiver who fills it for them (`for_caregiver_of`: their first
        name). Read from the posted answers, so that the view may ask before validating."""
        name = {"name": for_caregiver_of}
        if not submit:
            return str(_("Saved: you can finish it later."))
        if not any(str(self.data.get(field, "")).strip() for field in self.fields):
            if for_caregiver_of:
                return str(
                    _("Sent without answers: that is fine, %(name)s can also speak at the meeting.")
                    % name
                )
            return str(_("Sent without answers: that is fine, you can also speak at the meeting."))
        if for_caregiver_of:
            return str(_("Thank you: %(name)s's team will read it before the meeting.") % name)
        return str(_("Thank you: your team will read it before the meeting."))


FORM_OF_KIND: dict[str, type[ContributionForm]] = {
    ContributionKind.GP_SUMMARY: GpSummaryForm,
    ContributionKind.MEDICATION_REVIEW: MedicationReviewForm,
    ContributionKind.NURSING_ASSESSMENT: NursingAssessmentForm,
    ContributionKind.SPECIALIST_OPINION: SpecialistOpinionForm,
    ContributionKind.PATIENT_EXPERIENCE: PatientExperienceForm,
}


def content_as_form_data(kind: str, content: Any) -> dict[str, Any]:
    """A contribution's content as posted to the API, turned into its form's data.

    The form then checks the values as on the page (the measures by the same rule); this
    checks the shape the form cannot read: an object whose values are text or numbers, and
    its tables (the medication list, the hospitalisations) as lists of such objects.
    Raises ValidationError, field by field.
    """
    if not isinstance(content, dict):
        raise ValidationError(_("An object is expected."))
    tables = {rows.key: rows for rows in FORM_OF_KIND[kind].row_sets}
    errors: dict[str, Any] = {}
    data: dict[str, Any] = {}
    for name, value in content.items():
        if name in tables:
            try:
                data.update(tables[name].posted(value))
            except ValidationError as exc:
                errors[name] = exc
        elif (
            value is None
            or (isinstance(value, str | int | float) and not isinstance(value, bool))
            or (
                isinstance(value, list)
                and _ticks(kind, name)
                and all(isinstance(v, str) for v in value)
            )
        ):
            data[name] = value
        else:
            errors[name] = ValidationError(_("Text or a number is expected."))
    if errors:
        raise ValidationError(errors)
    return data


def _ticks(kind: str, name: str) -> bool:
    """A field of boxes to tick: its content is a list of the ticked choices."""
    return isinstance(FORM_OF_KIND[kind].base_fields.get(name), forms.MultipleChoiceField)


def content_errors(form: ContributionForm) -> dict[str, list[str]]:
    """A contribution form's errors named as in the content (`medications` for its rows)."""
    errors: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        for rows in form.row_sets:
            label = rows.error_of(name)
            if label is not None:
                errors.setdefault(rows.key, []).extend(row_error(label, str(m)) for m in messages)
                break
        else:
            key = "non_field_errors" if name == "__all__" else name
            errors.setdefault(key, []).extend(str(m) for m in messages)
    return errors


def contribution_form(
    kind: str,
    *,
    data: Any = None,
    content: dict | None = None,
    draft: bool = False,
    pathway: str | None = None,
) -> ContributionForm:
    form_class = FORM_OF_KIND[kind]
    content = content or {}
    form = form_class(
        data=data, initial=form_class.initial_from(content), draft=draft, pathway=pathway
    )
    form.kept = {k: v for k, v in content.items() if k in LEGACY_LABELS}
    return form


def labelled_content(kind: str, content: dict[str, Any]) -> list[tuple[str, Any]]:
    """The content with the form's labels, in the form's order, for pages and the PDF;
    measures with their unit (the tables are shown apart: `medication_rows`,
    `hospitalisation_rows`)."""
    form = FORM_OF_KIND[kind](draft=True)
    rows: list[tuple[str, Any]] = []
    for name in form.declared:
        if name in content:
            form_field = form.fields[name]
            value = content[name]
            if isinstance(form_field, forms.ChoiceField):
                labels = dict(cast(list[tuple[Any, Any]], form_field.choices))
                if isinstance(value, list):
                    value = ", ".join(str(labels.get(v, v)) for v in value)
                else:
                    value = labels.get(value, value)
            rows.append((str(form_field.label), value))
    values = measure_values(content)
    rows += [(str(m.label), m.display(values[m.key])) for m in form.measures if m.key in values]
    rows += [(str(label), content[key]) for key, label in LEGACY_LABELS.items() if key in content]
    return rows


def medication_rows(content: dict[str, Any]) -> list[dict[str, str]]:
    """The medication list of a review, with the adherence in words."""
    labels = dict(ADHERENCE)
    return [
        {**med, "adherence": str(labels.get(med.get("adherence", ""), ""))}
        for med in content.get("medications", [])
    ]


def hospitalisation_rows(content: dict[str, Any]) -> list[dict[str, Any]]:
    """The hospitalisations a GP's summary reports, their dates as dates."""
    return [
        {**row, "date": datetime.date.fromisoformat(row["date"])}
        for row in content.get("hospitalisations", [])
        if isinstance(row, dict) and row.get("date")
    ]
