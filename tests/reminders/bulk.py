"""A programme in bulk for the reminder tests and benchmark: `n` included patients, in a few
bulk inserts, with something due for every rule, spread over many coordinators and GPs (so
that sending writes to many recipients, as in a real programme)."""

from __future__ import annotations

import datetime
from itertools import cycle

from django.utils import timezone

from careplans.models import Action, CarePlan, Owner, PlanStatus
from labparcours.models import Role, User
from patients.models import Consent, ConsentKind, Patient, PatientStatus
from sic.models import Attendance, Sic, SicStatus
from teams.models import CareTeam, Membership, Professional
from tests.conftest import World
from tests.reminders.conftest import moment

DAY = datetime.timedelta(days=1)


def recipients(world: World, coordinators: int, gps: int) -> tuple[list[User], list[Professional]]:
    """The world's coordinator and GP, and as many more (with accounts) as asked."""
    tag = User.objects.count()
    more_coordinators = User.objects.bulk_create(
        User(email=f"coord{tag}-{i}@example.test", role=Role.COORDINATOR)
        for i in range(coordinators - 1)
    )
    gp_users = User.objects.bulk_create(
        User(email=f"gp{tag}-{i}@example.test", role=Role.CLINICIAN) for i in range(gps - 1)
    )
    more_gps = Professional.objects.bulk_create(
        Professional(last_name=f"Médecin{i}", first_name="Test", profession="gp", user=user)
        for i, user in enumerate(gp_users)
    )
    return [world.coordinator, *more_coordinators], [world.gp.professional, *more_gps]


def add_programme(world: World, n: int, *, coordinators: int = 1, gps: int = 1) -> None:
    """`n` included patients with something due for every rule: an overdue SIC, a SIC due
    soon, a SIC in 5 days or tomorrow; a plan in force with a late action of the GP and a
    newer plan left unanswered; a team with only the GP."""
    today = timezone.localdate()
    coordinator_pool, gp_pool = recipients(world, coordinators, gps)
    by = world.coordinator
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
        for i, coordinator in zip(range(n), cycle(coordinator_pool), strict=False)
    )
    teams = CareTeam.objects.bulk_create(CareTeam(patient=p) for p in patients)
    Consent.objects.bulk_create(
        Consent(patient=p, kind=kind, recorded_by=by)
        for p in patients
        for kind in (ConsentKind.PARTICIPATION, ConsentKind.TEAM_SHARING)
    )
    members = Membership.objects.bulk_create(
        Membership(team=t, professional=gp, role="gp", added_by=by)
        for t, gp in zip(teams, cycle(gp_pool), strict=False)
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
            created_by=by,
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
            created_by=by,
            status=PlanStatus.PROPOSED,
            proposed_at=now - 20 * DAY,
        )
        for p in patients
    )
    Action.objects.bulk_create(
        Action(plan=plan, what="x", owner=Owner.MEMBER, membership=m, due_date=today - DAY)
        for plan, m in zip(in_force, members, strict=True)
    )
