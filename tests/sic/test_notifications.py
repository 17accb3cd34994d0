"""A SIC's events reach who must act and leave their lists once done: the invitation (and its
cancellation) under the bell of everyone invited — its e-mail is the calendar invitation, never
a second one —, each contribution submitted to the patient's coordinator, the reminders to
prepare and to record resolved when the SIC is held or cancelled."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from reminders.models import Channel, NotificationPreference, Reminder
from reminders.sweep import reminders_sweep
from sic.models import ContributionKind, Sic
from sic.selectors import contribution_for
from sic.services import contribution_save, sic_ensure_planned, sic_hold
from tests.bell import (
    assert_initials_only,
    kinds,
    mails_to,
    outsider_coordinator,
    reminder_mails_to,
    unread,
)
from tests.conftest import World, client_for, soon

INVITED = ("gp", "nurse", "pharmacist", "specialist", "patient_user", "caregiver_user")


@pytest.fixture
def planned(world: World) -> Sic:
    sic = sic_ensure_planned(patient=world.own)
    assert sic is not None
    return sic


def schedule(world: World, sic: Sic, committed, at: datetime.datetime) -> None:
    local = timezone.localtime(at)
    data = {"at": local.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 20, "video_url": ""}
    response = committed(
        lambda: client_for(world.coordinator).post(f"/sic/{sic.pk}/planifier/", data)
    )
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def scheduled(world: World, planned: Sic, committed) -> Sic:
    schedule(world, planned, committed, soon(10))
    planned.refresh_from_db()
    return planned


# --- The invitation → everyone invited, under the bell ----------------------------------------


def test_it_puts_the_invitation_in_the_bell_of_everyone_invited(
    world: World, scheduled: Sic
) -> None:
    for role in INVITED:
        user = world.user(role)
        (notification,) = unread(user, "sic_invited")
        link = "/mon-dossier/" if role.endswith(("patient_user", "caregiver_user")) else None
        assert notification.reminder.link == (link or f"/sic/{scheduled.pk}/")
        # One e-mail: the calendar invitation, not a reminder besides it.
        assert reminder_mails_to(user) == []
        (invitation,) = mails_to(user)
        assert invitation.attachments[0][0] == "sic.ics"
    outsider = outsider_coordinator()
    for user in (world.coordinator, outsider, world.former_member, world.admin):
        assert "sic_invited" not in kinds(user)


def test_the_invitation_stays_in_the_app_whatever_the_channel(
    world: World, planned: Sic, committed
) -> None:
    NotificationPreference.objects.create(
        user=world.nurse, kind="sic_invited", channel=Channel.EMAIL
    )
    schedule(world, planned, committed, soon(10))
    assert unread(world.nurse, "sic_invited")
    assert reminder_mails_to(world.nurse) == []
    page = client_for(world.nurse).get("/compte/notifications/")
    assert "sic_invited" not in page.context["form"].fields
    assert "Invitation à une SIC" in page.content.decode()


def test_the_bell_names_the_patient_the_invitation_gives_the_date(
    world: World, scheduled: Sic
) -> None:
    page = client_for(world.nurse).get("/notifications/").content.decode()
    assert f"Invitation à la SIC — {world.own}" in page
    assert "Vous êtes invité·e à la SIC du patient" in page


def test_rescheduling_replaces_the_invitation(world: World, scheduled: Sic, committed) -> None:
    schedule(world, scheduled, committed, soon(12))
    (notification,) = unread(world.nurse, "sic_invited")
    assert notification.reminder.context["rescheduled"] is True
    assert len(kinds(world.nurse)) == 1
    assert Reminder.objects.filter(recipient=world.nurse, kind="sic_invited").count() == 2


def test_scheduling_resolves_the_reminders_to_schedule(
    world: World, planned: Sic, committed
) -> None:
    Sic.objects.filter(pk=planned.pk).update(due_date=timezone.localdate() - datetime.timedelta(3))
    reminders_sweep(inline=True)
    assert unread(world.coordinator, "sic_overdue")
    schedule(world, planned, committed, soon(10))
    assert unread(world.coordinator, "sic_overdue") == []


def test_answering_the_invitation_resolves_it_for_oneself_only(
    world: World, scheduled: Sic, committed
) -> None:
    response = committed(
        lambda: client_for(world.nurse).post(f"/sic/{scheduled.pk}/reponse/", {"attending": "yes"})
    )
    assert response.status_code == 302
    assert unread(world.nurse, "sic_invited") == []
    assert unread(world.gp, "sic_invited")


# --- Cancelled, held → what the SIC asked is done ---------------------------------------------


def test_cancelling_resolves_the_invitation_and_tells_the_invited(
    world: World, scheduled: Sic, committed
) -> None:
    mail.outbox.clear()
    response = committed(
        lambda: client_for(world.coordinator).post(
            f"/sic/{scheduled.pk}/annuler/", {"reason": "Hospitalisation"}
        )
    )
    assert response.status_code == 302
    for role in INVITED:
        user = world.user(role)
        assert unread(user, "sic_invited") == []
        (notification,) = unread(user, "sic_cancelled")
        assert reminder_mails_to(user) == []  # the calendar's cancellation is the e-mail
    assert "sic_cancelled" not in kinds(world.former_member)


def test_holding_resolves_every_reminder_of_the_sic(
    world: World, scheduled: Sic, committed
) -> None:
    Sic.objects.filter(pk=scheduled.pk).update(scheduled_at=timezone.now() - datetime.timedelta(2))
    reminders_sweep(inline=True)
    assert unread(world.coordinator, "sic_to_record")
    committed(
        lambda: sic_hold(
            sic=scheduled,
            by=world.coordinator,
            minutes="Point sur le traitement",
            patient_present=True,
            caregiver_present=False,
            present_memberships=[],
            decisions=["Marcher 20 minutes par jour"],
        )
    )
    for user in (world.coordinator, world.gp, world.nurse, world.patient_user):
        assert [n for n in unread(user) if n.reminder.target_key.startswith("sic:")] == []
    assert (
        not Reminder.objects.unsent().filter(target_key__startswith=f"sic:{scheduled.pk}").exists()
    )


# --- A contribution submitted → the patient's coordinator -------------------------------------


def submit(world: World, sic: Sic, role: str, kind: str, committed) -> None:
    user = world.user(role)
    contribution = contribution_for(sic=sic, kind=kind, user=user)
    committed(
        lambda: contribution_save(
            contribution=contribution, by=user, content={"history": "x"}, submit=True
        )
    )


def test_a_contribution_submitted_tells_the_coordinator_the_progress(
    world: World, scheduled: Sic, committed
) -> None:
    outsider = outsider_coordinator()
    mail.outbox.clear()
    submit(world, scheduled, "gp", ContributionKind.GP_SUMMARY, committed)
    (notification,) = unread(world.coordinator, "contribution_submitted")
    assert notification.reminder.link == f"/sic/{scheduled.pk}/"
    assert notification.reminder.context["received"] == 1
    assert notification.reminder.context["expected"] == 5  # GP, nurse, pharmacist, cardio, form
    (message,) = reminder_mails_to(world.coordinator)
    assert_initials_only(message, world.own)
    assert "1 reçues sur 5" in message.body
    for user in (outsider, world.gp, world.nurse, world.admin, world.patient_user):
        assert "contribution_submitted" not in kinds(user)
    # Saved again (a correction), it is not told twice.
    submit(world, scheduled, "gp", ContributionKind.GP_SUMMARY, committed)
    assert Reminder.objects.filter(kind="contribution_submitted").count() == 1


def test_a_coordinator_may_take_the_progress_in_the_daily_digest(
    world: World, scheduled: Sic, committed
) -> None:
    NotificationPreference.objects.create(
        user=world.coordinator, kind="contribution_submitted", channel=Channel.DIGEST
    )
    mail.outbox.clear()
    submit(world, scheduled, "nurse", ContributionKind.NURSING_ASSESSMENT, committed)
    assert unread(world.coordinator, "contribution_submitted")
    assert reminder_mails_to(world.coordinator) == []
    assert Reminder.objects.get(kind="contribution_submitted").state == "digest"


def test_submitting_resolves_ones_reminder_to_contribute(
    world: World, scheduled: Sic, committed
) -> None:
    Sic.objects.filter(pk=scheduled.pk).update(scheduled_at=soon(2))
    reminders_sweep(inline=True)
    assert unread(world.nurse, "contribution")
    assert unread(world.gp, "contribution")
    assert unread(world.patient_user, "patient_form")
    submit(world, scheduled, "nurse", ContributionKind.NURSING_ASSESSMENT, committed)
    assert unread(world.nurse, "contribution") == []
    assert unread(world.gp, "contribution")  # the GP's own is still missing
    submit(world, scheduled, "caregiver_user", ContributionKind.PATIENT_EXPERIENCE, committed)
    assert unread(world.patient_user, "patient_form") == []
    assert unread(world.caregiver_user, "patient_form") == []
