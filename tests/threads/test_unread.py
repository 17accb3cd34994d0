"""Unread counts (values, and the badges of « Mes patients » and the dashboard) and the
number of queries of the lists and of the thread page, whatever the rows."""

from __future__ import annotations

import pytest

from tests.conftest import World, client_for
from tests.factories import PatientFactory, full_team
from tests.threads.helpers import fill, post
from threads.models import Audience, Message
from threads.selectors import thread_of, unread_counts


def test_the_counts_are_others_messages_after_the_receipt(world: World) -> None:
    post(world.own, world.gp, "Mon propre message")  # posting reads what came before
    for n in range(3):
        post(world.own, world.nurse, f"Équipe {n}")
    post(world.own, world.nurse, "Au patient", audience=Audience.PATIENT)
    counts = unread_counts(world.gp, [world.own.pk, world.other.pk])
    assert (counts[world.own.pk].team, counts[world.own.pk].patient) == (3, 1)
    assert world.other.pk not in counts
    patient_side = unread_counts(world.patient_user, [world.own.pk])[world.own.pk]
    assert (patient_side.team, patient_side.patient) == (0, 1)
    assert unread_counts(world.admin, [world.own.pk]) == {}
    client_for(world.gp).get(f"/patients/{world.own.pk}/fil/equipe/")
    counts = unread_counts(world.gp, [world.own.pk])
    assert (counts[world.own.pk].team, counts[world.own.pk].patient) == (0, 1)


def test_my_patients_and_the_dashboard_show_the_unread_badge(world: World) -> None:
    post(world.own, world.nurse, "Un")
    post(world.own, world.nurse, "Deux", audience=Audience.PATIENT)
    mine = client_for(world.gp).get("/mes-patients/").content.decode()
    assert f'href="/patients/{world.own.pk}/fil/equipe/"' in mine
    assert '2<span class="sr-only"> messages non lus' in mine
    dashboard = client_for(world.coordinator).get("/coordination/").content.decode()
    assert '2<span class="sr-only"> messages non lus' in dashboard
    record = client_for(world.patient_user).get("/mon-dossier/").content.decode()
    assert "1 nouveau message" in record


def add_patients_with_threads(world: World, n: int) -> None:
    gp = world.gp.professional
    for _ in range(n):
        patient = PatientFactory(coordinator=world.coordinator)
        nurse = full_team(patient, gp=gp)["nurse"].professional
        thread = thread_of(patient, Audience.TEAM)
        Message.objects.bulk_create(
            [Message(thread=thread, author=world.coordinator, text=f"n° {i}") for i in range(3)]
        )
        assert nurse is not None


@pytest.mark.parametrize(
    ("role", "url"), [("gp", "/mes-patients/"), ("coordinator", "/coordination/")]
)
def test_the_lists_count_unread_messages_in_constant_queries(
    world: World, role: str, url: str, django_assert_max_num_queries
) -> None:
    client = client_for(world.user(role))
    client.get(url)
    add_patients_with_threads(world, 1)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    add_patients_with_threads(world, 20)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_thread_page_opens_in_constant_queries_from_10_to_5000_messages(
    world: World, django_assert_max_num_queries
) -> None:
    client = client_for(world.gp)
    url = f"/patients/{world.own.pk}/fil/equipe/"
    fill(world, 10)
    client.get(url)
    post(world.own, world.nurse, "Encore un")  # the receipt moves on the next read too
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    fill(world, 4990)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        page = client.get(url)
    assert page.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
    assert page.content.decode().count('<li class="bubble') == 30
