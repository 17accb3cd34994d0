"""A recurring action (every N days, weeks or months) is done occurrence by occurrence: each
« Fait » records the current one and the page shows the next."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from careplans.forms import ActionForm
from careplans.models import Action, ActionOccurrence, Owner, PlanStatus, add_months
from careplans.services import careplan_start
from labparcours.errors import InvalidTransition
from tests.conftest import World, client_for
from tests.factories import make_plan

MONDAY = datetime.date(2031, 3, 3)


def paris(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def weighing(world: World, *, every: int = 1, unit: str = "week") -> Action:
    """The nurse's weighing, every `every` `unit` from Monday 3 March 2031, in a plan in force."""
    plan = make_plan(world, status=PlanStatus.VALIDATED)
    action = plan.actions.get(what__startswith="Pesée")
    action.due_date, action.repeat_every, action.repeat_unit = MONDAY, every, unit
    action.save()
    return action


def fresh(action: Action) -> Action:
    return Action.objects.prefetch_related("occurrences").get(pk=action.pk)


def test_months_keep_their_day_or_end_on_the_last_one() -> None:
    assert add_months(datetime.date(2031, 1, 31), 1) == datetime.date(2031, 2, 28)
    assert add_months(datetime.date(2031, 11, 15), 3) == datetime.date(2032, 2, 15)


@pytest.mark.parametrize(
    ("every", "unit", "today", "current"),
    [
        (1, "week", datetime.date(2031, 3, 12), datetime.date(2031, 3, 10)),
        (3, "day", datetime.date(2031, 3, 8), datetime.date(2031, 3, 6)),
        (2, "month", datetime.date(2031, 7, 2), datetime.date(2031, 5, 3)),
        (1, "week", datetime.date(2031, 2, 1), MONDAY),  # not started yet: the first time
    ],
)
def test_the_occurrence_to_do_is_the_current_periods(
    world: World, every: int, unit: str, today: datetime.date, current: datetime.date
) -> None:
    action = weighing(world, every=every, unit=unit)
    with time_machine.travel(paris(today), tick=False):
        assert fresh(action).next_occurrence == current


def test_done_records_this_weeks_occurrence_and_the_next_one_shows(world: World) -> None:
    action = weighing(world)
    with time_machine.travel(paris(datetime.date(2031, 3, 12)), tick=False):
        nurse = client_for(world.nurse)  # a session of that day
        response = nurse.post(f"/actions/{action.pk}/statut/", {"status": "done"})
        assert response.status_code == 302
        done = ActionOccurrence.objects.get(action=action)
        assert (done.due_on, done.done_by) == (datetime.date(2031, 3, 10), world.nurse)
        action.refresh_from_db()
        assert action.status == "todo"  # the action goes on
        page = nurse.get("/mes-actions/").content.decode()
        assert "Prochaine fois : 17 mars" in page
        assert "dernière fois faite : 10 mars" in page
        assert "toutes les semaines, à partir du 3 mars 2031" in page
        # This week's is done: nothing more to mark until next Monday.
        assert f'action="/actions/{action.pk}/statut/"' not in page
        again = nurse.post(f"/actions/{action.pk}/statut/", {"status": "done"}, follow=True)
        assert (
            "Déjà fait pour cette fois : prochaine fois le 17 mars 2031." in again.content.decode()
        )
    assert ActionOccurrence.objects.filter(action=action).count() == 1
    with time_machine.travel(paris(datetime.date(2031, 3, 18)), tick=False):
        client_for(world.nurse).post(f"/actions/{action.pk}/statut/", {"status": "done"})
    assert list(
        ActionOccurrence.objects.filter(action=action).values_list("due_on", flat=True)
    ) == [datetime.date(2031, 3, 10), datetime.date(2031, 3, 17)]


def test_a_missed_week_is_not_owed(world: World) -> None:
    action = weighing(world)
    with time_machine.travel(paris(datetime.date(2031, 3, 26)), tick=False):
        fresh(action).mark_done(by=world.nurse)
    assert ActionOccurrence.objects.get(action=action).due_on == datetime.date(2031, 3, 24)


def test_a_recurring_action_is_never_late_as_a_whole(world: World) -> None:
    action = weighing(world)
    with time_machine.travel(paris(datetime.date(2031, 6, 1)), tick=False):
        assert not fresh(action).is_late
        assert not Action.objects.late().filter(pk=action.pk).exists()
        one_off = Action.objects.get(plan=action.plan, owner=Owner.PATIENT)
        one_off.due_date = MONDAY
        one_off.save()
        assert Action.objects.late().filter(pk=one_off.pk).exists()


def test_a_dropped_recurring_action_is_not_marked_done(world: World) -> None:
    action = weighing(world)
    action.set_status("dropped")
    with pytest.raises(InvalidTransition):
        fresh(action).mark_done(by=world.nurse)


def test_the_form_asks_for_both_the_number_and_the_unit(world: World) -> None:
    form = ActionForm({"what": "Pesée", "who": "patient", "repeat_unit": "week"}, memberships=[])
    assert not form.is_valid()
    assert form.errors["repeat_unit"] == [
        "Dites à quel rythme : un nombre, et jours, semaines ou mois."
    ]


def test_a_recurring_action_starts_today_unless_told(world: World) -> None:
    form = ActionForm(
        {"what": "Pesée", "who": "patient", "repeat_every": "2", "repeat_unit": "day"},
        memberships=[],
    )
    assert form.is_valid(), form.errors
    action = form.action()
    assert (action.repeat_every, action.repeat_unit, action.due_date) == (
        2,
        "day",
        timezone.localdate(),
    )
    assert action.repeat_label == "tous les 2 jours"


def test_the_plan_page_writes_the_rhythm_and_the_due_date_as_dates(world: World) -> None:
    action = weighing(world, every=2, unit="week")
    Action.objects.filter(plan=action.plan, owner=Owner.PATIENT).update(
        due_date=datetime.date(2031, 4, 30)
    )
    page = client_for(world.coordinator).get(f"/plans/{action.plan_id}/").content.decode()
    assert "toutes les 2 semaines, à partir du 3 mars 2031" in page
    assert "Échéance : 30 avril 2031" in page
    assert "Par :" not in page
    patient_page = client_for(world.patient_user).get("/mon-plan/").content.decode()
    assert "toutes les 2 semaines, à partir du 3 mars 2031" in patient_page
    assert "Échéance : 30 avril 2031" in patient_page


def test_a_new_version_keeps_the_rhythm_but_starts_its_own_occurrences(world: World) -> None:
    action = weighing(world)
    ActionOccurrence.objects.create(action=action, due_on=MONDAY, done_by=world.nurse)
    v2 = careplan_start(patient=world.own, by=world.coordinator)
    copy = v2.actions.get(what__startswith="Pesée")
    assert (copy.repeat_every, copy.repeat_unit, copy.due_date) == (1, "week", MONDAY)
    assert not copy.occurrences.exists()
