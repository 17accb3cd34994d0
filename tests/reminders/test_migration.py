"""The move of the ledger from `labparcours` to `reminders` keeps every row: a database
migrated before the move, with reminders, notifications and preferences in it, reads them all
through the new models once migrated forward."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from reminders.models import Notification, NotificationPreference, Reminder
from tests.factories import PatientFactory, UserFactory

BEFORE = [("labparcours", "0005_apitoken_expires_at"), ("reminders", None)]


def migrate(targets: list[tuple[str, str | None]]) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def state_before():
    return MigrationExecutor(connection).loader.project_state([BEFORE[0]]).apps


def leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.owner
@pytest.mark.django_db(transaction=True)
def test_it_keeps_every_reminder_across_the_move() -> None:
    user = UserFactory(role="coordinator")
    patient = PatientFactory(coordinator=user)
    migrate(BEFORE)
    old = state_before()
    OldReminder = old.get_model("labparcours", "Reminder")
    OldNotification = old.get_model("labparcours", "Notification")
    OldPreference = old.get_model("labparcours", "NotificationPreference")
    now = timezone.now()
    reminder = OldReminder.objects.create(
        kind="sic_overdue",
        recipient_id=user.pk,
        patient_id=patient.pk,
        target_key="sic:1",
        cycle="2026-03-01/0",
        link="/sic/1/",
        context={"date": "2026-03-01", "days": 3},
        created_at=now,
        sent_at=now,
        channel="email",
    )
    OldNotification.objects.create(user_id=user.pk, reminder_id=reminder.pk, created_at=now)
    OldPreference.objects.create(user_id=user.pk, kind="team_incomplete", channel="digest")

    migrate(leaves())

    moved = Reminder.objects.get(pk=reminder.pk)
    assert (moved.kind, moved.recipient, moved.patient, moved.cycle) == (
        "sic_overdue",
        user,
        patient,
        "2026-03-01/0",
    )
    assert moved.get_kind_display() == "SIC en retard"  # its label, from the registry
    assert Notification.objects.get(reminder=moved).user == user
    assert NotificationPreference.objects.channels([user.pk]) == {
        (user.pk, "team_incomplete"): "digest"
    }
    assert Reminder._meta.db_table == "labparcours_reminder"
    assert ContentType.objects.get_for_model(Reminder).app_label == "reminders"
