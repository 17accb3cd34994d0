from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budget.forms import ProviderChoiceField
from budget.models import CareProvider
from careplans.models import Action, ActionStatus, Owner, RepeatUnit, ValidationMethod
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


def directory_providers(current: CareProvider | None = None) -> Any:
    """The providers of the budget's directory one may choose (and the one already chosen,
    even if no longer offered)."""
    offered = Q(is_active=True) | Q(pk=current.pk) if current is not None else Q(is_active=True)
    return (
        CareProvider.objects.filter(offered)
        .select_related("professional")
        .order_by("professional__last_name", "name", "pk")
    )


class OwnerMixin(forms.Form):
    """Reads the "who" choice into owner + membership; a supplementary-care provider is
    chosen from the directory, or named by kind while nobody is chosen yet."""

    def clean_owner_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        who = data.get("who") or ""
        if who.startswith("member:"):
            data["owner"], data["membership_id"] = Owner.MEMBER, int(who.split(":", 1)[1])
        else:
            data["owner"], data["membership_id"] = who, None
        chosen = data.get("care_provider") if data["owner"] == Owner.PROVIDER else None
        data["care_provider"] = chosen
        if chosen is not None:
            data["provider"] = chosen.label[:150]
        elif data["owner"] == Owner.PROVIDER:
            data["provider"] = (data.get("provider") or "").strip()
            if not data["provider"]:
                self.add_error(
                    "care_provider",
                    _(
                        "Choose the provider from the directory, or say which kind "
                        "(e.g. a dietitian)."
                    ),
                )
        else:
            data["provider"] = ""
        return data


def care_provider_field() -> ProviderChoiceField:
    return ProviderChoiceField(
        label=_("Provider from the directory"),
        queryset=CareProvider.objects.none(),
        required=False,
        empty_label=_("— not chosen yet —"),
        help_text=_("When « who » is a supplementary-care provider."),
    )


def provider_kind_field() -> forms.CharField:
    return forms.CharField(
        label=_("Or the kind of provider"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. a dietitian")}),
    )


class GoalForm(forms.Form):
    text = forms.CharField(
        label=_("Goal, in the patient's words"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. « Go to the market on Sundays »")}),
    )


class ActionForm(OwnerMixin, forms.Form):
    """An action of the plan, new or rewritten in place: what, who, when, how often."""

    what = forms.CharField(label=_("What"), max_length=300)
    who = forms.ChoiceField(label=_("Who"))
    care_provider = care_provider_field()
    provider = provider_kind_field()
    when = forms.CharField(
        label=_("When"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. in the morning, before meals")}),
    )
    repeat_every = forms.IntegerField(
        label=_("Repeat every"), min_value=1, max_value=365, required=False
    )
    repeat_unit = forms.ChoiceField(
        label=_("Days, weeks or months"),
        choices=[("", _("— once —")), *RepeatUnit.choices],
        required=False,
    )
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=DateInput(),
        help_text=_("For a recurring action: the first time."),
    )

    def __init__(
        self,
        *args: Any,
        memberships: list[Membership],
        current: Action | None = None,
        **kwargs: Any,
    ) -> None:
        if current is not None:
            kwargs.setdefault("initial", self.initial_of(current))
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["who"]).choices = owner_choices(memberships)
        chosen = current.care_provider if current is not None else None
        cast(forms.ModelChoiceField, self.fields["care_provider"]).queryset = directory_providers(
            chosen
        )

    @staticmethod
    def initial_of(action: Action) -> dict[str, Any]:
        who = f"member:{action.membership_id}" if action.owner == Owner.MEMBER else action.owner
        return {
            "what": action.what,
            "who": who,
            "care_provider": action.care_provider_id,
            "provider": "" if action.care_provider_id else action.provider,
            "when": action.when,
            "due_date": action.due_date,
            "repeat_every": action.repeat_every,
            "repeat_unit": action.repeat_unit,
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.clean_owner_fields(self.cleaned_data)
        every, unit = data.get("repeat_every"), data.get("repeat_unit")
        if bool(every) != bool(unit):
            self.add_error("repeat_unit", _("Say how often: a number, and days, weeks or months."))
        elif every and not data.get("due_date") and "due_date" not in self.errors:
            data["due_date"] = timezone.localdate()  # a recurring action starts today
        return data

    def apply(self, action: Action) -> Action:
        """Write what was typed onto `action` (a new one, or the one being rewritten)."""
        data = self.cleaned_data
        action.what = data["what"]
        action.owner = data["owner"]
        action.membership_id = data["membership_id"]
        action.care_provider = data["care_provider"]
        action.provider = data["provider"]
        action.when = data["when"]
        action.due_date = data["due_date"]
        action.repeat_every = data["repeat_every"] or None
        action.repeat_unit = data["repeat_unit"] if data["repeat_every"] else ""
        return action

    def action(self) -> Action:
        return self.apply(Action())


class DecisionRowForm(OwnerMixin, forms.Form):
    decision = forms.IntegerField(widget=forms.HiddenInput)
    include = forms.BooleanField(label=_("Make it an action"), required=False, initial=True)
    what = forms.CharField(label=_("Action"), max_length=300)
    who = forms.ChoiceField(label=_("Who"))
    care_provider = care_provider_field()
    provider = provider_kind_field()
    when = forms.CharField(label=_("When / how often"), max_length=120, required=False)

    def __init__(self, *args: Any, memberships: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["who"]).choices = owner_choices(memberships)
        cast(forms.ModelChoiceField, self.fields["care_provider"]).queryset = directory_providers()

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
    confirm = forms.BooleanField(
        label=_("The patient has validated this version of the plan"),
        help_text=_("The plan comes into force at once; it cannot be undone."),
        error_messages={"required": _("Tick the box to confirm the patient's validation.")},
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
