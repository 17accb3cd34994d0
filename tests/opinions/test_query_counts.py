"""The lists of opinions run a number of queries that does not grow with the requests: the
coordinator's open requests, « Avis demandés », the API, from 10 requests to 500."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from opinions.models import OpinionRequest
from tests.conftest import World, client_for
from tests.factories import PatientFactory
from tests.opinions.builders import outside_specialist


def add_requests(world: World, n: int, specialist, patients: list) -> None:
    """`n` open requests in bulk, spread over the patients, each a minute older."""
    now = timezone.now()

    def asker(patient: object) -> object:
        return world.gp if patient == world.own else world.coordinator

    OpinionRequest.objects.bulk_create(
        [
            OpinionRequest(
                patient=patients[i % len(patients)],
                asked_by=asker(patients[i % len(patients)]),
                specialist=specialist.professional,
                question=f"Question {i}",
                urgency="7d",
                asked_at=now - datetime.timedelta(minutes=i),
                due_at=now + datetime.timedelta(days=7) - datetime.timedelta(minutes=i),
            )
            for i in range(n)
        ]
    )


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("coordinator", "/avis/en-attente/"),
        ("coordinator", "/avis/en-attente/?vue=late&page=2"),
        ("specialist", "/avis/"),
        ("gp", "/avis/"),
        ("coordinator", "/api/v1/opinion-requests/"),
        ("specialist", "/api/v1/opinion-requests/"),
        ("outside", "/api/v1/opinion-requests/"),
        ("outside", "/avis/"),
    ],
)
def test_the_lists_of_opinions_read_a_constant_number_of_queries(
    world: World, who: str, url: str, django_assert_max_num_queries
) -> None:
    outside = outside_specialist()
    reader = outside if who == "outside" else world.user(who)
    specialist = world.specialist if who == "specialist" else outside
    more = [PatientFactory(coordinator=world.coordinator) for _ in range(3)]
    patients = [world.own, world.other, *more]
    client = client_for(reader)
    client.get(url)  # warm the session
    add_requests(world, 10, specialist, patients)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    add_requests(world, 490, specialist, patients)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
