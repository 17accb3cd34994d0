"""Unread counts (values, the baseline before which nothing counts but a mention, and the
badges of « Mes patients » and the dashboard) and the number of queries of the lists and of
the thread page, whatever the rows."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from labparcours.models import Role, User
from patients.models import Patient
from teams.models import Membership, Profession, TeamRole
from tests.conftest import World, client_for
from tests.factories import (
    MembershipFactory,
    PatientFactory,
    ProfessionalFactory,
    UserFactory,
    full_team,
)
from tests.threads.helpers import fill, post
from threads.models import Audience, Mention, Message
from threads.selectors import Unread, thread_of, unread_counts


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


def unread(user: User, patient: Patient) -> tuple[int, int]:
    counts = unread_counts(user, [patient.pk]).get(patient.pk, Unread())
    return counts.team, counts.patient


def long_ago(
    patient: Patient, author: User, n: int, audience: str = Audience.TEAM
) -> list[Message]:
    """n messages posted two months ago in the patient's thread."""
    thread = thread_of(patient, audience)
    when = timezone.now() - datetime.timedelta(days=60)
    return Message.objects.bulk_create(
        [
            Message(thread=thread, author=author, text=f"Ancien {i}", created_at=when)
            for i in range(n)
        ]
    )


def newcomer(world: World) -> User:
    """A nurse who joins the own patient's team today."""
    user = UserFactory(role=Role.CLINICIAN)
    pro = ProfessionalFactory(profession=Profession.NURSE, user=user)
    MembershipFactory(patient=world.own, professional=pro, role=TeamRole.NURSE)
    return user


def test_a_member_who_joins_today_counts_only_what_is_posted_after(world: World) -> None:
    long_ago(world.own, world.gp, 50)
    long_ago(world.own, world.nurse, 5, audience=Audience.PATIENT)
    nurse = newcomer(world)
    assert unread(nurse, world.own) == (0, 0)
    post(world.own, world.pharmacist, "Bienvenue dans l'équipe")
    assert unread(nurse, world.own) == (1, 0)
    mine = client_for(nurse).get("/mes-patients/").content.decode()
    assert '1<span class="sr-only"> message non lu' in mine
    # A member there for a year still has the old ones to read.
    Membership.objects.filter(professional__user=world.specialist).update(
        joined_at=timezone.now() - datetime.timedelta(days=365)
    )
    assert unread(world.specialist, world.own) == (51, 5)


def test_a_mention_counts_even_from_before_joining(world: World) -> None:
    """Named while a member before, they left and came back: the old message that names them
    is still theirs to read; the others of that time are not."""
    old = long_ago(world.own, world.gp, 10)
    Mention.objects.create(message=old[3], user=world.former_member)
    pro = world.former_member.professional
    MembershipFactory(patient=world.own, professional=pro, role=TeamRole.NURSE)
    assert unread(world.former_member, world.own) == (1, 0)
    client_for(world.former_member).get(f"/patients/{world.own.pk}/fil/equipe/")
    assert unread(world.former_member, world.own) == (0, 0)


def test_a_coordinator_counts_their_patients_and_the_threads_they_opened(world: World) -> None:
    """The patient's referring coordinator is told of every message: what was posted since
    their account was opened counts. A colleague of the programme counts nothing in a thread
    they never opened, until they open it."""
    long_ago(world.own, world.nurse, 20)  # before the coordinators' accounts
    colleague = UserFactory(role=Role.COORDINATOR)
    assert unread(world.coordinator, world.own) == (0, 0)
    assert unread(colleague, world.own) == (0, 0)
    post(world.own, world.nurse, "Sortie d'hospitalisation demain")
    assert unread(world.coordinator, world.own) == (1, 0)
    assert unread(colleague, world.own) == (0, 0)
    dashboard = client_for(colleague).get("/coordination/").content.decode()
    assert "messages non lu" not in dashboard
    assert "message non lu" not in dashboard
    client_for(colleague).get(f"/patients/{world.own.pk}/fil/equipe/")
    post(world.own, world.nurse, "Pouvez-vous organiser le passage infirmier ?")
    assert unread(colleague, world.own) == (1, 0)
    assert unread(world.coordinator, world.own) == (2, 0)


def add_patients_with_threads(world: World, n: int, reader: User) -> None:
    """n patients of the GP, each with an old message naming the reader (before the GP
    joined) and three new ones."""
    gp = world.gp.professional
    for _ in range(n):
        patient = PatientFactory(coordinator=world.coordinator)
        old = long_ago(patient, world.coordinator, 2)
        Mention.objects.create(message=old[0], user=reader)
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
    add_patients_with_threads(world, 1, world.user(role))
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    add_patients_with_threads(world, 20, world.user(role))
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
