"""A patient's record ($everything) is read in a number of queries that does not grow with
their SICs, contributions, attendances or plans."""

from __future__ import annotations

import datetime

from django.utils import timezone

from careplans.models import PlanStatus
from sic.models import Attendance, Contribution, ContributionKind, ContributionStatus, Sic
from tests.conftest import World, client_for
from tests.factories import make_plan


def add_held_sics(world: World, n: int) -> None:
    """`n` SICs held, each with the active members present and two contributions."""
    members = list(world.own.care_team.memberships.active())
    start = timezone.now() - datetime.timedelta(days=400)
    for i in range(n):
        held = start + datetime.timedelta(days=i)
        sic = Sic.objects.create(
            patient=world.own,
            status="held",
            due_date=held.date(),
            scheduled_at=held,
            held_at=held,
            minutes="Synthèse faite.",
        )
        Attendance.objects.bulk_create(
            Attendance(sic=sic, membership=m, present=True) for m in members
        )
        for kind, author in (
            (ContributionKind.PATIENT_EXPERIENCE, world.patient_user),
            (ContributionKind.MEDICATION_REVIEW, world.pharmacist),
        ):
            Contribution.objects.create(
                sic=sic,
                kind=kind,
                author=author,
                entered_by=author,
                content={"goals": "Marcher", "medications": [{"name": "Furosémide"}]},
                status=ContributionStatus.SUBMITTED,
                submitted_at=held,
            )


def test_the_record_is_read_in_a_constant_number_of_queries(
    world: World, django_assert_max_num_queries
) -> None:
    client = client_for(world.gp)
    url = f"/fhir/Patient/{world.own.pk}/$everything"
    client.get(url)  # warm the session
    make_plan(world, status=PlanStatus.VALIDATED)
    add_held_sics(world, 1)
    with django_assert_max_num_queries(30) as few:
        assert len(client.get(url).json()["entry"]) > 10
    add_held_sics(world, 19)
    make_plan(world)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
