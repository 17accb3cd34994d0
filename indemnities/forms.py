"""The indemnities' page forms: they check what was typed; the services decide."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from indemnities.models import IndemnityLineQuerySet, IndemnityRate, validate_bic, validate_iban
from patients.forms import DateInput
from teams.models import PracticeMode, Profession, Professional


class BankAccountForm(forms.Form):
    """A professional's bank details. The IBAN is typed in full each time: the page shows it
    masked only."""

    holder = forms.CharField(label=_("Account holder"), max_length=70)
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=42,  # 34 characters, and the spaces of its groups of four
        validators=[validate_iban],
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    bic = forms.CharField(
        label=_("BIC"),
        max_length=14,
        required=False,
        validators=[validate_bic],
        help_text=_("Optional within the SEPA zone."),
    )


class LineFilterForm(forms.Form):
    """The filters of the lines to approve: a period of work and a professional."""

    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    professional = forms.ModelChoiceField(
        label=_("Professional"),
        queryset=Professional.objects.filter(practice_mode=PracticeMode.LIBERAL).order_by(
            "last_name", "first_name", "pk"
        ),
        required=False,
        empty_label=_("All professionals"),
    )

    def filter(self, lines: IndemnityLineQuerySet) -> IndemnityLineQuerySet:
        if not self.is_valid():
            return lines
        data = self.cleaned_data
        if data["date_from"]:
            lines = lines.filter(worked_on__gte=data["date_from"])
        if data["date_to"]:
            lines = lines.filter(worked_on__lte=data["date_to"])
        if data["professional"]:
            lines = lines.filter(professional=data["professional"])
        return lines


def _last_month() -> tuple[datetime.date, datetime.date]:
    first_of_this_month = timezone.localdate().replace(day=1)
    end = first_of_this_month - datetime.timedelta(days=1)
    return end.replace(day=1), end


class BatchBuildForm(forms.Form):
    """« Constituer un lot »: the period of work it pays and the day of the transfers."""

    period_start = forms.DateField(label=_("Work from"), widget=DateInput())
    period_end = forms.DateField(label=_("Work until"), widget=DateInput())
    execution_date = forms.DateField(label=_("Transfer date"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        start, end = _last_month()
        kwargs.setdefault(
            "initial",
            {"period_start": start, "period_end": end, "execution_date": timezone.localdate()},
        )
        super().__init__(*args, **kwargs)


class MarkPaidForm(forms.Form):
    paid_on = forms.DateField(label=pgettext_lazy("payment batch", "Paid on"), widget=DateInput())
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=100)


REPORT_SPAN = datetime.timedelta(days=5 * 366)


class ReportForm(forms.Form):
    """The period (and profession) of the admin's reports and exports."""

    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("To"), widget=DateInput())
    profession = forms.ChoiceField(
        label=_("Profession"),
        choices=[("", _("All professions")), *Profession.choices],
        required=False,
    )

    @staticmethod
    def defaults() -> dict[str, str]:
        """This year so far."""
        today = timezone.localdate()
        return {"date_from": str(today.replace(month=1, day=1)), "date_to": str(today)}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The period ends before it starts."))
        elif start and end and end - start > REPORT_SPAN:
            self.add_error("date_to", _("A report covers five years at most."))
        return data


class ExportForm(ReportForm):
    what = forms.ChoiceField(
        label=_("Rows"),
        choices=[("professionnels", _("Per professional")), ("lignes", _("Lines"))],
    )
    format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")])


class RateForm(forms.ModelForm):
    """A new rate: what a kind of work pays, for a profession or all, from a day (to a day)."""

    class Meta:
        model = IndemnityRate
        fields = ("kind", "profession", "amount", "valid_from", "valid_until")
        widgets: ClassVar = {"valid_from": DateInput(), "valid_until": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        profession = cast(forms.ChoiceField, self.fields["profession"])
        profession.choices = [("", _("Every profession")), *Profession.choices]


class RateEndForm(forms.Form):
    """The last day a rate is in force; the work done after it takes the next rate."""

    valid_until = forms.DateField(label=_("Last day"), widget=DateInput())
