"""Approved lines of a period are paid once, in one batch, by a SEPA file that pays exactly
what the batch holds; corrections after payment go to the next batch."""

from __future__ import annotations

import datetime
import threading
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from indemnities.models import (
    BatchConflict,
    BatchLine,
    IndemnityLine,
    LineState,
    PaymentBatch,
)
from indemnities.services import (
    batch_build,
    batch_mark_paid,
    batch_totals,
    line_reverse,
    lines_approve,
)
from labparcours.errors import DomainError, InvalidTransition, NotAllowed
from programme.demo_data import DEMO_IBANS
from sic.selectors import contribution_for
from sic.services import contribution_save, sic_attendance_correct, sic_ensure_planned
from tests.conftest import World
from tests.factories import bank_account, held_sic, indemnity_rate

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
SCHEMA = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"


def today() -> datetime.date:
    return timezone.localdate()


def period() -> dict[str, datetime.date]:
    # The SICs of the tests are held tomorrow (scheduled then recorded held).
    return {
        "period_start": today() - datetime.timedelta(days=31),
        "period_end": today() + datetime.timedelta(days=7),
    }


@pytest.fixture
def paid_team(world: World) -> World:
    """A held SIC attended by the GP, the nurse and the pharmacist, each with bank details."""
    indemnity_rate("sic_attendance", "30.00")
    indemnity_rate("sic_attendance", "45.00", profession="gp")
    for role, iban in zip(("gp", "nurse", "pharmacist"), DEMO_IBANS, strict=False):
        bank_account(world.user(role).professional, iban)
    held_sic(world, present=["gp", "nurse", "pharmacist"])
    return world


def build(world: World, **extra: object) -> PaymentBatch:
    return batch_build(
        **period(), execution_date=today() + datetime.timedelta(days=2), by=world.admin, **extra
    )


def state_of(line: IndemnityLine) -> str:
    return IndemnityLine.objects.with_state().get(pk=line.pk).state  # type: ignore[attr-defined]


def test_only_approved_lines_enter_a_batch(paid_team: World) -> None:
    with pytest.raises(DomainError, match="Aucune ligne validée"):
        build(paid_team)
    assert lines_approve(lines=IndemnityLine.objects.all(), by=paid_team.admin) == 3
    assert lines_approve(lines=IndemnityLine.objects.all(), by=paid_team.admin) == 0
    batch = build(paid_team)
    assert sorted(batch_totals(batch).values()) == [Decimal("30.00")] * 2 + [Decimal("45.00")]
    assert {state_of(line) for line in IndemnityLine.objects.all()} == {LineState.BATCHED}


def test_approving_and_building_are_the_admins(paid_team: World) -> None:
    with pytest.raises(NotAllowed):
        lines_approve(lines=IndemnityLine.objects.all(), by=paid_team.coordinator)
    lines_approve(lines=IndemnityLine.objects.all(), by=paid_team.admin)
    with pytest.raises(NotAllowed):
        batch_build(**period(), execution_date=today(), by=paid_team.coordinator)


def test_a_professional_without_bank_details_waits_for_the_next_batch(paid_team: World) -> None:
    paid_team.pharmacist.professional.bank_account.delete()
    lines_approve(lines=IndemnityLine.objects.all(), by=paid_team.admin)
    batch = build(paid_team)
    pharmacist_line = IndemnityLine.objects.get(professional__user=paid_team.pharmacist)
    assert paid_team.pharmacist.professional.pk not in batch_totals(batch)
    assert state_of(pharmacist_line) == LineState.APPROVED


def test_a_line_enters_one_batch_only(paid_team: World) -> None:
    lines_approve(lines=IndemnityLine.objects.all(), by=paid_team.admin)
    batch = build(paid_team)
    with pytest.raises(DomainError, match="Aucune ligne validée"):
        build(paid_team)
    with pytest.raises(IntegrityError), transaction.atomic():
        BatchLine.objects.create(batch=batch, line=IndemnityLine.objects.first())


def test_the_sepa_file_is_valid_and_pays_what_the_batch_holds(paid_team: World) -> None:
    lines_approve(lines=IndemnityLine.objects.all(), by=paid_team.admin)
    batch = build(paid_team)
    xmlschema.XMLSchema(str(SCHEMA)).validate(batch.sepa_file.decode())
    root = ET.fromstring(batch.sepa_file)  # noqa: S314 — the file the application wrote
    transfers = root.findall(".//p:CdtTrfTxInf", NS)
    amounts = sorted(Decimal(t.find("p:Amt/p:InstdAmt", NS).text) for t in transfers)
    assert amounts == sorted(batch_totals(batch).values())
    assert Decimal(root.find(".//p:GrpHdr/p:CtrlSum", NS).text) == sum(amounts)
    assert root.find(".//p:GrpHdr/p:NbOfTxs", NS).text == "3"
    ibans = {t.find("p:CdtrAcct/p:Id/p:IBAN", NS).text for t in transfers}
    assert ibans == set(DEMO_IBANS[:3])
    texts = {t.find("p:RmtInf/p:Ustrd", NS).text for t in transfers}
    assert texts == {
        f"Lab Parcours indemnites {batch.reference} du {batch.period_start:%d/%m/%Y} "
        f"au {batch.period_end:%d/%m/%Y}"
    }
    # Nothing names the patient: the remittance text is the batch's, the references are ids.
    assert str(paid_team.own.pk).encode() not in batch.sepa_file
    assert paid_team.own.last_name.upper().encode() not in batch.sepa_file.upper()


def test_the_sepa_file_downloaded_again_is_the_same_bytes(paid_team: World) -> None:
    lines_approve(lines=IndemnityLine.objects.all(), by=paid_team.admin)
    batch = build(paid_team)
    again = PaymentBatch.objects.get(pk=batch.pk)
    assert bytes(again.sepa_file) == bytes(batch.sepa_file)


def test_marking_paid_records_the_date_and_reference_once(paid_team: World) -> None:
    lines_approve(lines=IndemnityLine.objects.all(), by=paid_team.admin)
    batch = build(paid_team)
    with pytest.raises(DomainError, match="référence bancaire"):
        batch_mark_paid(batch=batch, paid_on=today(), bank_reference=" ", by=paid_team.admin)
    with pytest.raises(NotAllowed):
        batch_mark_paid(batch=batch, paid_on=today(), bank_reference="VIR-1", by=paid_team.gp)
    batch_mark_paid(batch=batch, paid_on=today(), bank_reference="VIR-1", by=paid_team.admin)
    assert {state_of(line) for line in IndemnityLine.objects.all()} == {LineState.PAID}
    with pytest.raises(InvalidTransition):
        batch_mark_paid(batch=batch, paid_on=today(), bank_reference="VIR-2", by=paid_team.admin)


def test_a_correction_after_payment_is_deducted_in_the_next_batch(paid_team: World) -> None:
    lines_approve(lines=IndemnityLine.objects.all(), by=paid_team.admin)
    first = build(paid_team)
    batch_mark_paid(batch=first, paid_on=today(), bank_reference="VIR-1", by=paid_team.admin)
    gp_line = IndemnityLine.objects.get(professional__user=paid_team.gp)
    reversal = line_reverse(line=gp_line, by=paid_team.admin, why="Absent en réalité")
    assert state_of(gp_line) == LineState.PAID
    assert state_of(reversal) == LineState.ACCRUED
    # The GP then writes the next SIC's summary (50 €): the 45 € paid by mistake come off it.
    indemnity_rate("gp_summary", "50.00")
    sic = sic_ensure_planned(patient=paid_team.own)
    contribution = contribution_for(sic=sic, kind="gp_summary", user=paid_team.gp)
    contribution_save(contribution=contribution, by=paid_team.gp, content={}, submit=True)
    lines_approve(lines=IndemnityLine.objects.all(), by=paid_team.admin)
    second = build(paid_team)
    assert batch_totals(second) == {paid_team.gp.professional.pk: Decimal("5.00")}
    assert state_of(reversal) == LineState.BATCHED


def test_a_correction_larger_than_what_is_owed_waits(paid_team: World) -> None:
    lines_approve(lines=IndemnityLine.objects.all(), by=paid_team.admin)
    first = build(paid_team)
    batch_mark_paid(batch=first, paid_on=today(), bank_reference="VIR-1", by=paid_team.admin)
    nurse_line = IndemnityLine.objects.get(professional__user=paid_team.nurse)
    reversal = line_reverse(line=nurse_line, by=paid_team.admin, why="Absente en réalité")
    lines_approve(lines=IndemnityLine.objects.all(), by=paid_team.admin)
    with pytest.raises(DomainError, match="Aucune ligne validée"):
        build(paid_team)  # no negative nor zero transfer is ever made
    assert state_of(reversal) == LineState.APPROVED


def test_reversing_before_payment_cancels_both_lines(paid_team: World) -> None:
    sic = IndemnityLine.objects.first().sic
    gp = paid_team.own.care_team.memberships.get(professional__user=paid_team.gp)
    lines_approve(lines=IndemnityLine.objects.all(), by=paid_team.admin)
    sic_attendance_correct(sic=sic, by=paid_team.coordinator, present_memberships=[gp.pk])
    batch = build(paid_team)
    assert set(batch_totals(batch)) == {paid_team.gp.professional.pk}


def test_totals_equal_an_independent_sum(paid_team: World) -> None:
    lines_approve(lines=IndemnityLine.objects.all(), by=paid_team.admin)
    batch = build(paid_team)
    expected: dict[int, Decimal] = {}
    for line in IndemnityLine.objects.all():
        expected[line.professional_id] = expected.get(line.professional_id, Decimal(0)) + (
            line.amount
        )
    assert batch_totals(batch) == expected


@pytest.mark.django_db(transaction=True)
def test_two_admins_building_at_once_get_one_batch(
    needs_postgres: None, fresh_world: World
) -> None:
    indemnity_rate("sic_attendance", "30.00")
    for role, iban in zip(("gp", "nurse", "pharmacist"), DEMO_IBANS, strict=False):
        bank_account(fresh_world.user(role).professional, iban)
    held_sic(fresh_world, present=["gp", "nurse", "pharmacist"])
    lines_approve(lines=IndemnityLine.objects.all(), by=fresh_world.admin)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def build_one() -> None:
        try:
            start.wait()
            batch_build(**period(), execution_date=today(), by=fresh_world.admin)
            outcomes.append("built")
        except (BatchConflict, DomainError):
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=build_one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["built", "refused"]
    assert PaymentBatch.objects.count() == 1
    assert BatchLine.objects.count() == IndemnityLine.objects.count() == 3


def test_payable_lines_are_exactly_the_approved_ones(paid_team: World) -> None:
    """The batch's fast filter and the states shown to people never disagree: lines in every
    state, corrections of paid lines and reversals of unpaid ones included."""
    lines_approve(lines=IndemnityLine.objects.all(), by=paid_team.admin)
    first = build(paid_team)
    batch_mark_paid(batch=first, paid_on=today(), bank_reference="VIR-1", by=paid_team.admin)
    paid_line = IndemnityLine.objects.get(professional__user=paid_team.gp)
    line_reverse(line=paid_line, by=paid_team.admin, why="Absent")  # a correction to pay
    indemnity_rate("gp_summary", "50.00")
    indemnity_rate("medication_review", "40.00")
    sic = sic_ensure_planned(patient=paid_team.own)
    for role in ("gp", "pharmacist"):
        contribution = contribution_for(sic=sic, kind=_KIND[role], user=paid_team.user(role))
        contribution_save(
            contribution=contribution, by=paid_team.user(role), content={}, submit=True
        )
    lines_approve(lines=IndemnityLine.objects.all(), by=paid_team.admin)
    unpaid = IndemnityLine.objects.get(
        professional__user=paid_team.pharmacist, kind__code="medication_review"
    )
    line_reverse(line=unpaid, by=paid_team.admin, why="Erreur")  # both cancelled
    approved = set(IndemnityLine.objects.in_state(LineState.APPROVED).values_list("pk", flat=True))
    assert set(IndemnityLine.objects.payable().values_list("pk", flat=True)) == approved
    states = dict(IndemnityLine.objects.with_state().values_list("pk", "state"))
    assert {LineState.PAID, LineState.APPROVED, LineState.CANCELLED} <= set(states.values())


_KIND = {"gp": "gp_summary", "pharmacist": "medication_review"}
