from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from labparcours.widgets import Select
from patients import criteria
from patients.models import (
    CARE_EVENTS,
    EXIT_EVENTS,
    Caregiver,
    ConsentKind,
    EventKind,
    ExitReason,
    FollowUpKind,
    Pathway,
    PathwayEvent,
    Patient,
    PatientStatus,
)
from patients.validators import normalise_nir

_CRITERIA_CHOICES = [
    (_("Heart failure"), list(criteria.HEART_FAILURE.items())),
    (_("Type 2 diabetes"), list(criteria.DIABETES.items())),
    (_("Complexity"), list(criteria.COMPLEXITY.items())),
]
_PATIENT_CONSENTS = [
    (kind.value, kind.label)
    for kind in (ConsentKind.PARTICIPATION, ConsentKind.TEAM_SHARING, ConsentKind.SIC_ATTENDANCE)
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PatientForm(forms.ModelForm):
    # Wider than the 15 stored characters: the number is often typed with spaces.
    nir = forms.CharField(
        label=_("NIR / INS"),
        max_length=25,
        required=False,
        help_text=_("Social security number, 15 characters with its key."),
    )
    inclusion_criteria = forms.MultipleChoiceField(
        label=_("Inclusion criteria met"),
        choices=_CRITERIA_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Patient
        fields = Patient.EDITABLE_FIELDS
        widgets = {"birth_date": DateInput()}

    def clean_nir(self) -> str:
        return normalise_nir(self.cleaned_data.get("nir", ""))


class InclusionForm(PatientForm):
    """The patient, their consents, and whether to include them now (nothing is written
    when inclusion is asked but impossible)."""

    consents = forms.MultipleChoiceField(
        label=_("Consents collected"),
        choices=_PATIENT_CONSENTS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    include_now = forms.BooleanField(
        label=_("Include the patient now"),
        required=False,
        initial=True,
        help_text=_("Requires the participation and sharing consents and the criteria."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("include_now") and not self.errors:
            candidate = Patient(
                pathway=data["pathway"], inclusion_criteria=data.get("inclusion_criteria", [])
            )
            for message in candidate.missing_inclusion_requirements(set(data.get("consents", []))):
                self.add_error(None, message)
        return data


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Consent"), choices=_PATIENT_CONSENTS)


class CaregiverForm(forms.ModelForm):
    delegation = forms.BooleanField(
        label=_("The patient delegates to this caregiver"),
        required=False,
        help_text=_("The caregiver may then act for the patient in the application."),
    )

    class Meta:
        model = Caregiver
        fields = ("first_name", "last_name", "relationship", "email", "phone")

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.patient = patient


class ExitForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=ExitReason.choices)
    on = forms.DateField(label=_("Exit date"), widget=DateInput())


class DashboardFilterForm(forms.Form):
    """Filters of the dashboard; sent by POST so that names never appear in a URL."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    # The selects are written in Python (labparcours.widgets): the page renders them on every
    # view, Django's templates include one more template per option.
    pathway = forms.ChoiceField(
        label=_("Pathway"),
        choices=[("", _("All pathways")), *Pathway.choices],
        required=False,
        widget=Select,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), *PatientStatus.choices],
        required=False,
        widget=Select,
    )
    team = forms.ChoiceField(
        label=_("Team"),
        choices=[
            ("", _("All teams")),
            ("incomplete", _("Incomplete")),
            ("complete", _("Complete")),
        ],
        required=False,
        widget=Select,
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class AccessLogFilterForm(forms.Form):
    user = forms.CharField(label=_("User (e-mail)"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())


class PathwayEventForm(forms.ModelForm):
    """« Déclarer un événement »: what happened, when, and how we know it."""

    confirm_exit = forms.BooleanField(
        label=_("I confirm: the patient leaves the programme"),
        required=False,
        help_text=_(
            "A death or a move out of the territory ends the participation: the SICs and "
            "reminders stop, the care plan is archived and the team is told."
        ),
    )

    class Meta:
        model = PathwayEvent
        fields = (
            "kind",
            "occurred_on",
            "discharged_on",
            "cause",
            "establishment",
            "source",
            "source_detail",
        )
        widgets = {
            "kind": forms.RadioSelect,
            "occurred_on": DateInput(),
            "discharged_on": DateInput(),
        }
        help_texts = {
            "discharged_on": _(
                "Leave it empty while the patient is in hospital: record it later, from the event."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Radio buttons: one per kind, none blank (a hospitalisation unless said otherwise).
        kind = self.fields["kind"]
        kind.choices = EventKind.choices  # type: ignore[attr-defined]
        kind.initial = self.initial.get("kind") or EventKind.HOSPITALISATION

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        if kind in EXIT_EVENTS and not data.get("confirm_exit"):
            self.add_error(
                "confirm_exit", _("Please confirm that the patient leaves the programme.")
            )
        if kind not in CARE_EVENTS:
            data["cause"], data["establishment"] = "", ""
        if kind != EventKind.HOSPITALISATION:
            data["discharged_on"] = None
        return data

    def event_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PathwayEventCorrectionForm(forms.ModelForm):
    """Record the discharge of a stay, or correct an event (its kind stays)."""

    class Meta:
        model = PathwayEvent
        fields = (
            "occurred_on",
            "discharged_on",
            "cause",
            "establishment",
            "source",
            "source_detail",
        )
        widgets = {"occurred_on": DateInput(), "discharged_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.instance.kind
        if kind != EventKind.HOSPITALISATION:
            del self.fields["discharged_on"]
        if kind not in CARE_EVENTS:
            del self.fields["cause"], self.fields["establishment"]

    def event_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


class FollowUpContactForm(forms.Form):
    """« Contact fait aujourd'hui », in one tap; another day and a note if need be."""

    kind = forms.ChoiceField(label=_("Contact"), choices=FollowUpKind.choices)
    contacted_on = forms.DateField(
        label=_("Another day"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: today."),
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)


class BreaksFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of break"),
        required=False,
        choices=[
            ("", _("Every break")),
            (FollowUpKind.MEDICAL.value, _("No medical contact after a discharge")),
            (FollowUpKind.SPECIALIST.value, _("No specialist contact after a discharge")),
            ("sic_overdue", _("SIC overdue")),
        ],
    )
