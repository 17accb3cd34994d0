"""A SIC's state as a badge, a tag rather than a template include: the lists show one per row
(see patients/templatetags/patient_badges.py)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from labparcours.choices import display
from sic.models import Sic, SicStatus

register = template.Library()

_STATUS: dict[str, str] = {
    SicStatus.HELD: "badge--ok",
    SicStatus.CANCELLED: "badge--muted",
    SicStatus.SCHEDULED: "badge--info",
}


@register.simple_tag
def sic_status_badge(sic: Sic) -> SafeString:
    """To record (its time is over), overdue (past its due date), else its status."""
    if sic.awaits_record:
        return format_html('<span class="badge badge--warn">{}</span>', _("To record"))
    if sic.is_overdue:
        return format_html('<span class="badge badge--danger">{}</span>', _("Overdue"))
    css = _STATUS.get(sic.status, "badge--warn")
    return format_html('<span class="badge {}">{}</span>', css, display(sic, "status"))
