"""After a hospital discharge: the windows it opens (a medical contact within 7 days, a
specialist one within 60), their boundaries in Paris with a frozen clock, the reminders before
they close and the break after, the contact recorded in one tap, the discharge told to the
team with the initials and a link only."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from patients.models import FollowUpWindow, PathwayEvent, Patient
from patients.pathway import (
    followup_contact_record,
    open_breaks,
    pathway_event_correct,
    pathway_event_create,
)
from reminders.models import Reminder
from tests.bell import assert_initials_only, reminder_mails_to, unread
from tests.conftest import World, client_for
from tests.reminders.conftest import PARIS, frozen, recipients, rows, sweep_at

# The discharge: ten days ago, so that every moment below, up to day 8, is in the past.
DAYS_AGO = 10


def discharge_day() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=DAYS_AGO)


def at(day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """Day `day` after the discharge, at that hour in Paris."""
    when = discharge_day() + datetime.timedelta(days=day)
    return datetime.datetime.combine(when, datetime.time(hour, minute), tzinfo=PARIS)


def stay(
    world: World, *, by=None, patient=None, discharged: datetime.date | None = None
) -> PathwayEvent:
    return pathway_event_create(
        patient=patient or world.own,
        by=by or world.coordinator,
        kind="hospitalisation",
        occurred_on=discharge_day() - datetime.timedelta(days=6),
        discharged_on=discharged or discharge_day(),
        cause="heart_failure",
        establishment="Clinique du Val de Lys",
        source="discharge_letter",
    )


def window(event: PathwayEvent, kind: str = "medical") -> FollowUpWindow:
    return FollowUpWindow.objects.select_related("contact").get(event=event, kind=kind)


def broken_kinds(today: datetime.date) -> list[str]:
    return [
        row[2] for row in open_breaks(Patient.objects.all(), today=today) if row[2] != "sic_overdue"
    ]


# --- The windows ------------------------------------------------------------------------------


def test_a_discharge_opens_a_medical_window_of_seven_days_and_a_specialist_one_of_sixty(
    world: World,
) -> None:
    event = stay(world)
    medical, specialist = window(event), window(event, "specialist")
    assert (medical.opens_on, medical.closes_on) == (
        discharge_day(),
        discharge_day() + datetime.timedelta(days=7),
    )
    assert specialist.closes_on == discharge_day() + datetime.timedelta(days=60)


def test_a_stay_recorded_at_admission_opens_its_windows_with_its_discharge(world: World) -> None:
    event = pathway_event_create(
        patient=world.own,
        by=world.nurse,
        kind="hospitalisation",
        occurred_on=discharge_day(),
        source="patient_call",
    )
    assert event.is_stay_open
    assert not FollowUpWindow.objects.filter(event=event).exists()
    pathway_event_correct(event=event, by=world.gp, discharged_on=discharge_day())
    assert FollowUpWindow.objects.filter(event=event).count() == 2
    # A corrected discharge moves the windows; the history keeps the first date.
    pathway_event_correct(
        event=event, by=world.gp, discharged_on=discharge_day() + datetime.timedelta(days=1)
    )
    assert window(event).closes_on == discharge_day() + datetime.timedelta(days=8)
    assert [h.discharged_on for h in event.history.order_by("history_date")] == [
        None,
        discharge_day(),
        discharge_day() + datetime.timedelta(days=1),
    ]


def test_a_discharge_before_the_admission_or_to_come_is_refused(world: World) -> None:
    with pytest.raises(ValidationError):
        stay(world, discharged=discharge_day() - datetime.timedelta(days=7))
    with pytest.raises(ValidationError):
        stay(world, discharged=timezone.localdate() + datetime.timedelta(days=1))


def test_day_seven_at_23_59_in_paris_is_in_the_window_and_the_next_day_is_a_break(
    world: World,
) -> None:
    stay(world)
    last_minute = at(7, 23, 59)
    with frozen(last_minute):
        assert window(FollowUpWindow.objects.get(kind="medical").event).state() == "open"
        assert broken_kinds(timezone.localdate()) == []
    sweep_at(last_minute)
    assert rows("followup_broken") == []
    # Half past midnight in Paris is still the 7th day in UTC: the day is Paris's.
    after_midnight = at(8, 0, 30)
    with frozen(after_midnight):
        assert FollowUpWindow.objects.get(kind="medical").state() == "broken"
        assert broken_kinds(timezone.localdate()) == ["medical"]
    sweep_at(after_midnight)
    assert recipients("followup_broken") == [world.coordinator.email]
    sweep_at(at(9))
    sweep_at(at(20))
    assert len(rows("followup_broken")) == 1


def test_the_gps_are_reminded_from_day_five_and_the_specialists_from_day_forty_five(
    world: World,
) -> None:
    stay(world)
    sweep_at(at(4, 23, 59))
    assert rows("followup_due") == []
    sweep_at(at(5, 0, 1))
    assert recipients("followup_due") == [world.gp.email]
    assert rows("followup_due")[0].context == {
        "date": (discharge_day() + datetime.timedelta(days=7)).isoformat(),
        "contact": "medical",
    }
    sweep_at(at(6))
    assert len(rows("followup_due")) == 1  # once per window
    sweep_at(at(44, 23))
    assert recipients("followup_due") == [world.gp.email]
    sweep_at(at(45, 8))
    assert sorted(recipients("followup_due")) == sorted([world.gp.email, world.specialist.email])


def test_a_contact_made_in_time_meets_the_window_and_no_break_follows(world: World) -> None:
    event = stay(world)
    sweep_at(at(5))
    assert len(unread(world.gp, "followup_due")) == 1
    url = f"/patients/{world.own.pk}/parcours/{event.pk}/"
    with frozen(at(6, 18)):
        assert f'action="{url}contact/"' in client_for(world.gp).get(url).content.decode()
        response = client_for(world.gp).post(f"{url}contact/", {"kind": "medical"})
    assert response.status_code == 302
    medical = window(event)
    assert medical.contact is not None
    assert medical.contact.contacted_on == at(6).date()
    assert medical.contact.by == world.gp
    assert medical.state(at(6).date()) == "met"
    assert unread(world.gp, "followup_due") == []  # the reminder is resolved
    assert window(event, "specialist").contact is None  # the other kind stays open
    sweep_at(at(8))
    sweep_at(at(9))
    assert rows("followup_broken") == []


def test_a_contact_on_another_day_with_a_note_is_one_form(world: World) -> None:
    event = stay(world)
    day = discharge_day() + datetime.timedelta(days=2)
    response = client_for(world.nurse).post(
        f"/patients/{world.own.pk}/parcours/{event.pk}/contact/",
        {"kind": "specialist", "contacted_on": day.isoformat(), "note": "Téléconsultation"},
    )
    assert response.status_code == 302
    contact = window(event, "specialist").contact
    assert (contact.contacted_on, contact.note, contact.by) == (
        day,
        "Téléconsultation",
        world.nurse,
    )


def test_a_late_contact_ends_the_break(world: World) -> None:
    event = stay(world)
    sweep_at(at(8))
    assert len(rows("followup_broken")) == 1
    with frozen(at(9)):
        followup_contact_record(patient=world.own, kind="medical", by=world.gp)
        assert broken_kinds(timezone.localdate()) == []
    assert window(event).state() == "late"
    assert unread(world.coordinator, "followup_broken") == []


def test_a_contact_before_the_discharge_meets_nothing(world: World) -> None:
    event = stay(world)
    followup_contact_record(
        patient=world.own,
        kind="medical",
        by=world.gp,
        on=discharge_day() - datetime.timedelta(days=1),
    )
    assert window(event).contact is None


def test_a_contact_cannot_be_in_the_future(world: World) -> None:
    with pytest.raises(ValidationError):
        followup_contact_record(
            patient=world.own,
            kind="medical",
            by=world.gp,
            on=timezone.localdate() + datetime.timedelta(days=1),
        )


# --- The discharge told to the team -----------------------------------------------------------


def test_the_discharge_is_told_to_the_team_with_the_initials_and_a_link_only(
    world: World, committed
) -> None:
    event = committed(lambda: stay(world, by=world.nurse))
    told = set(
        Reminder.objects.filter(kind="pathway_discharge").values_list("recipient__email", flat=True)
    )
    assert told == {
        world.coordinator.email,
        world.gp.email,
        world.pharmacist.email,
        world.specialist.email,
    }  # not who recorded it, nor the member who left
    (message,) = reminder_mails_to(world.gp)
    assert_initials_only(message, world.own)
    assert f"/patients/{world.own.pk}/parcours/{event.pk}/" in message.body
    html = message.alternatives[0][0]  # type: ignore[attr-defined]
    for text in (message.subject, message.body, html):
        for secret in ("Val de Lys", "cardiaque", "Heart failure", "insuffisance"):
            assert secret not in text


def test_the_discharge_page_offers_the_one_tap_contact(world: World) -> None:
    event = stay(world)
    page = client_for(world.gp).get(f"/patients/{world.own.pk}/parcours/{event.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('name="kind"') == 2  # one button per open window
    assert "Val de Lys" in html  # behind the login, the stay itself


def test_an_event_is_declared_from_the_patient_page(world: World) -> None:
    client = client_for(world.pharmacist)
    page = client.get(f"/patients/{world.own.pk}/")
    assert f"/patients/{world.own.pk}/parcours/nouveau/" in page.content.decode()
    response = client.post(
        f"/patients/{world.own.pk}/parcours/nouveau/",
        {
            "kind": "hospitalisation",
            "occurred_on": discharge_day().isoformat(),
            "cause": "diabetes",
            "establishment": "CH de Tourcoing",
            "source": "relative",
            "source_detail": "Appel de sa fille",
        },
    )
    event = PathwayEvent.objects.get(patient=world.own)
    assert response.url == f"/patients/{world.own.pk}/parcours/{event.pk}/"
    assert (event.recorded_by, event.is_stay_open) == (world.pharmacist, True)
    assert "CH de Tourcoing" in client.get(f"/patients/{world.own.pk}/").content.decode()


def test_a_death_is_recorded_only_once_confirmed(world: World) -> None:
    response = client_for(world.gp).post(
        f"/patients/{world.own.pk}/parcours/nouveau/",
        {"kind": "death", "occurred_on": discharge_day().isoformat(), "source": "relative"},
    )
    assert response.status_code == 200
    assert not PathwayEvent.objects.exists()
    world.own.refresh_from_db()
    assert world.own.status == "included"
