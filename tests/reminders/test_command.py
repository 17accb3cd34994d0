"""`manage.py send_reminders`, Celery beat's schedule and the admin (the demo's reminders:
tests/programme/test_seed_demo.py)."""

import io

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from labparcours.celery import app
from labparcours.models import AccessLogEntry
from reminders.models import Reminder
from tests.conftest import World, client_for
from tests.factories import planned_sic
from tests.reminders.conftest import frozen, moment


def send_reminders(*args: str) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue().strip()


def test_it_prints_what_it_sent_then_sends_nothing_the_second_time(world: World) -> None:
    planned_sic(world.own, due=moment(-3).date())
    with frozen(moment(0)):
        assert send_reminders() == "2 reminders sent, 0 skipped (already sent or on their way)"
        assert send_reminders() == "0 reminders sent, 2 skipped (already sent or on their way)"
    assert len(mail.outbox) == 1  # the coordinator's two reminders in one e-mail


def test_it_can_send_the_digests_at_once(world: World) -> None:
    from reminders.models import NotificationPreference

    NotificationPreference.objects.create(
        user=world.coordinator, kind="team_incomplete", channel="digest"
    )
    with frozen(moment(0)):
        output = send_reminders("--digest")
    assert output.splitlines() == [
        "0 reminders sent, 0 skipped (already sent or on their way), 1 kept for the daily digest",
        "Daily digests: 1 e-mails, 1 reminders in them",
    ]


def test_beat_runs_the_sweep_and_the_digest() -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE
    app.loader.import_default_modules()
    for entry in schedule.values():
        assert entry["task"] in app.tasks
        assert isinstance(entry["schedule"], crontab)
    tasks = {entry["task"] for entry in schedule.values()}
    assert {
        "reminders.tasks.sweep_reminders",
        "reminders.tasks.queue_reminder_digests",
    } <= tasks


def test_the_tasks_are_acknowledged_late_and_retried_a_bounded_number_of_times() -> None:
    app.loader.import_default_modules()
    for name in (
        "reminders.tasks.sweep_reminders",
        "reminders.tasks.send_reminder_batch",
        "reminders.tasks.queue_reminder_digests",
        "reminders.tasks.send_reminder_digest",
    ):
        task = app.tasks[name]
        assert task.acks_late is True
        assert task.max_retries == 5
        assert task.retry_backoff


@pytest.mark.parametrize(
    "url",
    [
        "/admin/reminders/reminder/",
        "/admin/reminders/notification/",
        "/admin/reminders/notificationpreference/",
    ],
)
def test_the_ledger_has_an_admin_page(world: World, url: str) -> None:
    planned_sic(world.own, due=moment(-3).date())
    with frozen(moment(0)):
        send_reminders()
    world.admin.is_superuser = True
    world.admin.save()
    page = client_for(world.admin).get(url)
    assert page.status_code == 200
    assert world.own.last_name not in page.content.decode()


def test_opening_a_reminder_in_the_admin_is_logged_and_changes_nothing(world: World) -> None:
    planned_sic(world.own, due=moment(-3).date())
    with frozen(moment(0)):
        send_reminders()
    world.admin.is_superuser = True
    world.admin.save()
    reminder = Reminder.objects.get(patient=world.own)
    client = client_for(world.admin)
    assert client.get(f"/admin/reminders/reminder/{reminder.pk}/change/").status_code == 200
    assert AccessLogEntry.objects.filter(patient=world.own, what="admin: reminder").exists()
    assert client.post(f"/admin/reminders/reminder/{reminder.pk}/delete/").status_code == 403
