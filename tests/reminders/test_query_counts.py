"""The sweep reads the programme with a fixed number of queries, whatever its size; the
reminder pages too."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from careplans.models import Action, CarePlan, Owner, PlanStatus
from patients.models import Consent, ConsentKind, Patient, PatientStatus
from reminders.models import Notification, Reminder
from reminders.sweep import reminders_sweep
from sic.models import Attendance, Sic, SicStatus
from teams.models import CareTeam, Membership
from tests.conftest import World, client_for
from tests.factories import planned_sic
from tests.reminders.conftest import moment, sweep_at

DAY = datetime.timedelta(days=1)


def add_programme(world: World, n: int) -> None:
    """`n` included patients, in a few bulk inserts, with something due for every rule: an
    overdue SIC, a SIC due soon, a SIC in 5 days or tomorrow; a plan in force with a late
    action of the GP and a newer plan left unanswered; a team with only the GP."""
    today = timezone.localdate()
    coordinator, gp = world.coordinator, world.gp.professional
    patients = Patient.objects.bulk_create(
        Patient(
            last_name=f"Patient{i}",
            first_name="Test",
            birth_date=datetime.date(1950, 1, 1),
            sex="F",
            pathway="ic",
            status=PatientStatus.INCLUDED,
            inclusion_date=today - 90 * DAY,
            coordinator=coordinator,
        )
        for i in range(n)
    )
    teams = CareTeam.objects.bulk_create(CareTeam(patient=p) for p in patients)
    Consent.objects.bulk_create(
        Consent(patient=p, kind=kind, recorded_by=coordinator)
        for p in patients
        for kind in (ConsentKind.PARTICIPATION, ConsentKind.TEAM_SHARING)
    )
    members = Membership.objects.bulk_create(
        Membership(team=t, professional=gp, role="gp", added_by=coordinator) for t in teams
    )
    at = {2: moment(5, 14), 3: moment(1, 14)}
    sics = Sic.objects.bulk_create(
        Sic(
            patient=p,
            due_date=today + (10 if i % 4 == 1 else -10) * DAY,
            status=SicStatus.SCHEDULED if i % 4 in at else SicStatus.PLANNED,
            scheduled_at=at.get(i % 4),
            video_url="https://meet.jit.si/test",
        )
        for i, p in enumerate(patients)
    )
    Attendance.objects.bulk_create(
        Attendance(sic=s, membership=m) for s, m in zip(sics, members, strict=True)
    )
    now = timezone.now()
    in_force = CarePlan.objects.bulk_create(
        CarePlan(
            patient=p,
            version=1,
            created_by=coordinator,
            status=PlanStatus.VALIDATED,
            validated_at=now,
            validation_method="phone",
        )
        for p in patients
    )
    CarePlan.objects.bulk_create(
        CarePlan(
            patient=p,
            version=2,
            created_by=coordinator,
            status=PlanStatus.PROPOSED,
            proposed_at=now - 20 * DAY,
        )
        for p in patients
    )
    Action.objects.bulk_create(
        Action(plan=plan, what="x", owner=Owner.MEMBER, membership=m, due_date=today - DAY)
        for plan, m in zip(in_force, members, strict=True)
    )


def sweep_queries(world: World, n: int) -> tuple[list[str], int]:
    Reminder.objects.all().delete()
    add_programme(world, n)
    with CaptureQueriesContext(connection) as queries:
        result = reminders_sweep(now=moment(0))
    return [q["sql"] for q in queries.captured_queries], result.recorded


def is_ledger_insert(sql: str) -> bool:
    return sql.startswith("INSERT") and 'INTO "labparcours_reminder"' in sql


def test_a_sweep_runs_as_many_queries_for_2000_patients_as_for_20(world: World) -> None:
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
    reads_few = [q for q in few if not is_ledger_insert(q)]
    reads_many = [q for q in many if not is_ledger_insert(q)]
    assert len(reads_many) == len(reads_few) <= 30
    if connection.vendor == "postgresql":
        assert len(many) == len(few)
    else:
        # SQLite caps the parameters of one statement: Django splits the single bulk insert.
        batch = connection.ops.bulk_batch_size(
            [f for f in Reminder._meta.concrete_fields if not f.primary_key], [None] * 10**6
        )
        assert len(many) - len(reads_many) == -(-recorded_many // batch)


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
