"""A patient's record ($everything) is read in a number of queries that does not grow with
their SICs, contributions, attendances or plans; a page of a patient search, in a number
that does not grow with the matches (nor with the page's rank)."""

from __future__ import annotations

import datetime

from django.db import reset_queries
from django.utils import timezone

from careplans.models import PlanStatus
from sic.models import Attendance, Contribution, ContributionKind, ContributionStatus, Sic
from tests.conftest import World, client_for
from tests.factories import MembershipFactory, PatientFactory, make_plan
from tests.fhir.searching import FORM, SEARCH


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


def namesakes(world: World, n: int) -> None:
    """`n` more patients of one birth name and birth date, each with a GP."""
    for _ in range(n):
        patient = PatientFactory(
            coordinator=world.coordinator,
            last_name="Oudegeest",
            birth_date=datetime.date(1941, 6, 2),
        )
        MembershipFactory(patient=patient)


def second_page(client) -> str:
    """The path of the second page of a search of the namesakes, two a page."""
    body = "family=Oudegeest&birthdate=1941-06-02&_count=2"
    following = client.post(SEARCH, body, content_type=FORM).json()["link"][-1]["url"]
    return following[following.index("/fhir/") :]


def test_a_page_of_a_search_is_read_in_a_constant_number_of_queries(
    world: World, django_assert_max_num_queries
) -> None:
    client = client_for(world.coordinator)
    namesakes(world, 5)
    url = second_page(client)
    reset_queries()  # the log holds the last 9000: counting within a full one finds none
    with django_assert_max_num_queries(5) as few:
        assert len(client.get(url).json()["entry"]) == 2
    read_with_five = len(few)
    namesakes(world, 20)
    url = second_page(client)
    reset_queries()
    with django_assert_max_num_queries(read_with_five) as many:
        assert len(client.get(url).json()["entry"]) == 2
    assert len(many) == read_with_five
