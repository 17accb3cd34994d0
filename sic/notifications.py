"""Invitation e-mails for a SIC, with its calendar file. No health data beyond initials."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from labparcours.mail import render_text
from patients.models import ConsentKind
from sic.ics import sic_calendar
from sic.models import Sic, SicStatus
from teams.models import Membership


def invitation_recipients(sic: Sic) -> list[str]:
    """Active members, the patient (if they agreed to attend SICs) and their delegated
    caregivers: one address each."""
    emails: list[str] = []
    members = Membership.objects.active().filter(team__patient_id=sic.patient_id)
    for member in members.select_related("professional__user"):
        pro = member.professional
        emails.append(pro.user.email if pro.user else pro.email)
    patient = sic.patient
    if patient.consents.active().filter(kind=ConsentKind.SIC_ATTENDANCE).exists():
        emails.append(patient.user.email if patient.user else patient.email)
        delegated = patient.caregivers.filter(
            consents__kind=ConsentKind.CAREGIVER_DELEGATION, consents__withdrawn_at__isnull=True
        )
        emails.extend(c.user.email if c.user else c.email for c in delegated.select_related("user"))
    return sorted({e.lower() for e in emails if e})


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
