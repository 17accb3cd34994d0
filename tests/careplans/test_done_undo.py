"""« Fait » is one tap, and can be taken back the same day: the message says it with an
« Annuler » button (a plain form), and the row keeps one until midnight."""

import datetime

import time_machine
from django.utils import timezone

from careplans.models import ActionOccurrence, ActionStatus, PlanStatus
from tests.conftest import World, client_for
from tests.factories import make_plan


def weighing(world: World):
    plan = make_plan(world, status=PlanStatus.VALIDATED)
    return plan.actions.get(what__startswith="Pesée")


def test_done_says_so_with_an_undo_button(world: World) -> None:
    action = weighing(world)
    nurse = client_for(world.nurse)
    response = nurse.post(f"/actions/{action.pk}/statut/", {"status": "done"}, follow=True)
    page = response.content.decode()
    assert "« Pesée trois fois par semaine » est marquée faite." in page
    assert f'<form method="post" action="/actions/{action.pk}/annuler-fait/"' in page
    assert "Annuler" in page
    # The message is shown once; the row keeps its own « Annuler « fait » » for the day.
    again = nurse.get("/mes-actions/").content.decode()
    assert "est marquée faite" not in again
    assert "Annuler « fait »" in again


def test_undo_the_same_day_puts_the_action_back_to_do(world: World) -> None:
    action = weighing(world)
    nurse = client_for(world.nurse)
    nurse.post(f"/actions/{action.pk}/statut/", {"status": "done"})
    response = nurse.post(
        f"/actions/{action.pk}/annuler-fait/", {"next": "/mes-actions/"}, follow=True
    )
    assert "« Pesée trois fois par semaine » est de nouveau à faire." in response.content.decode()
    action.refresh_from_db()
    assert (action.status, action.done_at) == (ActionStatus.TODO, None)


def test_a_done_of_yesterday_stays_done(world: World) -> None:
    action = weighing(world)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    with time_machine.travel(yesterday, tick=False):
        action.set_status(ActionStatus.DONE)
    nurse = client_for(world.nurse)
    page = nurse.get("/mes-actions/").content.decode()
    assert "Annuler « fait »" not in page
    response = nurse.post(f"/actions/{action.pk}/annuler-fait/", follow=True)
    assert (
        "Seul ce qui a été marqué fait aujourd’hui peut être annulé." in response.content.decode()
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_undo_takes_back_the_occurrence_of_a_recurring_action(world: World) -> None:
    action = weighing(world)
    action.due_date, action.repeat_every, action.repeat_unit = timezone.localdate(), 1, "day"
    action.save()
    nurse = client_for(world.nurse)
    nurse.post(f"/actions/{action.pk}/statut/", {"status": "done"})
    assert ActionOccurrence.objects.filter(action=action).count() == 1
    nurse.post(f"/actions/{action.pk}/annuler-fait/")
    assert not ActionOccurrence.objects.filter(action=action).exists()


def test_only_who_follows_the_action_undoes_it(world: World) -> None:
    action = weighing(world)
    client_for(world.nurse).post(f"/actions/{action.pk}/statut/", {"status": "done"})
    assert (
        client_for(world.pharmacist).post(f"/actions/{action.pk}/annuler-fait/").status_code == 403
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_the_coordinator_marks_done_from_the_plan_in_force(world: World) -> None:
    action = weighing(world)
    client = client_for(world.coordinator)
    page = client.get(f"/plans/{action.plan_id}/").content.decode()
    assert f'action="/actions/{action.pk}/statut/"' in page
    response = client.post(
        f"/actions/{action.pk}/statut/",
        {"status": "done", "next": f"/plans/{action.plan_id}/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/plans/{action.plan_id}/"
    assert "Annuler « fait »" in response.content.decode()
