"""Each rule, with a frozen clock on both sides of its thresholds: who is reminded, when, and
never twice for the same cycle."""

import datetime

import pytest
from django.utils import timezone

from careplans.models import ActionStatus, Owner
from patients.models import ConsentKind
from sic.models import ContributionKind
from sic.selectors import contribution_for
from sic.services import sic_schedule
from tests.conftest import World
from tests.factories import (
    MembershipFactory,
    PatientFactory,
    ProfessionalFactory,
    late_action,
    plan_in_force,
    planned_sic,
    proposed_plan,
)
from tests.reminders.conftest import frozen, moment, recipients, rows, sweep_at

DAY = datetime.timedelta(days=1)


def submit(sic, user, kind: str) -> None:
    contribution = contribution_for(sic=sic, kind=kind, user=user)
    contribution.save_content(content={"x": "y"}, by=user, submit=True)


# --- A SIC due within 30 days and not scheduled ---------------------------------------------


def test_it_reminds_the_coordinator_and_the_gp_30_days_before_the_due_date(
    quiet_world: World,
) -> None:
    world = quiet_world
    planned_sic(world.own, due=moment(40).date())
    sweep_at(moment(9))
    assert recipients("sic_due") == []
    sweep_at(moment(10))
    assert recipients("sic_due") == [world.coordinator.email, world.gp.email]
    assert {r.cycle for r in rows("sic_due")} == {moment(40).date().isoformat()}
    sweep_at(moment(25))
    assert len(rows("sic_due")) == 2


def test_it_stops_once_the_sic_is_scheduled(quiet_world: World) -> None:
    sic = planned_sic(quiet_world.own, due=moment(20).date())
    sic_schedule(sic=sic, at=moment(18, 14))
    sweep_at(moment(1))
    assert rows("sic_due") == []


@pytest.mark.parametrize(("days", "reminded"), [(11, False), (10, True)])
def test_the_due_delay_is_a_setting(quiet_world: World, settings, days, reminded) -> None:
    settings.LABPARCOURS_REMINDER_SIC_DUE_DAYS = 10
    planned_sic(quiet_world.own, due=moment(days).date())
    sweep_at(moment(0))
    assert bool(rows("sic_due")) is reminded


# --- An overdue SIC, every 7 days until it is scheduled -------------------------------------


def test_it_reminds_the_coordinator_of_an_overdue_sic_every_seven_days(
    quiet_world: World,
) -> None:
    world = quiet_world
    due = moment(0).date()
    sic = planned_sic(world.own, due=due)
    expected = {0: 0, 1: 1, 7: 1, 8: 2, 14: 2, 15: 3}
    for days, count in expected.items():
        sweep_at(moment(days))
        assert len(rows("sic_overdue")) == count, f"{days} days after the due date"
    assert set(recipients("sic_overdue")) == {world.coordinator.email}
    assert [r.cycle for r in rows("sic_overdue")] == [
        f"{due.isoformat()}/0",
        f"{due.isoformat()}/1",
        f"{due.isoformat()}/2",
    ]
    with frozen(moment(16)):
        sic_schedule(sic=sic, at=moment(20, 14))
    sweep_at(moment(22))
    assert len(rows("sic_overdue")) == 3


def test_the_overdue_frequency_is_a_setting(quiet_world: World, settings) -> None:
    settings.LABPARCOURS_REMINDER_OVERDUE_EVERY_DAYS = 2
    planned_sic(quiet_world.own, due=moment(0).date())
    for days in (1, 2, 3, 4):
        sweep_at(moment(days))
    assert len(rows("sic_overdue")) == 2


# --- Contributions 7 and 2 days before the SIC ----------------------------------------------


@pytest.fixture
def scheduled(quiet_world: World):
    """The own patient's SIC on day 10 at 14:00, the GP's summary already submitted."""
    sic = planned_sic(quiet_world.own, due=moment(10).date())
    sic = sic_schedule(sic=sic, at=moment(10, 14))
    submit(sic, quiet_world.gp, ContributionKind.GP_SUMMARY)
    return sic


def test_it_reminds_each_missing_author_seven_then_two_days_before(
    quiet_world: World, scheduled
) -> None:
    world = quiet_world
    sweep_at(moment(2))
    assert rows("contribution") == []
    sweep_at(moment(3, 8))
    authors = [world.nurse.email, world.pharmacist.email, world.specialist.email]
    assert sorted(recipients("contribution")) == sorted(authors)
    assert {r.cycle for r in rows("contribution")} == {f"{moment(10).date().isoformat()}/J-7"}
    sweep_at(moment(4))
    assert len(rows("contribution")) == 3

    with frozen(moment(5)):
        submit(scheduled, world.pharmacist, ContributionKind.MEDICATION_REVIEW)
    sweep_at(moment(7))
    assert len(rows("contribution")) == 3
    sweep_at(moment(8))
    second = rows("contribution", cycle__endswith="J-2")
    assert sorted(r.recipient.email for r in second) == sorted(
        [world.nurse.email, world.specialist.email]
    )
    # Links lead to the page to write the contribution.
    nurse_row = next(r for r in second if r.recipient == world.nurse)
    assert nurse_row.link == f"/sic/{scheduled.pk}/contribution/nursing_assessment/"


def test_a_draft_is_not_a_submitted_contribution(quiet_world: World, scheduled) -> None:
    draft = contribution_for(sic=scheduled, kind="nursing_assessment", user=quiet_world.nurse)
    draft.save_content(content={"x": "y"}, by=quiet_world.nurse, submit=False)
    sweep_at(moment(3))
    assert quiet_world.nurse.email in recipients("contribution")


def test_a_late_first_sweep_sends_only_the_latest_threshold(quiet_world: World, scheduled) -> None:
    sweep_at(moment(9))
    assert {r.cycle.split("/")[1] for r in rows("contribution")} == {"J-2"}


def test_nothing_is_reminded_once_the_sic_has_begun(quiet_world: World, scheduled) -> None:
    sweep_at(moment(10, 15))
    assert rows("contribution") == []
    assert rows("patient_form") == []


def test_it_reminds_the_patient_and_the_caregiver_of_the_experience_form(
    quiet_world: World, scheduled
) -> None:
    world = quiet_world
    sweep_at(moment(3))
    assert recipients("patient_form") == [
        world.caregiver_user.email,
        world.patient_user.email,
    ]
    assert rows("patient_form")[0].link == (f"/sic/{scheduled.pk}/contribution/patient_experience/")
    with frozen(moment(4)):
        submit(scheduled, world.caregiver_user, ContributionKind.PATIENT_EXPERIENCE)
    sweep_at(moment(8))
    assert len(rows("patient_form")) == 2


def test_the_days_before_are_a_setting(quiet_world: World, scheduled, settings) -> None:
    settings.LABPARCOURS_REMINDER_CONTRIBUTION_DAYS_BEFORE = [3]
    sweep_at(moment(6))
    assert rows("contribution") == []
    sweep_at(moment(7))
    assert {r.cycle.split("/")[1] for r in rows("contribution")} == {"J-3"}


def test_a_member_who_left_is_not_reminded(quiet_world: World, scheduled) -> None:
    quiet_world.nurse.professional.memberships.get().leave()
    sweep_at(moment(3))
    assert quiet_world.nurse.email not in recipients("contribution")


# --- The day before the SIC ------------------------------------------------------------------


def test_it_reminds_every_invited_member_and_the_patient_the_day_before(
    quiet_world: World, scheduled
) -> None:
    world = quiet_world
    sweep_at(moment(8))
    assert rows("sic_tomorrow") == []
    sweep_at(moment(9, 8))
    assert sorted(recipients("sic_tomorrow")) == sorted(
        [
            world.gp.email,
            world.nurse.email,
            world.pharmacist.email,
            world.specialist.email,
            world.patient_user.email,
            world.caregiver_user.email,
        ]
    )
    row = rows("sic_tomorrow")[0]
    assert row.context["video_url"] == scheduled.video_url
    assert row.context["time"] == "14:00"
    sweep_at(moment(9, 18))
    sweep_at(moment(10, 8))
    assert len(rows("sic_tomorrow")) == 6


def test_the_patient_who_does_not_attend_sics_is_not_told(quiet_world: World, scheduled) -> None:
    quiet_world.own.consents.get(kind=ConsentKind.SIC_ATTENDANCE).withdraw()
    sweep_at(moment(9))
    emails = recipients("sic_tomorrow")
    assert quiet_world.patient_user.email not in emails
    assert quiet_world.caregiver_user.email not in emails
    assert quiet_world.gp.email in emails


def test_a_rescheduled_sic_is_reminded_for_its_new_date(quiet_world: World, scheduled) -> None:
    sweep_at(moment(9))
    with frozen(moment(9, 10)):
        sic_schedule(sic=scheduled, at=moment(10, 17))
    sweep_at(moment(9, 11))
    gp_rows = rows("sic_tomorrow", recipient=quiet_world.gp)
    assert [r.context["time"] for r in gp_rows] == ["14:00", "17:00"]


# --- A care plan proposed and not answered --------------------------------------------------


def test_it_reminds_the_patient_after_7_days_then_the_coordinator_after_14(
    quiet_world: World,
) -> None:
    world = quiet_world
    plan = proposed_plan(world, world.own, moment(0, 11))
    sweep_at(moment(6, 18))
    assert rows("plan_to_answer") == []
    sweep_at(moment(7, 8))
    assert recipients("plan_to_answer") == [
        world.caregiver_user.email,
        world.patient_user.email,
    ]
    assert rows("plan_unanswered") == []
    sweep_at(moment(13, 19))
    assert rows("plan_unanswered") == []
    sweep_at(moment(14, 8))
    assert recipients("plan_unanswered") == [world.coordinator.email]
    assert rows("plan_unanswered")[0].link == f"/plans/{plan.pk}/"
    assert len(rows("plan_to_answer")) == 2


def test_an_answered_plan_is_not_reminded(quiet_world: World) -> None:
    plan = proposed_plan(quiet_world, quiet_world.own, moment(0, 11))
    with frozen(moment(3)):
        plan.validate(by=quiet_world.patient_user)
    sweep_at(moment(15))
    assert rows("plan_to_answer") == []
    assert rows("plan_unanswered") == []


@pytest.mark.parametrize(("days", "reminded"), [(2, False), (3, True)])
def test_the_plan_delays_are_settings(quiet_world: World, settings, days, reminded) -> None:
    settings.LABPARCOURS_REMINDER_PLAN_PATIENT_DAYS = 3
    proposed_plan(quiet_world, quiet_world.own, moment(0, 11))
    sweep_at(moment(days))
    assert bool(rows("plan_to_answer")) is reminded


# --- Actions past their date: a weekly digest to their owner ---------------------------------


def test_it_reminds_the_owners_of_late_actions_once_a_week(quiet_world: World) -> None:
    world = quiet_world
    nurse = world.own.care_team.memberships.get(role="nurse", left_at__isnull=True)
    with frozen(moment(0)):
        plan = plan_in_force(world, world.own)
    due = moment(2).date()
    late_action(plan, owner=Owner.MEMBER, membership=nurse, due=due)
    late_action(plan, owner=Owner.MEMBER, membership=nurse, due=due)
    late_action(plan, owner=Owner.PATIENT, due=due)
    late_action(plan, owner=Owner.CAREGIVER, due=due)
    late_action(plan, owner=Owner.PROVIDER, provider="Diététicienne", due=due)
    late_action(plan, owner=Owner.MEMBER, membership=nurse, due=due).set_status(ActionStatus.DONE)
    sweep_at(moment(2))
    assert rows("actions_late") == []
    sweep_at(moment(3))
    assert recipients("actions_late") == [
        world.caregiver_user.email,
        world.patient_user.email,
        world.nurse.email,
    ]
    nurse_row = rows("actions_late", recipient=world.nurse)[0]
    assert nurse_row.context == {"count": 2}
    assert nurse_row.link == "/mes-actions/"
    week = (moment(3).date() + DAY * 7).isocalendar()
    sweep_at(moment(3, 15))
    assert len(rows("actions_late")) == 3
    sweep_at(moment(10))
    assert len(rows("actions_late")) == 6
    assert rows("actions_late", recipient=world.nurse)[-1].cycle == (
        f"{week.year}-W{week.week:02d}"
    )


def test_actions_of_a_plan_not_in_force_are_not_reminded(quiet_world: World) -> None:
    nurse = quiet_world.own.care_team.memberships.get(role="nurse", left_at__isnull=True)
    plan = proposed_plan(quiet_world, quiet_world.own, moment(0))
    late_action(plan, owner=Owner.MEMBER, membership=nurse, due=moment(-5).date())
    sweep_at(moment(0))
    assert rows("actions_late") == []


# --- A team incomplete 30 days after inclusion -----------------------------------------------


def test_it_reminds_the_coordinator_of_a_team_incomplete_30_days_after_inclusion(
    quiet_world: World,
) -> None:
    world = quiet_world
    patient = PatientFactory(coordinator=world.coordinator, inclusion_date=moment(0).date())
    MembershipFactory(patient=patient, professional=ProfessionalFactory(), role="gp")
    sweep_at(moment(29))
    assert rows("team_incomplete") == []
    sweep_at(moment(30))
    (row,) = rows("team_incomplete")
    assert (row.recipient, row.patient) == (world.coordinator, patient)
    assert row.context["missing"] == ["nurse", "pharmacist", "specialist"]
    assert row.link == f"/patients/{patient.pk}/equipe/"
    sweep_at(moment(45))
    assert len(rows("team_incomplete")) == 1


def test_a_complete_team_is_not_reminded(quiet_world: World) -> None:
    sweep_at(moment(0))
    assert rows("team_incomplete") == []


def test_the_other_patients_incomplete_team_is_reported(world: World, settings) -> None:
    settings.LABPARCOURS_REMINDER_TEAM_INCOMPLETE_DAYS = 61
    sweep_at(moment(0))
    assert rows("team_incomplete") == []
    sweep_at(moment(1))
    assert [r.patient for r in rows("team_incomplete")] == [world.other]


# --- Patients who left the programme --------------------------------------------------------


def test_nobody_is_reminded_about_a_patient_who_left_the_programme(quiet_world: World) -> None:
    planned_sic(quiet_world.own, due=moment(-20).date())
    quiet_world.own.exit(reason="moved", on=timezone.localdate())
    sweep_at(moment(0))
    assert rows("sic_overdue") == []


# --- A SIC whose date is over but that nobody recorded ---------------------------------------


def test_it_reminds_to_record_a_sic_the_day_after_then_weekly(quiet_world: World) -> None:
    world = quiet_world
    sic = planned_sic(world.own, due=moment(5).date())
    with frozen(moment(0)):
        sic_schedule(sic=sic, at=moment(3, 14))
    sweep_at(moment(4, 8))  # the evening after: not yet
    assert rows("sic_to_record") == []
    sweep_at(moment(4, 15))  # a day after it began
    assert recipients("sic_to_record") == [world.coordinator.email, world.gp.email]
    assert rows("sic_to_record")[0].link == f"/sic/{sic.pk}/compte-rendu/"
    sweep_at(moment(10, 15))
    assert len(rows("sic_to_record")) == 2
    sweep_at(moment(11, 15))
    assert len(rows("sic_to_record")) == 4


def test_recording_the_sic_stops_the_reminders(quiet_world: World) -> None:
    from sic.services import sic_hold

    sic = planned_sic(quiet_world.own, due=moment(5).date())
    with frozen(moment(0)):
        sic_schedule(sic=sic, at=moment(3, 14))
    with frozen(moment(6)):
        sic_hold(
            sic=sic,
            by=quiet_world.coordinator,
            minutes="ok",
            patient_present=True,
            caregiver_present=False,
            present_memberships=[],
            decisions=[],
        )
    sweep_at(moment(7))
    assert rows("sic_to_record") == []
