"""The patient's badges (pathway, status, team completeness), as tags rather than template
includes: a list page shows several per row, and an include per badge costs more than the row's
data (measured in BENCHMARKS.md on the coordinator dashboard)."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from patients.models import Pathway, Patient, PatientStatus

register = template.Library()

_PATHWAY: dict[str, tuple[str, str]] = {
    Pathway.HEART_FAILURE: ("badge--ic", "IC"),
    Pathway.DIABETES: ("badge--dt2", "DT2"),
}
_BOTH = ("badge--info", "IC + DT2")
_STATUS: dict[str, str] = {
    PatientStatus.INCLUDED: "badge--ok",
    PatientStatus.CANDIDATE: "badge--warn",
}


@register.simple_tag
def pathway_badge(patient: Patient) -> SafeString:
    css, label = _PATHWAY.get(patient.pathway, _BOTH)
    return format_html('<span class="badge {}">{}</span>', css, label)


@register.simple_tag
def status_badge(patient: Patient) -> SafeString:
    css = _STATUS.get(patient.status, "badge--muted")
    return format_html('<span class="badge {}">{}</span>', css, patient.get_status_display())


@register.simple_tag
def team_badge(missing: Sequence) -> SafeString:
    """« Complete », or how many required roles the team still lacks (named on hover)."""
    if not missing:
        return format_html('<span class="badge badge--ok">{}</span>', _("Complete"))
    n = len(missing)
    return format_html(
        '<span class="badge badge--danger" title="{}: {}">{}</span>',
        _("Missing"),
        format_html_join(", ", "{}", ((role.label,) for role in missing)),
        ngettext("%(n)s role missing", "%(n)s roles missing", n) % {"n": n},
    )
