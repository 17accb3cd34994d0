"""Liberal professionals accrue one line per piece of work, at the rate in force that day;
undoing the work appends a reversal, never an edit."""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from indemnities.models import IndemnityLine, LineEntry, LineState
from indemnities.services import contribution_accrue, line_reverse
from labparcours.errors import NotAllowed
from labparcours.ledger import LedgerIsAppendOnly
from sic.models import Contribution, ContributionKind
from sic.selectors import contribution_for
from sic.services import contribution_save, sic_attendance_correct, sic_ensure_planned
from teams.models import PracticeMode
from tests.conftest import World
from tests.factories import held_sic, indemnity_kind, indemnity_rate

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def rates(world: World) -> None:
    indemnity_rate("gp_summary", "50.00")
    indemnity_rate("medication_review", "40.00")
    indemnity_rate("specialist_opinion", "60.00")
    indemnity_rate("sic_attendance", "30.00")
    indemnity_rate("sic_attendance", "45.00", profession="gp")


def submit(world: World, role: str, kind: str, *, submit: bool = True) -> Contribution:
    sic = sic_ensure_planned(patient=world.own)
    assert sic is not None
    user = world.user(role)
    contribution = contribution_for(sic=sic, kind=kind, user=user)
    return contribution_save(
        contribution=contribution, by=user, content={"summary": "RAS"}, submit=submit
    )


def lines_of(world: World, role: str) -> list[tuple[str, str, Decimal]]:
    return list(
        IndemnityLine.objects.filter(professional__user=world.user(role))
        .order_by("pk")
        .values_list("kind__code", "entry", "amount")
    )


def test_it_accrues_one_line_when_a_contribution_is_submitted(world: World, rates: None) -> None:
    contribution = submit(world, "gp", ContributionKind.GP_SUMMARY)
    line = IndemnityLine.objects.get()
    assert (line.kind.code, line.amount, line.patient, line.contribution) == (
        "gp_summary",
        Decimal("50.00"),
        world.own,
        contribution,
    )
    assert line.worked_on == timezone.localdate(contribution.submitted_at)
    assert line.rate is not None


def test_a_draft_accrues_nothing_and_a_second_submission_nothing_more(
    world: World, rates: None
) -> None:
    submit(world, "gp", ContributionKind.GP_SUMMARY, submit=False)
    assert lines_of(world, "gp") == []
    submit(world, "gp", ContributionKind.GP_SUMMARY)
    submit(world, "gp", ContributionKind.GP_SUMMARY)
    assert lines_of(world, "gp") == [("gp_summary", "accrual", Decimal("50.00"))]


def test_the_database_refuses_a_second_accrual_for_one_source(world: World, rates: None) -> None:
    contribution = submit(world, "gp", ContributionKind.GP_SUMMARY)
    line = IndemnityLine.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        IndemnityLine.objects.create(
            professional=line.professional,
            kind=line.kind,
            entry=LineEntry.ACCRUAL,
            amount=line.amount,
            worked_on=line.worked_on,
            contribution=contribution,
        )


@pytest.mark.parametrize("mode", [PracticeMode.HOSPITAL, PracticeMode.SALARIED])
def test_salaried_and_hospital_professionals_accrue_nothing(
    world: World, rates: None, mode: str
) -> None:
    professional = world.specialist.professional
    professional.practice_mode = mode
    professional.save(update_fields=["practice_mode"])
    submit(world, "specialist", ContributionKind.SPECIALIST_OPINION)
    held_sic(world, present=["specialist"])
    assert lines_of(world, "specialist") == []


def test_the_patients_form_accrues_nothing(world: World, rates: None) -> None:
    submit(world, "patient_user", ContributionKind.PATIENT_EXPERIENCE)
    assert IndemnityLine.objects.count() == 0


def test_attendance_at_a_held_sic_accrues_for_those_present_only(world: World, rates: None) -> None:
    sic = held_sic(world, present=["gp", "nurse"])
    # The GP's own rate beats the general one; the pharmacist was absent.
    assert lines_of(world, "gp") == [("sic_attendance", "accrual", Decimal("45.00"))]
    assert lines_of(world, "nurse") == [("sic_attendance", "accrual", Decimal("30.00"))]
    assert lines_of(world, "pharmacist") == []
    assert sic.held_at is not None
    assert {line.worked_on for line in IndemnityLine.objects.all()} == {
        timezone.localdate(sic.held_at)
    }


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 2, 28), Decimal("50.00")),  # the day before the new rate
        (datetime.date(2026, 3, 1), Decimal("55.00")),  # its first day
        (datetime.date(2026, 3, 31), Decimal("55.00")),  # its last day
        (datetime.date(2026, 4, 1), Decimal("58.00")),  # the day after
    ],
)
def test_the_rate_is_the_one_in_force_on_the_day_of_the_work(
    world: World, day: datetime.date, expected: Decimal
) -> None:
    indemnity_rate("gp_summary", "50.00", valid_until=datetime.date(2026, 2, 28))
    indemnity_rate(
        "gp_summary",
        "55.00",
        valid_from=datetime.date(2026, 3, 1),
        valid_until=datetime.date(2026, 3, 31),
    )
    indemnity_rate("gp_summary", "58.00", valid_from=datetime.date(2026, 4, 1))
    # 00:30 in Paris is still the day before in UTC: the day of the work is the local one.
    at = datetime.datetime.combine(day, datetime.time(0, 30), tzinfo=PARIS)
    with time_machine.travel(at, tick=False):
        submit(world, "gp", ContributionKind.GP_SUMMARY)
    assert lines_of(world, "gp") == [("gp_summary", "accrual", expected)]


def test_a_rate_change_never_alters_what_accrued(world: World, rates: None) -> None:
    submit(world, "gp", ContributionKind.GP_SUMMARY)
    rate = indemnity_kind("gp_summary").rates.get()
    rate.amount = Decimal("80.00")
    rate.save()
    assert lines_of(world, "gp") == [("gp_summary", "accrual", Decimal("50.00"))]


def test_no_rate_in_force_accrues_nothing_and_names_nobody_in_the_log(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    indemnity_kind("gp_summary")  # the kind, without a rate (a test that commits removes it)
    with caplog.at_level(logging.WARNING, logger="indemnities.services"):
        submit(world, "gp", ContributionKind.GP_SUMMARY)
    assert IndemnityLine.objects.count() == 0
    assert "gp_summary" in caplog.text
    assert world.own.last_name not in caplog.text


def test_a_correction_of_attendance_before_payment_cancels_the_line(
    world: World, rates: None
) -> None:
    sic = held_sic(world, present=["gp", "nurse"])
    nurse = world.own.care_team.memberships.get(professional__user=world.nurse)
    gp = world.own.care_team.memberships.get(professional__user=world.gp)
    sic_attendance_correct(sic=sic, by=world.coordinator, present_memberships=[gp.pk])
    assert lines_of(world, "nurse") == [
        ("sic_attendance", "accrual", Decimal("30.00")),
        ("sic_attendance", "reversal", Decimal("-30.00")),
    ]
    states = set(
        IndemnityLine.objects.filter(professional__user=world.nurse)
        .with_state()
        .values_list("state", flat=True)
    )
    assert states == {LineState.CANCELLED}
    # Present after all: a new line says so; the first stays reversed.
    sic_attendance_correct(sic=sic, by=world.coordinator, present_memberships=[gp.pk, nurse.pk])
    assert lines_of(world, "nurse")[-1] == ("sic_attendance", "item", Decimal("30.00"))
    assert lines_of(world, "gp") == [("sic_attendance", "accrual", Decimal("45.00"))]


def test_only_who_leads_the_team_corrects_attendance(world: World, rates: None) -> None:
    sic = held_sic(world, present=["gp"])
    with pytest.raises(NotAllowed):
        sic_attendance_correct(sic=sic, by=world.nurse, present_memberships=[])
    assert lines_of(world, "gp") == [("sic_attendance", "accrual", Decimal("45.00"))]


def test_only_the_admin_reverses_a_line_and_says_why(world: World, rates: None) -> None:
    submit(world, "gp", ContributionKind.GP_SUMMARY)
    line = IndemnityLine.objects.get()
    with pytest.raises(NotAllowed):
        line_reverse(line=line, by=world.coordinator, why="erreur")
    reversal = line_reverse(line=line, by=world.admin, why="Saisie en double")
    assert reversal.amount == Decimal("-50.00")
    assert reversal.reverses == line


def test_the_ledger_is_never_changed(world: World, rates: None) -> None:
    submit(world, "gp", ContributionKind.GP_SUMMARY)
    line = IndemnityLine.objects.get()
    line.amount = Decimal("500.00")
    with pytest.raises(LedgerIsAppendOnly):
        line.save()
    with pytest.raises(LedgerIsAppendOnly):
        line.delete()
    with pytest.raises(LedgerIsAppendOnly):
        IndemnityLine.objects.update(amount=Decimal("1.00"))
    assert IndemnityLine.objects.get().amount == Decimal("50.00")


@pytest.mark.owner
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_an_update_whatever_the_door(
    needs_postgres: None, fresh_world: World
) -> None:
    from django.db import connection

    indemnity_rate("gp_summary", "50.00")
    submit(fresh_world, "gp", ContributionKind.GP_SUMMARY)
    line = IndemnityLine.objects.get()
    for sql in (
        "UPDATE indemnities_indemnityline SET amount = 1 WHERE id = %s",
        "DELETE FROM indemnities_indemnityline WHERE id = %s",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            connection.cursor().execute(sql, [line.pk])


def test_contribution_accrue_is_idempotent(world: World, rates: None) -> None:
    contribution = submit(world, "gp", ContributionKind.GP_SUMMARY)
    assert contribution_accrue(contribution=contribution) == IndemnityLine.objects.get()
