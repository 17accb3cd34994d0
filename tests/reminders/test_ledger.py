"""The ledger: written before sending, unique per kind, target, recipient and cycle; a retry,
a second sweep, a second worker or a dead worker sends nothing twice and loses nothing."""

import datetime
import smtplib
import threading
from collections import Counter

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import IntegrityError, connection, transaction
from kombu.exceptions import OperationalError

from reminders.models import Notification, Reminder
from reminders.sending import reminders_send
from reminders.sweep import reminders_sweep
from sic.services import sic_schedule
from tests.conftest import World
from tests.factories import planned_sic
from tests.reminders.conftest import frozen, moment, outbox_to, sweep_at


@pytest.fixture
def due(world: World) -> World:
    """A SIC in 5 days with every contribution missing (six people to remind), plus the
    other patient's incomplete team (the coordinator)."""
    return with_sic_due(world)


@pytest.fixture
def fresh_due(fresh_world: World) -> World:
    """The same, in a world of its own (for the tests that commit)."""
    return with_sic_due(fresh_world)


def with_sic_due(world: World) -> World:
    sic = planned_sic(world.own, due=moment(5).date())
    sic_schedule(sic=sic, at=moment(5, 14))
    # The invitation's rows, written by the scheduling and sent when it commits, are not what
    # these tests count: the sweep's own rows are.
    Reminder.objects.all().delete()
    mail.outbox.clear()
    return world


@pytest.fixture
def failing_for(monkeypatch) -> set[str]:
    """Addresses the mail server refuses, as a dying SMTP connection would."""
    refused: set[str] = set()
    send = locmem.EmailBackend.send_messages

    def send_messages(self, messages):
        for message in messages:
            if refused & set(message.to):
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return send(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", send_messages)
    return refused


def test_a_second_sweep_sends_nothing(due: World) -> None:
    first = sweep_at(moment(0))
    assert first.sent == first.due == Reminder.objects.count() == 7
    sent = len(mail.outbox)
    assert sent == 7  # one e-mail per recipient
    second = sweep_at(moment(0, 11))
    assert (second.sent, second.recorded, second.skipped) == (0, 0, 7)
    assert len(mail.outbox) == sent
    assert not Reminder.objects.unsent().exists()


def test_the_ledger_refuses_a_duplicate(due: World) -> None:
    sweep_at(moment(0))
    row = Reminder.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            kind=row.kind,
            target_key=row.target_key,
            recipient=row.recipient,
            cycle=row.cycle,
            patient=row.patient,
            link=row.link,
        )


def test_a_claimed_row_cannot_be_claimed_again(due: World) -> None:
    sweep_at(moment(0), inline=False)  # on_commit never runs here: nothing is queued
    ids = list(Reminder.objects.values_list("pk", flat=True))
    with frozen(moment(0)):
        assert Reminder.objects.sendable(moment(0)).filter(pk__in=ids).claim(moment(0))
        assert Reminder.objects.sendable(moment(0)).filter(pk__in=ids).claim(moment(0)) is None
        report = reminders_send(ids)
    assert (report.sent, report.taken_elsewhere) == (0, len(ids))
    assert mail.outbox == []


def test_a_task_run_twice_sends_once(due: World) -> None:
    sweep_at(moment(0), inline=False)
    ids = list(Reminder.objects.values_list("pk", flat=True))
    with frozen(moment(0)):
        assert reminders_send(ids).sent == 7
        assert reminders_send(ids).sent == 0
    assert len(mail.outbox) == 7


def test_a_sweep_after_a_failure_resends_exactly_the_unsent(
    due: World, failing_for: set[str]
) -> None:
    failing_for.add(due.nurse.email)
    first = sweep_at(moment(0))
    assert (first.sent, first.failed) == (6, 1)
    assert outbox_to(due.nurse.email) == []
    row = Reminder.objects.get(recipient=due.nurse)
    assert (row.sent_at, row.attempts, row.state) == (None, 1, "retrying")
    assert "SMTPServerDisconnected" in row.last_error
    assert row.notification  # the bell has it already

    # Too early for a retry: nothing goes.
    assert sweep_at(moment(0, 5)).sent == 0
    failing_for.clear()
    before = len(mail.outbox)
    again = sweep_at(moment(0, 9, 15))
    assert again.sent == 1
    assert [m.to for m in mail.outbox[before:]] == [[due.nurse.email]]
    assert not Reminder.objects.unsent().exists()
    # The retry's notification is the first attempt's: one under the bell.
    assert Notification.objects.filter(reminder=row).count() == 1


def test_retries_wait_longer_each_time_then_stop(due: World, failing_for: set[str], settings):
    failing_for.add(due.nurse.email)
    settings.LABPARCOURS_REMINDER_MAX_ATTEMPTS = 3
    when = moment(0, 8)
    waits = []
    for _ in range(5):
        sweep_at(when)
        row = Reminder.objects.get(recipient=due.nurse)
        if row.state == "failed":
            break
        waits.append(row.next_attempt_at - when)
        when = row.next_attempt_at
    assert waits == [datetime.timedelta(minutes=10), datetime.timedelta(minutes=20)]
    assert (row.attempts, row.state, row.sent_at) == (3, "failed", None)
    sweep_at(when + datetime.timedelta(hours=5))
    assert Reminder.objects.get(recipient=due.nurse).attempts == 3


def test_a_worker_killed_mid_send_loses_nothing(due: World, settings) -> None:
    sweep_at(moment(0, 8), inline=False)
    ids = list(Reminder.objects.values_list("pk", flat=True))
    # A worker claimed the rows, then died before sending (its claim is never released).
    assert Reminder.objects.filter(pk__in=ids).claim(moment(0, 8))
    assert sweep_at(moment(0, 8, 5)).sent == 0
    assert mail.outbox == []
    settings.LABPARCOURS_REMINDER_CLAIM_MINUTES = 15
    assert sweep_at(moment(0, 8, 16)).sent == 7
    assert len(mail.outbox) == 7


class Killed(BaseException):
    """The worker's process dies (SIGKILL, OOM): not an error any code of ours catches."""


def test_a_worker_killed_mid_batch_sends_again_only_the_e_mail_in_flight(
    due: World, monkeypatch, settings
) -> None:
    sweep_at(moment(0, 8), inline=False)
    ids = list(Reminder.objects.values_list("pk", flat=True))
    send = locmem.EmailBackend.send_messages
    accepted: list[str] = []

    def dies_after_the_fourth(self, messages):
        sent = send(self, messages)
        accepted.extend(address for message in messages for address in message.to)
        if len(accepted) == 4:
            raise Killed  # the mail server took the 4th e-mail; its UPDATE never ran
        return sent

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", dies_after_the_fourth)
    with frozen(moment(0, 8)), pytest.raises(Killed):
        reminders_send(ids)
    rows = list(Reminder.objects.filter(pk__in=ids).order_by("recipient_id"))
    assert [r.recipient.email for r in rows[:4]] == accepted
    assert all(r.sent_at for r in rows[:3])  # accepted, and marked at once
    assert all(r.sent_at is None and r.claim_token for r in rows[3:])  # in flight, and after

    # Its claim expires; a sweep sends the rest, the 4th (in flight) a second time.
    monkeypatch.undo()
    settings.LABPARCOURS_REMINDER_CLAIM_MINUTES = 15
    assert sweep_at(moment(0, 8, 10)).sent == 0  # claimed still
    assert sweep_at(moment(0, 8, 16)).sent == 4
    received = Counter(address for message in mail.outbox for address in message.to)
    assert sorted(received.values()) == [1] * 6 + [2]  # 0 lost; duplicated: the one in flight
    assert received[accepted[3]] == 2
    assert not Reminder.objects.unsent().exists()


def test_a_broker_down_loses_nothing(
    due: World, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from reminders.tasks import send_reminder_batch, sweep_reminders

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_reminder_batch, "delay", broker_down)
    with frozen(moment(0)), django_capture_on_commit_callbacks(execute=True):
        sweep_reminders()  # the beat task: queues the batches after the commit
    assert mail.outbox == []
    assert Reminder.objects.unsent().count() == 7

    monkeypatch.undo()
    with frozen(moment(0, 10)), django_capture_on_commit_callbacks(execute=True):
        queued = sweep_reminders()  # Celery runs the batches eagerly in the tests
    assert queued == 7
    assert len(mail.outbox) == 7
    assert not Reminder.objects.unsent().exists()


def test_a_reminder_no_longer_due_is_not_sent(due: World, failing_for: set[str]) -> None:
    failing_for.add(due.nurse.email)
    sweep_at(moment(0))
    failing_for.clear()
    due.nurse.professional.memberships.get().leave()
    sweep_at(moment(0, 12))
    row = Reminder.objects.get(recipient=due.nurse)
    assert (row.state, row.sent_at) == ("cancelled", None)
    assert outbox_to(due.nurse.email) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_record_and_send_each_reminder_once(needs_postgres, fresh_due: World):
    start = threading.Barrier(2)
    results, errors = [], []

    def sweep() -> None:
        try:
            start.wait(timeout=10)
            results.append(reminders_sweep(inline=True))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == 2
    keys = list(Reminder.objects.values_list("kind", "target_key", "recipient_id", "cycle"))
    assert len(keys) == len(set(keys)) == 7
    assert sum(r.sent for r in results) == 7
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Reminder.objects.values_list("recipient__email", flat=True)
    )
    assert Reminder.objects.filter(kind="contribution").count() == 4


@pytest.mark.postgres
def test_a_worker_claims_its_batch_by_id_whatever_the_unsent_rows(
    needs_postgres, world: World
) -> None:
    """Statistics taken while every row was sent, then thousands of unsent rows written (as a
    sweep does, too few for the automatic ANALYZE): the claim probes its batch's rows by id,
    it reads no other unsent row."""

    def rows(n: int, **fields: object) -> list[Reminder]:
        return Reminder.objects.bulk_create(
            Reminder(
                kind="sic_due",
                recipient=world.coordinator,
                patient=world.own,
                target_key=f"sic:{fields.get('cycle', 'x')}:{i}",
                cycle="2026-01-01",
                link="/",
                sent_at=fields.get("sent_at"),
            )
            for i in range(n)
        )

    rows(3000, sent_at=moment(-1), cycle="sent")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE labparcours_reminder")
    batch = [r.pk for r in rows(3000)][1000:1010]
    claim = (
        Reminder.objects.sendable(moment(0))
        .filter(pk__in=batch)
        .select_for_update(skip_locked=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sql, params = claim.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0][0]["Plan"]

    def read(node: dict) -> int:
        """The rows the plan's scans read: kept and removed by their filters."""
        here = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
        scans = "Scan" in node["Node Type"]
        return (here if scans else 0) + sum(read(child) for child in node.get("Plans", []))

    assert read(plan) == len(batch)


def test_the_bell_lists_a_batch_in_its_reminders_order(world: World) -> None:
    """The notifications of one sending share their moment: their order on the bell's page
    (newest first) follows their reminders', whatever order the ledger reads them in."""
    Reminder.objects.all().delete()
    written = [
        Reminder.objects.create(
            kind="sic_overdue",
            recipient=world.coordinator,
            patient=world.own,
            target_key=f"sic:{n}",
            cycle="2026-01-01",
            link="/sic/",
            created_at=moment(0) - datetime.timedelta(hours=3 - n),
        )
        for n in range(3)
    ]
    with frozen(moment(0)):
        assert reminders_send([r.pk for r in written]).taken_elsewhere == 0
    shown = [n.reminder for n in Notification.objects.filter(user=world.coordinator)]
    assert shown == written[::-1]  # the bell's order: the newest reminder first
