"""A death closes everything: the patient exits (reason death), their open SIC is cancelled,
their care plan archived, their reminders stopped, and the team is told, soberly, with the
initials only. A move out of the territory does the same, in neutral words. A corrected date
of death moves the exit date with it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from careplans.models import PlanStatus
from patients.models import PatientStatus
from programme.workflows import pathway_event_record
from reminders.events import reminders_notify
from reminders.manual import MANUAL
from reminders.models import Reminder
from sic.models import Sic, SicStatus
from tests.bell import assert_initials_only, reminder_mails_to, unread
from tests.conftest import World, client_for
from tests.factories import plan_in_force
from tests.reminders.conftest import sweep_at


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


def record(world: World, kind: str, *, by=None):
    return pathway_event_record(
        patient=world.own,
        by=by or world.gp,
        kind=kind,
        occurred_on=yesterday(),
        source="relative",
        source_detail="Appel de sa fille",
    )


@pytest.fixture
def busy(world: World, sics: dict, committed) -> World:
    """The own patient with a scheduled SIC, a plan in force, a reminder not sent yet and a
    notification not read yet."""
    plan_in_force(world, world.own)
    reminders_notify(
        kind=MANUAL,
        patient_id=world.own.pk,
        target_key=f"patient:{world.own.pk}:manual",
        to={world.nurse.pk: "/mes-patients/"},
        context={"topic": "plan"},
    )
    committed(
        lambda: reminders_notify(
            kind=MANUAL,
            patient_id=world.own.pk,
            target_key=f"patient:{world.own.pk}:manual",
            to={world.pharmacist.pk: "/mes-patients/"},
            context={"topic": "plan"},
        )
    )
    assert len(unread(world.pharmacist)) == 1
    return world


def test_a_death_closes_everything_and_the_team_is_told_with_care(busy: World, committed) -> None:
    world = busy
    committed(lambda: record(world, "death"))
    world.own.refresh_from_db()
    assert (world.own.status, world.own.exit_reason, world.own.exit_date) == (
        PatientStatus.EXITED,
        "death",
        yesterday(),
    )
    sics = Sic.objects.filter(patient=world.own)
    assert [s.status for s in sics] == [SicStatus.CANCELLED]  # and no next one planned
    assert [p.status for p in world.own.care_plans.all()] == [PlanStatus.ARCHIVED]
    manual = Reminder.objects.filter(kind="manual", patient=world.own)
    assert manual.filter(cancelled_at__isnull=False, recipient=world.nurse).exists()
    assert unread(world.pharmacist, "manual") == []
    told = Reminder.objects.filter(kind="pathway_death").values_list("recipient", flat=True)
    assert set(told) == {
        world.coordinator.pk,
        world.nurse.pk,
        world.pharmacist.pk,
        world.specialist.pk,
    }  # the team and the coordinator, but the GP who recorded it and the member who left
    (message,) = reminder_mails_to(world.specialist)
    assert_initials_only(message, world.own)
    assert "décès" in message.subject.lower()
    for secret in ("Appel de sa fille", "fille"):
        assert secret not in message.body


def test_nothing_is_reminded_about_the_patient_afterwards(busy: World) -> None:
    world = busy
    record(world, "death")
    before = Reminder.objects.filter(patient=world.own).count()
    sweep_at(timezone.now() + datetime.timedelta(days=30))
    assert Reminder.objects.filter(patient=world.own).count() == before
    assert not Reminder.objects.filter(patient=world.own).unsent().exists()


def test_a_move_out_of_the_territory_exits_the_patient_in_neutral_words(
    busy: World, committed
) -> None:
    world = busy
    committed(lambda: record(world, "moved", by=world.coordinator))
    world.own.refresh_from_db()
    assert (world.own.status, world.own.exit_reason) == (PatientStatus.EXITED, "moved")
    assert not Sic.objects.filter(patient=world.own).open().exists()
    assert not world.own.care_plans.exclude(status=PlanStatus.ARCHIVED).exists()
    told = set(Reminder.objects.filter(kind="pathway_moved").values_list("recipient", flat=True))
    assert world.gp.pk in told
    assert world.coordinator.pk not in told  # who recorded it
    assert not Reminder.objects.filter(kind="pathway_death").exists()
    (message,) = reminder_mails_to(world.gp)
    assert_initials_only(message, world.own)
    assert "décès" not in message.body.lower()


def test_a_second_death_is_refused(world: World) -> None:
    record(world, "death")
    with pytest.raises(ValidationError):
        record(world, "death")


def test_the_exited_patient_stays_readable_and_takes_no_new_event(world: World) -> None:
    record(world, "death")
    page = client_for(world.gp).get(f"/patients/{world.own.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f"/patients/{world.own.pk}/parcours/nouveau/" not in html


def test_the_exit_form_stops_the_sics_and_the_plan_too(world: World, sics: dict) -> None:
    plan_in_force(world, world.own)
    response = client_for(world.coordinator).post(
        f"/patients/{world.own.pk}/sortie/",
        {"reason": "withdrawal", "on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert not Sic.objects.filter(patient=world.own).open().exists()
    assert [p.status for p in world.own.care_plans.all()] == [PlanStatus.ARCHIVED]
    # A withdrawal is not announced to the team as a death or a move.
    assert not Reminder.objects.filter(kind__in=["pathway_death", "pathway_moved"]).exists()


def correct_through_the_page(world: World, event, **changes) -> None:
    fields = {
        "occurred_on": event.occurred_on.isoformat(),
        "source": event.source,
        "source_detail": event.source_detail,
        **changes,
    }
    response = client_for(world.gp).post(
        f"/patients/{world.own.pk}/parcours/{event.pk}/modifier/", fields
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_corrected_date_of_death_moves_the_exit_date(world: World) -> None:
    death = record(world, "death")
    world.own.refresh_from_db()
    assert world.own.exit_date == yesterday()
    earlier = yesterday() - datetime.timedelta(days=3)

    correct_through_the_page(world, death, occurred_on=earlier.isoformat())

    world.own.refresh_from_db()
    assert world.own.status == PatientStatus.EXITED
    assert world.own.exit_date == earlier
    fhir = client_for(world.gp).get(
        f"/fhir/Patient/{world.own.pk}", HTTP_ACCEPT="application/fhir+json"
    )
    assert fhir.status_code == 200
    assert fhir.json()["deceasedDateTime"] == earlier.isoformat()


def test_a_death_recorded_after_a_withdrawal_leaves_the_withdrawal_date(world: World) -> None:
    left = yesterday() - datetime.timedelta(days=10)
    world.own.exit(reason="withdrawal", on=left)
    death = record(world, "death")

    correct_through_the_page(
        world, death, occurred_on=(yesterday() - datetime.timedelta(days=2)).isoformat()
    )

    world.own.refresh_from_db()
    assert world.own.exit_reason == "withdrawal"
    assert world.own.exit_date == left
