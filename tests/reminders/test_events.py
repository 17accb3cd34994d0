"""The reminders written when something happens (`reminders.events`): sent once the event's
transaction commits, through the bell and the recipient's channel; resolved by their target
once what they asked is done. And the bell names the patient to a reader in their scope, while
e-mails keep the initials."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from labparcours.models import AccessLogEntry
from reminders.events import reminders_notify, reminders_resolve
from reminders.manual import MANUAL
from reminders.models import Channel, Notification, NotificationPreference, Reminder
from reminders.registry import Kind
from tests.bell import assert_initials_only, unread
from tests.conftest import World, client_for
from tests.reminders.conftest import moment, sweep_at


def notify(world: World, *, to: dict, cycle: str = "", kind: Kind = MANUAL) -> list[int]:
    return reminders_notify(
        kind=kind,
        patient_id=world.own.pk,
        target_key=f"patient:{world.own.pk}:plan",
        to=to,
        context={"topic": "plan"},
        cycle=cycle,
    )


def test_the_rows_are_written_at_once_and_sent_on_commit(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ids = notify(world, to={world.nurse.pk: "/mes-actions/", world.gp.pk: "/mes-actions/"})
    assert Reminder.objects.filter(pk__in=ids).unsent().count() == 2
    assert not Notification.objects.exists()
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert Reminder.objects.filter(pk__in=ids, sent_at__isnull=False).count() == 2
    assert len(unread(world.nurse)) == len(unread(world.gp)) == 1
    assert len(mail.outbox) == 2


def test_each_recipient_gets_their_channel(
    world: World, django_capture_on_commit_callbacks
) -> None:
    NotificationPreference.objects.create(user=world.gp, kind="manual", channel=Channel.IN_APP)
    NotificationPreference.objects.create(user=world.nurse, kind="manual", channel=Channel.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            world,
            to={u.pk: "/mes-actions/" for u in (world.gp, world.nurse, world.pharmacist)},
        )
    assert [m.to for m in mail.outbox] == [[world.pharmacist.email]]
    assert all(unread(u) for u in (world.gp, world.nurse, world.pharmacist))
    assert Reminder.objects.get(recipient=world.nurse).state == "digest"


def test_an_occurrence_written_twice_is_one_reminder(world: World) -> None:
    first = notify(world, to={world.nurse.pk: "/"}, cycle="once")
    assert notify(world, to={world.nurse.pk: "/"}, cycle="once") == first
    assert Reminder.objects.count() == 1


def test_a_kind_found_by_a_rule_cannot_be_written_at_an_event(world: World) -> None:
    ruled = Kind("ruled", "ruled", (), "%(initials)s", lambda c, i: i)
    with pytest.raises(ValueError, match="by_hand"):
        notify(world, to={world.nurse.pk: "/"}, kind=ruled)


def test_the_sweep_sends_an_event_left_unsent_and_never_closes_it(world: World) -> None:
    """A broker down when the event committed: the next sweep sends it."""
    notify(world, to={world.nurse.pk: "/mes-actions/"})
    result = sweep_at(moment(0, 10))
    assert result.cancelled == 0
    assert Reminder.objects.get(recipient=world.nurse).sent_at is not None


def test_resolving_marks_read_and_cancels_what_is_not_sent(
    world: World, django_capture_on_commit_callbacks
) -> None:
    target = f"patient:{world.own.pk}:plan"
    with django_capture_on_commit_callbacks(execute=True):
        notify(world, to={world.nurse.pk: "/", world.gp.pk: "/"}, cycle="sent")
    waiting = notify(world, to={world.nurse.pk: "/"}, cycle="waiting")  # not sent yet
    resolved = reminders_resolve(targets=[target], recipients=[world.nurse.pk])
    assert (resolved.read, resolved.cancelled) == (1, 1)
    assert unread(world.nurse) == []
    assert unread(world.gp)  # another recipient's: untouched
    assert Reminder.objects.get(pk=waiting[0]).state == "cancelled"
    # Done is done: resolving again changes nothing.
    assert reminders_resolve(targets=[target]).read == 1  # the GP's, now
    assert reminders_resolve(targets=[target]).read == 0


def test_resolving_leaves_a_row_a_worker_is_sending(world: World) -> None:
    (pk,) = notify(world, to={world.nurse.pk: "/"})
    now = timezone.now()
    assert Reminder.objects.sendable(now).filter(pk=pk).claim(now)
    assert reminders_resolve(targets=[f"patient:{world.own.pk}:plan"]).cancelled == 0
    stale = now - datetime.timedelta(hours=2)
    Reminder.objects.filter(pk=pk).update(claimed_at=stale)
    assert reminders_resolve(targets=[f"patient:{world.own.pk}:plan"]).cancelled == 1


def test_resolving_by_kind_leaves_the_other_kinds(world: World) -> None:
    notify(world, to={world.nurse.pk: "/"})
    other = Kind("other", "other", (), "%(initials)s", lambda context, initials: initials)
    assert reminders_resolve(targets=[f"patient:{world.own.pk}:plan"], kinds=[other]).cancelled == 0
    assert Reminder.objects.unsent().count() == 1


# --- The bell names the patient; e-mails never do -------------------------------------------


@pytest.fixture
def rung(world: World, django_capture_on_commit_callbacks) -> World:
    with django_capture_on_commit_callbacks(execute=True):
        notify(world, to={u.pk: "/mes-actions/" for u in (world.nurse, world.former_member)})
    return world


def test_the_bell_names_the_patient_to_a_reader_in_scope_and_logs_it(rung: World) -> None:
    page = client_for(rung.nurse).get("/notifications/").content.decode()
    assert f"Relance de votre coordinatrice — {rung.own}" in page
    assert AccessLogEntry.objects.filter(
        user=rung.nurse, patient=rung.own, what="notifications"
    ).exists()


def test_a_member_who_left_the_team_reads_initials_only(rung: World) -> None:
    page = client_for(rung.former_member).get("/notifications/").content.decode()
    assert f"Relance de votre coordinatrice — {rung.own.initials}" in page
    assert rung.own.last_name not in page
    assert not AccessLogEntry.objects.filter(user=rung.former_member).exists()


def test_the_e_mail_of_the_same_reminder_gives_initials_only(rung: World) -> None:
    (message,) = [m for m in mail.outbox if rung.nurse.email in m.to]
    assert_initials_only(message, rung.own)


def test_reading_one_in_place_keeps_the_name(rung: World) -> None:
    notification = Notification.objects.get(user=rung.nurse)
    response = client_for(rung.nurse).post(
        f"/notifications/{notification.pk}/lue/", headers={"HX-Request": "true"}
    )
    assert str(rung.own) in response.content.decode()


def test_a_clinicians_bell_reads_a_constant_number_of_queries(
    world: World, django_assert_max_num_queries
) -> None:
    client = client_for(world.nurse)
    notify(world, to={world.nurse.pk: "/"}, cycle="0")
    Notification.objects.bulk_create(
        Notification(user=world.nurse, reminder=r) for r in Reminder.objects.all()
    )
    client.get("/notifications/")
    with django_assert_max_num_queries(20) as first:
        client.get("/notifications/")
    for i in range(1, 30):
        notify(world, to={world.nurse.pk: "/"}, cycle=str(i))
    Notification.objects.bulk_create(
        Notification(user=world.nurse, reminder=r) for r in Reminder.objects.exclude(cycle="0")
    )
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get("/notifications/").content.decode()
    assert page.count(f"— {world.own}") == 25  # each title of the page names him
