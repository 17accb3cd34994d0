"""The sweep reads the programme with a fixed number of queries, whatever its size, and
writes the ledger a slice at a time; sending costs a fixed number of queries per batch plus
one UPDATE per e-mail (not per reminder); the reminder pages read a fixed number of queries
too."""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from labparcours.models import Role, User
from reminders import registry
from reminders.models import Channel, Notification, NotificationPreference, Reminder
from reminders.registry import Candidate
from reminders.sending import reminders_send
from reminders.sweep import reminders_sweep
from tests.conftest import World, client_for
from tests.factories import planned_sic
from tests.reminders.bulk import add_programme
from tests.reminders.conftest import frozen, moment, sweep_at


def sweep_queries(world: World, n: int) -> tuple[list[str], int]:
    Reminder.objects.all().delete()
    add_programme(world, n)
    with CaptureQueriesContext(connection) as queries:
        result = reminders_sweep(now=moment(0))
    return [q["sql"] for q in queries.captured_queries], result.recorded


def is_ledger_insert(sql: str) -> bool:
    # SQLite's log names a statement run for many rows "1000 times: INSERT …".
    return 'INSERT INTO "labparcours_reminder"' in sql


def bulk_statements(model: type[Model], rows: int, most: int | None = None) -> int:
    """INSERT statements for `rows` rows in one bulk insert: one, unless the database caps
    the parameters of a statement (SQLite's cap, where Django splits it)."""
    cap = connection.ops.bulk_batch_size(
        [f for f in model._meta.concrete_fields if not f.primary_key], [None] * rows
    )
    return -(-rows // min(cap, most or rows))


def test_a_sweep_reads_as_much_for_2000_patients_as_for_20_and_writes_per_slice(
    world: World,
) -> None:
    few, recorded_few = sweep_queries(world, 20)
    many, recorded_many = sweep_queries(world, 1980)
    # Every rule found something in both (a plan reminder for the coordinator per patient…).
    assert set(Reminder.objects.values_list("kind", flat=True)) >= {
        "sic_due",
        "sic_overdue",
        "contribution",
        "sic_tomorrow",
        "plan_unanswered",
        "actions_late",
        "team_incomplete",
    }
    assert recorded_many > 100 * recorded_few / 2
    # (Thousands of rows reach the ledger through a staging table: created, copied, dropped.)
    reads_few = [q for q in few if q.startswith("SELECT")]
    reads_many = [q for q in many if q.startswith("SELECT")]
    # A few set-based reads per rule, whatever the programme's size (13 rules: 31 reads),
    # and none of the ledger before writing it: its unique index leaves out what is there.
    assert len(reads_many) == len(reads_few) <= 3 * len(list(registry.rules()))
    assert not [q for q in many if q.startswith('SELECT "labparcours_reminder"."kind"')]
    # The ledger is written in one statement, however many rows.
    assert recorded_many > 5000
    assert len([q for q in many if is_ledger_insert(q)]) == 1


def candidates(world: World, n: int) -> list[Candidate]:
    return [
        Candidate("sic_due", world.coordinator.pk, world.own.pk, f"sic:{i:05d}", "2026-01-01", "/")
        for i in range(n)
    ]


def test_the_ledger_is_written_in_one_statement_each_row_once(world: World, monkeypatch) -> None:
    monkeypatch.setattr(registry, "_RULES", [lambda now: candidates(world, 1200)])
    assert reminders_sweep(now=moment(0)).recorded == 1200
    monkeypatch.setattr(registry, "_RULES", [lambda now: candidates(world, 2500)])
    with CaptureQueriesContext(connection) as queries:
        result = reminders_sweep(now=moment(0))
    inserts = [q["sql"] for q in queries.captured_queries if is_ledger_insert(q["sql"])]
    # 2,500 candidates, 1,200 in the ledger already: its unique index leaves them out.
    assert (result.due, result.recorded, result.queued, result.skipped) == (2500, 1300, 2500, 0)
    assert len(inserts) == 1
    assert Reminder.objects.filter(kind="sic_due", target_key__startswith="sic:").count() == 2500
    with CaptureQueriesContext(connection) as queries:
        again = reminders_sweep(now=moment(0))
    assert (again.recorded, again.queued) == (0, 2500)
    assert len([q for q in queries.captured_queries if is_ledger_insert(q["sql"])]) == 1
    assert Reminder.objects.filter(kind="sic_due", target_key__startswith="sic:").count() == 2500


def test_what_the_ledger_holds_already_is_left_out_and_counted_as_skipped(
    world: World, monkeypatch
) -> None:
    monkeypatch.setattr(registry, "_RULES", [lambda now: candidates(world, 30)])
    first = reminders_sweep(now=moment(0))
    assert (first.due, first.recorded, first.queued, first.skipped) == (30, 30, 30, 0)
    Reminder.objects.filter(pk__in=first.batches[0]).update(sent_at=moment(0))
    monkeypatch.setattr(registry, "_RULES", [lambda now: candidates(world, 40)])
    second = reminders_sweep(now=moment(0, 11))
    # The first 30 were sent: only the 10 new ones are written and handed to sending.
    assert (second.due, second.recorded, second.queued, second.skipped) == (40, 10, 10, 30)
    assert Reminder.objects.filter(target_key__startswith="sic:").count() == 40
    # A value COPY would have to escape reaches the ledger as it was.
    odd = Candidate(
        "sic_due", world.coordinator.pk, world.own.pk, "sic:tab\t\\", "x", "/", {"n": "a\tb\nc\\"}
    )
    monkeypatch.setattr(registry, "_RULES", [lambda now: [odd]])
    assert reminders_sweep(now=moment(0, 12)).recorded == 1
    row = Reminder.objects.get(target_key__startswith="sic:tab")
    assert (row.target_key, row.context) == ("sic:tab\t\\", {"n": "a\tb\nc\\"})
    # The columns the sweep does not fill take the model's defaults.
    assert (row.channel, row.attempts, row.last_error, row.sent_at, row.claim_token) == (
        "",
        0,
        "",
        None,
        None,
    )
    assert row.created_at == moment(0, 12)


def ledger_rows(world: World, n: int) -> list[int]:
    """`n` unsent reminders, each to a recipient of its own; one recipient in ten wants them
    in the app only, one in ten in the daily digest."""
    tag = User.objects.count()
    users = User.objects.bulk_create(
        User(email=f"batch{tag}-{i}@example.test", role=Role.COORDINATOR) for i in range(n)
    )
    NotificationPreference.objects.bulk_create(
        NotificationPreference(
            user=user, kind="sic_due", channel=Channel.IN_APP if i % 10 == 1 else Channel.DIGEST
        )
        for i, user in enumerate(users)
        if i % 10 in (1, 2)
    )
    rows = Reminder.objects.bulk_create(
        Reminder(
            kind="sic_due",
            recipient=user,
            patient=world.own,
            target_key=f"sic:{tag}",
            cycle="2026-01-01",
            link="/",
            context={"date": "2026-01-01"},
        )
        for user in users
    )
    return [r.pk for r in rows]


def e_mails_for(n: int) -> int:
    """The e-mails `ledger_rows(world, n)` makes: one in ten is in the app only, one in ten
    waits for the digest."""
    return n - 2 * (n // 10)


@pytest.mark.parametrize("n", [10, 300])
def test_sending_a_batch_costs_fixed_queries_plus_one_update_per_e_mail(
    world: World, n: int, django_assert_max_num_queries
) -> None:
    with frozen(moment(0)):
        small = ledger_rows(world, 10)
        with CaptureQueriesContext(connection) as first:
            reminders_send(small)
        fixed = len(first.captured_queries) - e_mails_for(10)
        mail.outbox.clear()
        ids = ledger_rows(world, n)
        # SQLite caps the parameters of a statement: Django splits the notifications' insert.
        split = bulk_statements(Notification, n) - 1
        # Each e-mail's rows are marked sent once the mail server took it (a worker killed
        # mid-batch sends the one e-mail in flight again, not the batch): one UPDATE each.
        with django_assert_max_num_queries(fixed + e_mails_for(n) + split):
            report = reminders_send(ids)
    in_app, digest = n // 10, n // 10
    assert (report.sent, report.digest, report.failed) == (n - digest, digest, 0)
    assert len(mail.outbox) == e_mails_for(n) == n - in_app - digest
    assert Notification.objects.filter(reminder_id__in=ids).count() == n
    assert fixed <= 10


def test_one_recipients_reminders_are_one_e_mail_and_one_update(world: World) -> None:
    rows = Reminder.objects.bulk_create(
        Reminder(
            kind="sic_due",
            recipient=world.coordinator,
            patient=world.own,
            target_key=f"sic:{i}",
            cycle="2026-01-01",
            link="/",
            context={"date": "2026-01-01"},
        )
        for i in range(12)
    )
    with frozen(moment(0)), CaptureQueriesContext(connection) as queries:
        report = reminders_send([r.pk for r in rows])
    marks = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('UPDATE "labparcours_reminder"') and '"sent_at" =' in q["sql"]
    ]
    assert (report.sent, len(mail.outbox), len(marks)) == (12, 1, 1)


@pytest.mark.parametrize("n", [1, 30])
def test_the_notification_list_reads_a_constant_number_of_queries(
    world: World, n: int, django_assert_max_num_queries
) -> None:
    client = client_for(world.coordinator)
    sweep_at(moment(0))
    client.get("/notifications/")
    with django_assert_max_num_queries(20) as first:
        client.get("/notifications/")
    for i in range(n):
        Reminder.objects.create(
            kind="manual",
            recipient=world.coordinator,
            patient=world.own,
            target_key="x",
            cycle=str(i),
            link="/",
        )
    Notification.objects.bulk_create(
        Notification(user=world.coordinator, reminder=r)
        for r in Reminder.objects.filter(target_key="x")
    )
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get("/notifications/").status_code == 200


def test_the_reminder_history_reads_a_constant_number_of_queries(
    world: World, django_assert_max_num_queries
) -> None:
    client = client_for(world.coordinator)
    url = f"/patients/{world.other.pk}/relances/"
    planned_sic(world.other, due=moment(-1).date())
    sweep_at(moment(0))
    client.get(url)
    with django_assert_max_num_queries(30) as first:
        client.get(url)
    for days in (8, 15, 22, 29):
        sweep_at(moment(days))
    assert Reminder.objects.filter(patient=world.other).count() > 1
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [10, 300])
def test_a_mail_server_down_costs_the_batch_the_same_queries_for_300_as_for_10(
    world: World, n: int, monkeypatch, django_assert_max_num_queries
) -> None:
    def down(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", down)
    with frozen(moment(0)):
        small = ledger_rows(world, 10)
        with CaptureQueriesContext(connection) as first:
            reminders_send(small)
        ids = ledger_rows(world, n)
        split = bulk_statements(Notification, n) - 1
        with django_assert_max_num_queries(len(first.captured_queries) + split):
            report = reminders_send(ids)
    assert (report.sent, report.failed) == (n // 10, n - 2 * (n // 10))  # in-app only: sent
    retrying = Reminder.objects.filter(pk__in=ids, attempts=1, sent_at__isnull=True)
    assert retrying.count() == report.failed
    assert mail.outbox == []
