"""The budget's page forms: they check what was typed; the services decide."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budget.models import BudgetCategory, CareProvider
from budget.selectors import actions_to_serve
from careplans.models import Action
from labparcours.models import User
from labparcours.uploads import UploadField
from labparcours.widgets import Select
from patients.forms import DateInput
from patients.models import Pathway, Patient


class ProviderChoiceField(forms.ModelChoiceField):
    """A provider as the prescriber knows them: the professional and their profession, or
    the organisation and its city."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.label + (f", {obj.city_shown}" if obj.city_shown else "")


class ActionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"v{obj.plan.version} — {obj.what}"


class PrescriptionForm(forms.Form):
    """« Prescrire des soins de support »: what, with whom, how many sessions, at what price."""

    category = forms.ModelChoiceField(
        label=_("Kind of care"), queryset=BudgetCategory.objects.filter(is_active=True)
    )
    provider = ProviderChoiceField(
        label=_("Provider"),
        queryset=CareProvider.objects.filter(is_active=True)
        .select_related("professional")
        .order_by("professional__last_name", "name", "pk"),
    )
    sessions = forms.IntegerField(label=_("Number of sessions"), min_value=1, max_value=100)
    unit_price = forms.DecimalField(
        label=_("Price per session (€)"),
        min_value=Decimal("0.01"),
        max_digits=8,
        decimal_places=2,
        localize=True,
    )
    action = ActionChoiceField(
        label=_("Care-plan action it serves"),
        queryset=Action.objects.none(),
        required=False,
        empty_label=_("None"),
    )

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["action"]
        field.queryset = (
            actions_to_serve(patient)
            .select_related("plan")
            .order_by("-plan__version", "position", "pk")
        )
        # Prescribed from a care-plan action: its provider, if chosen in the plan, comes along.
        chosen = str(self.initial.get("action") or "")
        if chosen.isdigit() and not self.is_bound:
            action = field.queryset.filter(pk=chosen).first()
            if action is not None and action.care_provider_id:
                self.initial.setdefault("provider", action.care_provider_id)


class RefusalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason of the refusal"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WaitingFilterForm(forms.Form):
    """The filters of « Demandes à valider »."""

    category = forms.ModelChoiceField(
        label=_("Kind of care"),
        queryset=BudgetCategory.objects.all(),
        required=False,
        empty_label=_("All kinds of care"),
        widget=Select,
    )
    pathway = forms.ChoiceField(
        label=_("Pathway"),
        choices=[("", _("All pathways")), *Pathway.choices],
        required=False,
        widget=Select,
    )
    prescriber = forms.ModelChoiceField(
        label=_("Prescriber"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("All prescribers"),
        widget=Select,
    )
    older = forms.BooleanField(label=_("Waiting for more than 7 days"), required=False)

    def __init__(self, *args: Any, waiting: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["prescriber"]
        field.queryset = User.objects.filter(pk__in=waiting.values("prescriber")).order_by(
            "last_name", "first_name", "pk"
        )

    def filter(self, waiting: Any) -> Any:
        if not self.is_valid():
            return waiting
        data = self.cleaned_data
        if data["category"]:
            waiting = waiting.filter(category=data["category"])
        if data["pathway"]:
            waiting = waiting.filter(envelope__patient__pathway=data["pathway"])
        if data["prescriber"]:
            waiting = waiting.filter(prescriber=data["prescriber"])
        if data["older"]:
            waiting = waiting.filter(requested_at__lt=timezone.now() - datetime.timedelta(days=7))
        return waiting


class ExpenseForm(forms.Form):
    """Sessions done and the provider's invoice, on an approved request."""

    sessions = forms.IntegerField(label=_("Sessions done"), min_value=1, max_value=100)
    date = forms.DateField(label=_("Date of the last session"), widget=DateInput())
    amount = forms.DecimalField(
        label=_("Amount invoiced (€)"),
        min_value=Decimal("0.01"),
        max_digits=8,
        decimal_places=2,
        localize=True,
    )
    invoice = UploadField(
        label=_("The provider's invoice"),
        required=False,
        help_text=_("PDF or image."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
