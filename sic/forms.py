"""Forms of the SIC: scheduling, holding, and one structured form per contribution kind."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sic.models import ContributionKind
from sic.validators import MAX_DURATION_MINUTES, MIN_DURATION_MINUTES

TEXT = forms.Textarea(attrs={"rows": 4})


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


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


class ContributionForm(forms.Form):
    """Base of the structured contribution forms: required fields are required to submit,
    not to save a draft."""

    def __init__(self, *args: Any, draft: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if draft:
            for field in self.fields.values():
                field.required = False

    def content(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class GpSummaryForm(ContributionForm):
    history = forms.CharField(label=_("History and background"), widget=TEXT)
    current_problems = forms.CharField(label=_("Current problems"), widget=TEXT)
    expectations = forms.CharField(label=_("What I expect from this SIC"), widget=TEXT)
    treatment_changes = forms.CharField(
        label=_("Recent changes of treatment"), widget=TEXT, required=False
    )


ADHERENCE = [
    ("good", _("Good")),
    ("partial", _("Partial")),
    ("poor", _("Poor")),
    ("unknown", _("Unknown")),
]
MEDICATION_ROWS = 8


class MedicationReviewForm(ContributionForm):
    """The medication list is a fixed number of rows; empty rows are ignored."""

    interactions = forms.CharField(label=_("Interactions and contraindications"), widget=TEXT)
    problems = forms.CharField(
        label=_("Problems found (adherence, side effects, self-medication)"), widget=TEXT
    )
    recommendations = forms.CharField(label=_("Recommendations"), widget=TEXT)

    def __init__(self, *args: Any, draft: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, draft=draft, **kwargs)
        for i in range(MEDICATION_ROWS):
            self.fields[f"med_{i}_name"] = forms.CharField(label=_("Medication"), required=False)
            self.fields[f"med_{i}_dose"] = forms.CharField(label=_("Dose"), required=False)
            self.fields[f"med_{i}_adherence"] = forms.ChoiceField(
                label=_("Adherence"), choices=[("", "—"), *ADHERENCE], required=False
            )
        self.draft = draft

    def medication_rows(self) -> list[tuple[forms.BoundField, ...]]:
        return [
            (self[f"med_{i}_name"], self[f"med_{i}_dose"], self[f"med_{i}_adherence"])
            for i in range(MEDICATION_ROWS)
        ]

    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("interactions", "problems", "recommendations")]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        medications = []
        for i in range(MEDICATION_ROWS):
            name = (data.get(f"med_{i}_name") or "").strip()
            dose = (data.get(f"med_{i}_dose") or "").strip()
            if not name and not dose:
                continue
            if not name:
                self.add_error(f"med_{i}_name", _("Name the medication of this row."))
            medications.append(
                {"name": name, "dose": dose, "adherence": data.get(f"med_{i}_adherence") or ""}
            )
        if not medications and not self.draft:
            self.add_error(None, _("List at least one medication."))
        data["medications"] = medications
        return data

    def content(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "medications": data["medications"],
            **{k: data[k] for k in ("interactions", "problems", "recommendations") if data.get(k)},
        }

    @classmethod
    def initial_from(cls, content: dict[str, Any]) -> dict[str, Any]:
        initial = {k: v for k, v in content.items() if k != "medications"}
        for i, med in enumerate(content.get("medications", [])[:MEDICATION_ROWS]):
            initial.update(
                {
                    f"med_{i}_name": med["name"],
                    f"med_{i}_dose": med["dose"],
                    f"med_{i}_adherence": med["adherence"],
                }
            )
        return initial


class NursingAssessmentForm(ContributionForm):
    autonomy = forms.ChoiceField(
        label=_("Autonomy"),
        choices=[
            ("", "—"),
            ("autonomous", _("Autonomous")),
            ("partial", _("Needs some help")),
            ("dependent", _("Dependent")),
        ],
    )
    blood_pressure = forms.CharField(label=_("Blood pressure (mmHg)"), max_length=20)
    heart_rate = forms.IntegerField(label=_("Heart rate (bpm)"), min_value=20, max_value=250)
    weight_kg = forms.DecimalField(
        label=_("Weight (kg)"), min_value=20, max_value=300, decimal_places=1
    )
    weight_trend = forms.ChoiceField(
        label=_("Weight trend"),
        choices=[("", "—"), ("stable", _("Stable")), ("up", _("Rising")), ("down", _("Falling"))],
    )
    wounds = forms.CharField(label=_("Wounds, skin"), widget=TEXT, required=False)
    home_situation = forms.CharField(label=_("Home situation"), widget=TEXT)
    needs = forms.CharField(label=_("Needs"), widget=TEXT)

    def content(self) -> dict[str, Any]:
        data = super().content()
        if "weight_kg" in data:
            data["weight_kg"] = str(data["weight_kg"])
        return data


class SpecialistOpinionForm(ContributionForm):
    assessment = forms.CharField(label=_("Specialist assessment"), widget=TEXT)
    recommendations = forms.CharField(label=_("Recommendations"), widget=TEXT)
    follow_up = forms.CharField(label=_("Follow-up planned"), widget=TEXT, required=False)


class PatientExperienceForm(ContributionForm):
    """The patient's experience form (fiche d'expérience patient): every question may stay
    unanswered, and sending it with no answer at all is accepted — the patient can also speak
    at the meeting."""

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


MEDICATION_KEYS = ("name", "dose", "adherence")


def _medication_rows_data(medications: Any) -> dict[str, str]:
    """The form's rows for a posted medication list: a list of at most MEDICATION_ROWS
    objects whose name, dose and adherence are text."""
    if not isinstance(medications, list):
        raise ValidationError(_("A list of medications is expected."))
    if len(medications) > MEDICATION_ROWS:
        raise ValidationError(
            _("At most %(count)d medications can be listed.") % {"count": MEDICATION_ROWS}
        )
    data = {}
    for i, med in enumerate(medications):
        if not isinstance(med, dict) or not all(
            isinstance(med.get(key, ""), str) for key in MEDICATION_KEYS
        ):
            raise ValidationError(
                _(
                    "Medication %(row)d: an object is expected, "
                    "its name, dose and adherence as text."
                )
                % {"row": i + 1}
            )
        data.update({f"med_{i}_{key}": med.get(key, "") for key in MEDICATION_KEYS})
    return data


def content_as_form_data(kind: str, content: Any) -> dict[str, Any]:
    """A contribution's content as posted to the API, turned into its form's data.

    The form then checks the values as on the page; this checks the shape the form cannot
    read: an object whose values are text or numbers, and for the medication review a
    list of medications. Raises ValidationError, field by field.
    """
    if not isinstance(content, dict):
        raise ValidationError(_("An object is expected."))
    errors: dict[str, Any] = {}
    data: dict[str, Any] = {}
    for name, value in content.items():
        if kind == ContributionKind.MEDICATION_REVIEW and name == "medications":
            try:
                data.update(_medication_rows_data(value))
            except ValidationError as exc:
                errors[name] = exc
        elif value is None or (
            isinstance(value, str | int | float) and not isinstance(value, bool)
        ):
            data[name] = value
        else:
            errors[name] = ValidationError(_("Text or a number is expected."))
    if errors:
        raise ValidationError(errors)
    return data


def content_errors(form: ContributionForm) -> dict[str, list[str]]:
    """A contribution form's errors named as in the content (`medications` for the rows)."""
    errors: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        if name.startswith("med_"):
            row = int(name.split("_")[1]) + 1
            errors.setdefault("medications", []).extend(
                _("Medication %(row)d: %(error)s") % {"row": row, "error": m} for m in messages
            )
        else:
            key = "non_field_errors" if name == "__all__" else name
            errors.setdefault(key, []).extend(str(m) for m in messages)
    return errors


def contribution_form(
    kind: str, *, data: Any = None, content: dict | None = None, draft: bool = False
) -> ContributionForm:
    form_class = FORM_OF_KIND[kind]
    content = content or {}
    initial = (
        MedicationReviewForm.initial_from(content)
        if form_class is MedicationReviewForm
        else content
    )
    return form_class(data=data, initial=initial, draft=draft)


def labelled_content(kind: str, content: dict[str, Any]) -> list[tuple[str, Any]]:
    """The content with the form's labels, in the form's order, for pages and the PDF
    (the medication list is shown apart, as a table)."""
    rows = []
    for name, field in FORM_OF_KIND[kind](draft=True).fields.items():
        if name.startswith("med_") or name not in content:
            continue
        value = content[name]
        if isinstance(field, forms.ChoiceField):
            value = dict(cast(list[tuple[Any, Any]], field.choices)).get(value, value)
        rows.append((str(field.label), value))
    return rows


def medication_rows(content: dict[str, Any]) -> list[dict[str, str]]:
    """The medication list of a review, with the adherence in words."""
    labels = dict(ADHERENCE)
    return [
        {**med, "adherence": str(labels.get(med.get("adherence", ""), ""))}
        for med in content.get("medications", [])
    ]
