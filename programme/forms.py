"""The forms of the indicators' pages: the filters (GET) and the evaluators' export."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from patients.models import Pathway
from programme.indicators import Filters
from teams.models import Membership, Professional, TeamRole

PARTS = ("numerator", "complement", "all")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class IndicatorFilterForm(forms.Form):
    """The period (by default the last twelve months) and the cohort's filters."""

    du = forms.DateField(label=_("From"), required=False, widget=DateInput())
    au = forms.DateField(label=_("To"), required=False, widget=DateInput())
    parcours = forms.ChoiceField(
        label=_("Pathway"), required=False, choices=[("", _("Every pathway")), *Pathway.choices]
    )
    medecin = forms.TypedChoiceField(
        label=_("GP"), required=False, coerce=int, empty_value=None, choices=[]
    )
    # The GPs are found by name: a national programme has thousands of them, too many for a
    # list (`gp_choices`).
    medecin_nom = forms.CharField(
        label=_("Find a GP"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "placeholder": _("Name…")}
        ),
    )
    equipe = forms.IntegerField(
        label=_("Team"), required=False, min_value=1, widget=forms.HiddenInput
    )
    territoire = forms.RegexField(
        label=_("Territory (postcode)"),
        required=False,
        regex=r"^\d{2,5}$",
        max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "59"}),
        error_messages={"invalid": _("The first 2 to 5 digits of a postcode.")},
    )

    def __init__(self, data: Any = None) -> None:
        default = Filters.default()
        super().__init__(data, initial={"du": default.start, "au": default.end})
        field = self.fields["medecin"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 — declared above
        given = data if data is not None else {}
        self.gp_search = str(given.get("medecin_nom", "")).strip()
        chosen = given.get("medecin")
        offered = gp_choices(search=self.gp_search, chosen=chosen)
        self.gp_found = len(offered) - (1 if _id(chosen) in {pk for pk, _name in offered} else 0)
        field.choices = [("", _("Every GP")), *offered]

    def gp_help(self) -> str:
        """What the GP search says under the list: how to search, or what it found."""
        if len(self.gp_search) < GP_SEARCH_MIN_LENGTH:
            return str(_("Type at least two letters of a name to find a GP."))
        if not self.gp_found:
            return str(_("No GP leading a team has this name."))
        if self.gp_found >= GP_CHOICES_SHOWN:
            return str(
                _("The first %(n)s GPs found: type more of the name to narrow the list.")
                % {"n": GP_CHOICES_SHOWN}
            )
        return str(
            ngettext(
                "%(n)s GP found: choose in the list.",
                "%(n)s GPs found: choose in the list.",
                self.gp_found,
            )
            % {"n": self.gp_found}
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("du"), data.get("au")
        if start and end and end < start:
            raise forms.ValidationError(_("The end of the period comes before its start."))
        if start and end and (end - start).days > 366 * 5:
            raise forms.ValidationError(_("Choose a period of at most five years."))
        return data

    def filters(self) -> Filters:
        """The filters read, the default period where none was given."""
        default = Filters.default()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        end = data.get("au") or default.end
        start = data.get("du") or (default.start if not data.get("au") else _year_before(end))
        return Filters(
            start=start,
            end=end,
            pathway=data.get("parcours") or "",
            gp=data.get("medecin"),
            team=data.get("equipe"),
            territory=data.get("territoire") or "",
        )


def _year_before(end: datetime.date) -> datetime.date:
    return Filters.default(end).start


# How many GPs found by name the filter offers at once; the searcher types more to narrow.
GP_CHOICES_SHOWN = 30
GP_SEARCH_MIN_LENGTH = 2


def gp_choices(*, search: str = "", chosen: object = None) -> list[tuple[int, str]]:
    """The GPs who lead a team today that the filter offers: the one chosen, then those whose
    name holds every word of `search` (at least two letters; the first `GP_CHOICES_SHOWN` by
    name). Never the whole directory: one or two small queries whatever its size."""
    leading = Professional.objects.filter(
        pk__in=Membership.objects.filter(role=TeamRole.GP, left_at__isnull=True).values(
            "professional_id"
        )
    ).order_by("last_name", "first_name", "pk")
    found: list[Professional] = []
    chosen_id = _id(chosen)
    if chosen_id is not None:
        found += leading.filter(pk=chosen_id)
    search = search.strip()
    if len(search) >= GP_SEARCH_MIN_LENGTH:
        found += leading.search(text=search).exclude(pk=chosen_id or 0)[:GP_CHOICES_SHOWN]
    return [(p.pk, f"{p.last_name.upper()} {p.first_name}") for p in found]


def _id(value: object) -> int | None:
    """A positive id read from a query string, else None (the field refuses it then)."""
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


class EvaluatorExportForm(forms.Form):
    du = forms.DateField(label=_("From"), widget=DateInput())
    au = forms.DateField(label=_("To"), widget=DateInput())
    parcours = forms.ChoiceField(
        label=_("Pathway"), required=False, choices=[("", _("Every pathway")), *Pathway.choices]
    )
    textes_libres = forms.BooleanField(
        label=_("Include the free texts"),
        required=False,
        help_text=_(
            "Minutes, contributions' texts, goals and actions as written: they may name "
            "people. Leave unticked unless the evaluation protocol needs them."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("du"), data.get("au")
        if start and end and end < start:
            raise forms.ValidationError(_("The end of the period comes before its start."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(start=data["du"], end=data["au"], pathway=data.get("parcours") or "")


class ReportForm(IndicatorFilterForm):
    format = forms.ChoiceField(
        label=_("Format"), choices=[("pdf", "PDF"), ("xlsx", "XLSX (Excel)")], initial="pdf"
    )


class ExperienceFilterForm(forms.Form):
    """The period and pathway of the experience summary (no team, GP nor territory: the
    fewer the forms, the easier a patient is recognised)."""

    def __init__(self, data: Any = None) -> None:
        default = Filters.default()
        super().__init__(data, initial={"du": default.start, "au": default.end})

    du = forms.DateField(label=_("From"), required=False, widget=DateInput())
    au = forms.DateField(label=_("To"), required=False, widget=DateInput())
    parcours = forms.ChoiceField(
        label=_("Pathway"), required=False, choices=[("", _("Every pathway")), *Pathway.choices]
    )

    def filters(self) -> Filters:
        default = Filters.default()
        data = self.cleaned_data
        end = data.get("au") or default.end
        start = data.get("du") or _year_before(end)
        if end < start:
            start = _year_before(end)
        return Filters(start=start, end=end, pathway=data.get("parcours") or "")
