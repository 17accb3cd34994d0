from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from careplans.models import Action, ActionStatus, Owner, ValidationMethod
from labparcours.uploads import UploadField
from patients.forms import DateInput
from teams.models import Membership

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def owner_choices(memberships: list[Membership]) -> list[tuple[str, StrOrPromise]]:
    """One list for "who": the patient, the caregiver, each active member, a provider.

    It starts empty: who carries an action is always a conscious choice."""
    return [
        ("", _("— choose —")),
        (Owner.PATIENT, Owner.PATIENT.label),
        (Owner.CAREGIVER, Owner.CAREGIVER.label),
        *[(f"member:{m.pk}", f"{m.professional} — {m.get_role_display()}") for m in memberships],
        (Owner.PROVIDER, Owner.PROVIDER.label),
    ]


class OwnerMixin(forms.Form):
    """Reads the "who" choice into owner + membership, and requires a provider's name."""

    def clean_owner_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        who = data.get("who") or ""
        if who.startswith("member:"):
            data["owner"], data["membership_id"] = Owner.MEMBER, int(who.split(":", 1)[1])
        else:
            data["owner"], data["membership_id"] = who, None
        if data["owner"] == Owner.PROVIDER and not (data.get("provider") or "").strip():
            self.add_error("provider", _("Name the provider (e.g. the dietitian)."))
        return data


class GoalForm(forms.Form):
    text = forms.CharField(
        label=_("Goal, in the patient's words"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. « Go to the market on Sundays »")}),
    )


class ActionForm(OwnerMixin, forms.Form):
    what = forms.CharField(label=_("What"), max_length=300)
    who = forms.ChoiceField(label=_("Who"))
    provider = forms.CharField(label=_("Provider"), max_length=150, required=False)
    when = forms.CharField(
        label=_("When / how often"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. three times a week")}),
    )
    due_date = forms.DateField(label=_("By"), required=False, widget=DateInput())

    def __init__(self, *args: Any, memberships: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["who"]).choices = owner_choices(memberships)

    def clean(self) -> dict[str, Any]:
        super().clean()
        return self.clean_owner_fields(self.cleaned_data)

    def action(self) -> Action:
        data = self.cleaned_data
        return Action(
            what=data["what"],
            owner=data["owner"],
            membership_id=data["membership_id"],
            provider=data["provider"] if data["owner"] == Owner.PROVIDER else "",
            when=data["when"],
            due_date=data["due_date"],
        )


class DecisionRowForm(OwnerMixin, forms.Form):
    decision = forms.IntegerField(widget=forms.HiddenInput)
    include = forms.BooleanField(label=_("Make it an action"), required=False, initial=True)
    what = forms.CharField(label=_("Action"), max_length=300)
    who = forms.ChoiceField(label=_("Who"))
    provider = forms.CharField(label=_("Provider"), max_length=150, required=False)
    when = forms.CharField(label=_("When / how often"), max_length=120, required=False)

    def __init__(self, *args: Any, memberships: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["who"]).choices = owner_choices(memberships)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("include"):
            # A decision left out needs no owner.
            self.errors.pop("who", None)
            return data
        return self.clean_owner_fields(data)


DecisionFormSet = forms.formset_factory(DecisionRowForm, extra=0)


class RecordValidationForm(forms.Form):
    """The coordinator records a validation the patient gave by phone or on paper."""

    method = forms.ChoiceField(
        label=_("How did the patient validate?"),
        choices=[(m.value, m.label) for m in (ValidationMethod.PHONE, ValidationMethod.PAPER)],
    )
    scan = UploadField(
        label=_("Scanned signed sheet"),
        required=False,
        help_text=_("Required for a validation on paper (PDF or image)."),
    )


class ChangesForm(forms.Form):
    comment = forms.CharField(
        label=_("What would you like to change?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class ChangesAnswerForm(forms.Form):
    """The team's answer to the patient's request for changes, shown to them with the plan."""

    answer = forms.CharField(
        label=_("Your answer to the patient"),
        help_text=_("In plain words: what you change in the plan, or why not."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)
