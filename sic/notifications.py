"""Invitation e-mails for a SIC, with its calendar file. No health data beyond initials."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from labparcours.mail import render_text
from patients.models import Patient
from patients.selectors import patient_audience
from sic.ics import sic_calendar
from sic.models import Sic, SicStatus


def invitation_recipients(sic: Sic) -> list[str]:
    """One address for each person of the patient's audience (the rule reminders follow):
    the members when the patient shares with the team, the patient and their delegated
    caregivers when the patient agreed to attend SICs. An exited patient's SIC invites
    nobody; its cancellation still reaches those the invitation reached."""
    audience = patient_audience(
        Patient.objects.filter(pk=sic.patient_id),
        attending=True,
        exited_too=sic.status == SicStatus.CANCELLED,
    )
    rows = [
        *audience.members.values_list("professional__user__email", "professional__email"),
        *audience.patients.values_list("user__email", "email"),
        *audience.caregivers.values_list("user__email", "email"),
    ]
    return sorted({(account or address).lower() for account, address in rows if account or address})


def send_sic_invitation_now(sic_id: int, email: str, sequence: int) -> bool:
    """E-mail one recipient the invitation (or cancellation) of version `sequence` of a SIC.

    Nothing is sent when the SIC has changed since (a newer invitation follows) — so a late
    retry never delivers an outdated date. Returns whether it was sent.
    """
    sic = Sic.objects.select_related("patient__user").get(pk=sic_id)
    if sic.scheduled_at is None or sic.ics_sequence != sequence:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "sic": sic,
            "initials": sic.patient.initials,
            "cancelled": sic.status == SicStatus.CANCELLED,
            "rescheduled": sic.ics_sequence > 0 and sic.status == SicStatus.SCHEDULED,
            "link": settings.SITE_URL + reverse("sic:detail", args=[sic.pk]),
        }
        subject = " ".join(render_text("emails/sic_invitation_subject.txt", context).split())
        text = render_text("emails/sic_invitation.txt", context)
        html = render_to_string("emails/sic_invitation.html", context)
    method = "CANCEL" if context["cancelled"] else "REQUEST"
    message = EmailMultiAlternatives(subject, text, to=[email])
    message.attach_alternative(html, "text/html")
    message.attach("sic.ics", sic_calendar(sic), f"text/calendar; method={method}; charset=utf-8")
    message.send()
    return True
