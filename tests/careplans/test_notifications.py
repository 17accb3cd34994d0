"""A care plan's events reach who must act, under the bell and by their chosen channel, and
leave their list once done: the plan proposed (to the patient's side), changes asked (to the
patient's coordinator), the team's answer (to the patient's side), the plan in force (to the
members who carry its actions)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from careplans.models import CarePlan, PlanStatus
from reminders.models import Channel, NotificationPreference, Reminder
from reminders.sweep import reminders_sweep
from tests.bell import (
    assert_initials_only,
    assert_speaks_to_the_patient,
    kinds,
    outsider_coordinator,
    reminder_mails_to,
    unread,
)
from tests.conftest import World, client_for
from tests.factories import PatientFactory, make_plan, proposed_plan

COMMENT = "Je préfère la piscine deux fois par semaine."
DAYS_20 = datetime.timedelta(days=20)


@pytest.fixture
def draft(world: World) -> CarePlan:
    return make_plan(world)


def propose(world: World, plan: CarePlan, committed) -> None:
    response = committed(lambda: client_for(world.coordinator).post(f"/plans/{plan.pk}/proposer/"))
    assert response.status_code == 302


def ask_changes(world: World, plan: CarePlan, committed, user=None) -> None:
    user = user or world.patient_user
    response = committed(
        lambda: client_for(user).post(f"/plans/{plan.pk}/modifications/", {"comment": COMMENT})
    )
    assert response.status_code == 302


def answer(world: World, plan: CarePlan, committed, **extra: str):
    return committed(
        lambda: client_for(world.coordinator).post(
            f"/plans/{plan.pk}/reponse/", {"answer": "D'accord pour la piscine.", **extra}
        )
    )


# --- A plan proposed → the patient and their caregiver ---------------------------------------


def test_it_tells_the_patient_and_the_caregiver_when_a_plan_is_proposed(
    world: World, draft: CarePlan, committed
) -> None:
    outsider = outsider_coordinator()
    propose(world, draft, committed)
    for user in (world.patient_user, world.caregiver_user):
        (notification,) = unread(user, "plan_proposed")
        assert notification.reminder.link == "/mon-plan/"
        (message,) = reminder_mails_to(user)
        if user == world.patient_user:
            assert_speaks_to_the_patient(message, world.own)
        else:
            assert_initials_only(message, world.own)
        assert "http://127.0.0.1:8000/mon-plan/" in message.body
    for user in (world.coordinator, outsider, world.gp, world.nurse, world.former_member):
        assert "plan_proposed" not in kinds(user)
        assert reminder_mails_to(user) == []


def test_a_patient_who_chose_the_app_only_gets_no_e_mail(
    world: World, draft: CarePlan, committed
) -> None:
    NotificationPreference.objects.create(
        user=world.patient_user, kind="plan_proposed", channel=Channel.IN_APP
    )
    propose(world, draft, committed)
    assert unread(world.patient_user, "plan_proposed")
    assert reminder_mails_to(world.patient_user) == []
    assert len(reminder_mails_to(world.caregiver_user)) == 1


def test_a_refused_proposal_tells_nobody(world: World, committed) -> None:
    empty = CarePlan.objects.create(patient=world.own, version=1, created_by=world.coordinator)
    propose(world, empty, committed)  # no goal, no action: refused with a message
    assert CarePlan.objects.get(pk=empty.pk).status == PlanStatus.DRAFT
    assert not Reminder.objects.exists()


# --- Changes asked → the patient's coordinator ---------------------------------------------


def test_it_tells_the_coordinator_when_the_patient_asks_for_changes(
    world: World, draft: CarePlan, committed
) -> None:
    outsider = outsider_coordinator()
    propose(world, draft, committed)
    mail.outbox.clear()
    ask_changes(world, draft, committed)
    (notification,) = unread(world.coordinator, "plan_changes_requested")
    assert notification.reminder.link == f"/plans/{draft.pk}/"
    (message,) = reminder_mails_to(world.coordinator)
    assert_initials_only(message, world.own)
    assert COMMENT not in message.body  # the patient's words stay in the application
    for user in (outsider, world.gp, world.nurse, world.admin, world.caregiver_user):
        assert "plan_changes_requested" not in kinds(user)
        assert reminder_mails_to(user) == []
    # The patient answered: "a plan waits for you" leaves the patient's side's lists.
    assert unread(world.patient_user) == unread(world.caregiver_user) == []


def test_a_caregivers_request_says_it_is_the_caregivers(
    world: World, draft: CarePlan, committed
) -> None:
    propose(world, draft, committed)
    ask_changes(world, draft, committed, user=world.caregiver_user)
    page = client_for(world.coordinator).get("/notifications/").content.decode()
    assert f"L’aidant du patient {world.own} a demandé des modifications" in page
    plan_page = client_for(world.coordinator).get(f"/plans/{draft.pk}/").content.decode()
    assert world.caregiver_user.get_full_name() in plan_page


def test_the_api_request_tells_the_coordinator_too(
    world: World, draft: CarePlan, committed
) -> None:
    propose(world, draft, committed)
    response = committed(
        lambda: client_for(world.patient_user).post(
            f"/api/v1/careplans/{draft.pk}/request-changes/",
            {"comment": COMMENT},
            content_type="application/json",
        )
    )
    assert response.status_code == 200
    assert unread(world.coordinator, "plan_changes_requested")


def test_a_coordinator_whose_account_is_closed_is_not_told(
    world: World, draft: CarePlan, committed
) -> None:
    propose(world, draft, committed)
    world.coordinator.is_active = False
    world.coordinator.save(update_fields=["is_active"])
    ask_changes(world, draft, committed)
    assert not Reminder.objects.filter(kind="plan_changes_requested").exists()


def test_the_dashboard_shows_the_request_to_answer(
    world: World, draft: CarePlan, committed
) -> None:
    propose(world, draft, committed)
    ask_changes(world, draft, committed)
    page = client_for(world.coordinator).get("/coordination/").content.decode()
    assert 'id="changes-to-answer"' in page
    assert str(world.own) in page
    assert f'href="/plans/{draft.pk}/#change-request"' in page
    other = client_for(outsider_coordinator()).get("/coordination/").content.decode()
    assert 'id="changes-to-answer"' not in other


def test_the_dashboard_task_reads_a_constant_number_of_queries(
    world: World, committed, django_assert_max_num_queries
) -> None:
    client = client_for(world.coordinator)
    first = make_plan(world, status=PlanStatus.PROPOSED)
    first.request_changes(by=world.patient_user, comment=COMMENT)
    client.get("/coordination/")
    with django_assert_max_num_queries(40) as one:
        client.get("/coordination/")
    others = [PatientFactory(coordinator=world.coordinator) for _ in range(12)]
    for patient in others:
        plan = proposed_plan(world, patient, timezone.now())
        CarePlan.objects.filter(pk=plan.pk).update(
            status=PlanStatus.CHANGES_REQUESTED,
            changes_comment=COMMENT,
            changes_requested_at=timezone.now(),
        )
    # The same queries, and the count once the list is full: 1 extra, not one per plan.
    with django_assert_max_num_queries(len(one.captured_queries) + 1):
        response = client.get("/coordination/")
    assert len(response.context["changes_plans"]) == 10
    assert response.context["changes_count"] == 13


# --- The coordinator answers in the app → the patient's side ---------------------------------


@pytest.fixture
def asked(world: World, draft: CarePlan, committed) -> CarePlan:
    propose(world, draft, committed)
    ask_changes(world, draft, committed)
    mail.outbox.clear()
    return draft


def test_the_plan_page_shows_the_request_with_who_and_when(world: World, asked: CarePlan) -> None:
    response = client_for(world.coordinator).get(f"/plans/{asked.pk}/")
    page = response.content.decode()
    assert COMMENT in page
    assert world.patient_user.get_full_name() in page
    assert f'action="/plans/{asked.pk}/reponse/"' in page
    # The team reads the request; only who leads the team answers it.
    nurse_page = client_for(world.nurse).get(f"/plans/{asked.pk}/").content.decode()
    assert COMMENT in nurse_page
    assert f'action="/plans/{asked.pk}/reponse/"' not in nurse_page


def test_the_coordinator_answers_and_the_patient_is_told(
    world: World, asked: CarePlan, committed
) -> None:
    assert answer(world, asked, committed).status_code == 302
    asked.refresh_from_db()
    assert asked.changes_answer == "D'accord pour la piscine."
    assert asked.changes_answered_by == world.coordinator
    assert asked.status == PlanStatus.CHANGES_REQUESTED  # the team revises, then proposes
    for user in (world.patient_user, world.caregiver_user):
        (notification,) = unread(user, "plan_changes_answered")
        assert notification.reminder.link == "/mon-plan/"
        (message,) = reminder_mails_to(user)
        if user == world.patient_user:
            assert_speaks_to_the_patient(message, world.own)
        else:
            assert_initials_only(message, world.own)
        assert "piscine" not in message.body
    # Answered: the request leaves the coordinator's list.
    assert unread(world.coordinator, "plan_changes_requested") == []
    my_plan = client_for(world.patient_user).get("/mon-plan/").content.decode()
    assert "D&#x27;accord pour la piscine." in my_plan
    assert COMMENT in my_plan


def test_answering_and_proposing_in_one_step_tells_the_patient_once(
    world: World, asked: CarePlan, committed
) -> None:
    assert answer(world, asked, committed, propose="1").status_code == 302
    asked.refresh_from_db()
    assert asked.status == PlanStatus.PROPOSED
    (notification,) = unread(world.patient_user)
    assert notification.reminder.kind == "plan_proposed"
    assert notification.reminder.context == {"revised": True}
    assert len(reminder_mails_to(world.patient_user)) == 1
    page = client_for(world.patient_user).get("/mon-plan/").content.decode()
    assert "D&#x27;accord pour la piscine." in page
    assert 'id="validate-plan"' in page


def test_revising_then_proposing_again_tells_the_patient_it_is_revised(
    world: World, asked: CarePlan, committed
) -> None:
    answer(world, asked, committed)
    propose(world, asked, committed)
    (notification,) = unread(world.patient_user, "plan_proposed")
    assert notification.reminder.context == {"revised": True}
    # What the plan asked before (the answer to read) is done with the new proposal.
    assert unread(world.patient_user, "plan_changes_answered") == []


@pytest.mark.parametrize(
    ("data", "message"),
    [({"answer": "  "}, "Ce champ est obligatoire."), ({}, "Ce champ est obligatoire.")],
    ids=["blank", "missing"],
)
def test_an_empty_answer_is_refused_and_nothing_is_sent(
    world: World, asked: CarePlan, committed, data: dict, message: str
) -> None:
    response = committed(
        lambda: client_for(world.coordinator).post(f"/plans/{asked.pk}/reponse/", data)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert unread(world.patient_user) == []


def test_a_plan_not_waiting_for_changes_cannot_be_answered(
    world: World, draft: CarePlan, committed
) -> None:
    propose(world, draft, committed)
    response = answer(world, draft, committed)
    assert response.status_code == 400
    assert "Seul un plan dont le patient a demandé des modifications" in response.content.decode()
    draft.refresh_from_db()
    assert draft.changes_answer == ""


def test_a_new_request_waits_for_a_new_answer(world: World, asked: CarePlan, committed) -> None:
    answer(world, asked, committed, propose="1")
    ask_changes(world, asked, committed)
    asked.refresh_from_db()
    assert asked.changes_answer == ""
    assert asked.changes_answered_at is None
    assert len(unread(world.coordinator, "plan_changes_requested")) == 1


# --- Done: validated, the plan's reminders leave every list ------------------------------


def test_validating_resolves_the_plan_awaiting_answer(
    world: World, draft: CarePlan, committed
) -> None:
    """The issue's case: an old "plan awaiting an answer" stayed unread after validation."""
    NotificationPreference.objects.create(
        user=world.caregiver_user, kind="plan_to_answer", channel=Channel.DIGEST
    )
    propose(world, draft, committed)
    CarePlan.objects.filter(pk=draft.pk).update(proposed_at=timezone.now() - DAYS_20)
    reminders_sweep(inline=True)  # the patient's and the coordinator's reminders to answer
    assert unread(world.patient_user, "plan_to_answer")
    assert unread(world.coordinator, "plan_unanswered")
    digest = Reminder.objects.get(recipient=world.caregiver_user, kind="plan_to_answer")
    assert digest.state == "digest"  # waiting for tonight's digest
    response = committed(lambda: client_for(world.patient_user).post(f"/plans/{draft.pk}/valider/"))
    assert response.status_code == 302
    for user in (world.patient_user, world.caregiver_user, world.coordinator):
        assert [n for n in unread(user) if n.reminder.target_key == f"plan:{draft.pk}"] == []
    digest.refresh_from_db()
    assert digest.state == "cancelled"  # the digest will not say it
    assert not Reminder.objects.unsent().filter(target_key=f"plan:{draft.pk}").exists()


def test_a_plan_in_force_tells_the_members_who_carry_its_actions(
    world: World, draft: CarePlan, committed
) -> None:
    propose(world, draft, committed)
    mail.outbox.clear()
    committed(lambda: client_for(world.patient_user).post(f"/plans/{draft.pk}/valider/"))
    (notification,) = unread(world.nurse, "plan_in_force")
    assert notification.reminder.link == "/mes-actions/"
    assert notification.reminder.context == {"count": 1}
    (message,) = reminder_mails_to(world.nurse)
    assert_initials_only(message, world.own)
    for user in (world.gp, world.pharmacist, world.coordinator, world.former_member):
        assert "plan_in_force" not in kinds(user)


# --- The patient's home says a plan waits ----------------------------------------------------


def test_the_patient_home_says_a_plan_waits_with_a_button(
    world: World, draft: CarePlan, committed
) -> None:
    home = client_for(world.patient_user).get("/mon-dossier/").content.decode()
    assert 'id="plan-waiting"' not in home
    propose(world, draft, committed)
    home = client_for(world.patient_user).get("/mon-dossier/").content.decode()
    assert "Un plan de soins attend votre réponse" in home
    assert 'href="/mon-plan/"' in home
    carer = client_for(world.caregiver_user).get("/mon-dossier/").content.decode()
    assert f"Un plan de soins attend la réponse de {world.own.first_name}" in carer
    assert f"Lire le plan de {world.own.first_name}" in carer


def test_the_patient_home_says_the_team_answered(world: World, asked: CarePlan, committed) -> None:
    home = client_for(world.patient_user).get("/mon-dossier/").content.decode()
    assert "Les modifications demandées sont entre les mains de l’équipe de soins" in home
    assert "Voir la demande" in home
    answer(world, asked, committed)
    home = client_for(world.patient_user).get("/mon-dossier/").content.decode()
    assert "L’équipe de soins a répondu aux modifications demandées" in home
    assert 'href="/mon-plan/#change-request"' in home
