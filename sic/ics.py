"""iCalendar invitations: one UID per SIC, a SEQUENCE that grows with each change."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from sic.models import Sic, SicStatus


def sic_calendar(sic: Sic) -> bytes:
    """A REQUEST for a scheduled SIC, a CANCEL for a cancelled one.

    The summary names the patient by initials only: calendars travel far.
    """
    cancelled = sic.status == SicStatus.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", "-//Lab Parcours//SIC//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", f"{sic.uid}@labparcours")
    event.add("sequence", sic.ics_sequence)
    event.add("dtstamp", timezone.now())
    if sic.scheduled_at is None or sic.ends_at is None:
        raise ValueError("Only a scheduled SIC has a calendar event.")
    start = timezone.localtime(sic.scheduled_at)
    event.add("dtstart", start)
    event.add("dtend", start + (sic.ends_at - sic.scheduled_at))
    event.add("summary", f"SIC Lab Parcours — {sic.patient.initials}")
    link = settings.SITE_URL + reverse("sic:detail", args=[sic.pk])
    event.add("description", f"Visio : {sic.video_url}\nPréparation : {link}")
    event.add("location", vText(sic.video_url))
    event.add("url", link)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].strip('> ')}")
    organizer.params["cn"] = vText("Lab Parcours")
    event["organizer"] = organizer
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
