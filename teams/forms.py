from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from teams.models import Profession, Professional, TeamRole


class ProfessionalForm(forms.ModelForm):
    class Meta:
        model = Professional
        fields = Professional.EDITABLE_FIELDS

    def clean_rpps(self) -> str:
        return (self.cleaned_data.get("rpps") or "").replace(" ", "")


class DirectorySearchForm(forms.Form):
    text = forms.CharField(label=_("Name or organisation"), required=False, max_length=100)
    profession = forms.ChoiceField(
        label=_("Profession"),
        choices=[("", _("All professions")), *Profession.choices],
        required=False,
    )
    city = forms.CharField(label=_("City"), required=False, max_length=100)


class MembershipForm(forms.Form):
    professional = forms.ModelChoiceField(
        label=_("Professional"), queryset=Professional.objects.all()
    )
    role = forms.ChoiceField(label=_("Role in the team"), choices=TeamRole.choices, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("professional") and not data.get("role"):
            data["role"] = data["professional"].default_team_role
        return data
