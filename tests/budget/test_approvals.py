"""From the prescription to the paid invoice: who may, and never an overdraft."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budget.models import (
    BudgetEnvelope,
    CareProvider,
    CareRequestStatus,
    Overdraft,
    ProviderKind,
    SupplementaryCare,
)
from budget.services import (
    expense_mark_paid,
    expense_record,
    supplementary_care_approve,
    supplementary_care_refuse,
    supplementary_care_request,
)
from careplans.models import Action, Owner, PlanStatus
from labparcours.api_base import drf_errors
from labparcours.errors import DomainError, NotAllowed
from tests.conftest import World
from tests.factories import (
    approved_request,
    care_provider,
    care_request,
    category,
    envelope_of,
    make_plan,
)

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 2)


def remaining(envelope: BudgetEnvelope) -> Decimal:
    return BudgetEnvelope.objects.with_balances().get(pk=envelope.pk).remaining  # type: ignore[attr-defined]


def test_it_refuses_an_approval_beyond_the_envelope_and_says_how_much_is_left(
    world: World,
) -> None:
    envelope = envelope_of(world.own, "400.00")
    approved_request(world, sessions=5, unit_price="50.00")  # 250 committed
    request = care_request(world, sessions=4, unit_price="50.00")  # 200 asked, 150 left
    with pytest.raises(Overdraft) as refusal:
        supplementary_care_approve(request=request, by=world.coordinator)
    assert "150,00 €" in refusal.value.message
    request.refresh_from_db()
    assert request.status == CareRequestStatus.REQUESTED
    assert remaining(envelope) == Decimal("150.00")


def test_it_approves_up_to_the_last_cent(world: World) -> None:
    envelope = envelope_of(world.own, "300.00")
    approved_request(world, sessions=6, unit_price="50.00")
    assert remaining(envelope) == Decimal("0.00")


def test_it_refuses_an_approval_beyond_the_yearly_ceiling_of_the_category(world: World) -> None:
    envelope_of(world.own, "2000.00")
    category("psychologue", ceiling="300.00")
    approved_request(world, sessions=4, unit_price="50.00", category_name="psychologue")
    request = care_request(world, sessions=3, unit_price="50.00", category_name="psychologue")
    with pytest.raises(Overdraft) as refusal:
        supplementary_care_approve(request=request, by=world.coordinator)
    assert "psychologue" in refusal.value.message
    assert "100,00 €" in refusal.value.message
    # Another category still has room.
    approved_request(world, sessions=3, unit_price="50.00")


@pytest.mark.parametrize("role", ["gp", "nurse", "admin", "patient_user"])
def test_only_the_coordinator_approves(world: World, role: str) -> None:
    envelope_of(world.own)
    request = care_request(world)
    with pytest.raises(NotAllowed):
        supplementary_care_approve(request=request, by=world.user(role))
    with pytest.raises(NotAllowed):
        supplementary_care_refuse(request=request, by=world.user(role), reason="Non")


def test_a_refusal_needs_a_reason(world: World) -> None:
    envelope_of(world.own)
    request = care_request(world)
    with pytest.raises(DomainError):
        supplementary_care_refuse(request=request, by=world.coordinator, reason="  ")
    refused = supplementary_care_refuse(
        request=request, by=world.coordinator, reason="Déjà suivi à l'hôpital"
    )
    assert refused.status == CareRequestStatus.REFUSED


@pytest.mark.parametrize("role", ["former_member", "patient_user", "admin"])
def test_it_refuses_a_prescription_from_outside_the_team(world: World, role: str) -> None:
    envelope_of(world.own)
    with pytest.raises(NotAllowed):
        care_request(world, by=world.user(role))


def test_it_refuses_a_prescription_for_an_action_of_a_superseded_plan_version(
    world: World,
) -> None:
    """Whoever calls it, not only the form and the API that offer the plan in force."""
    envelope_of(world.own)
    first = make_plan(world, status=PlanStatus.VALIDATED)
    old = first.actions.filter(owner=Owner.MEMBER).first()  # read while still in force
    current = make_plan(world, status=PlanStatus.VALIDATED).actions.first()
    assert old is not None
    assert current is not None

    def prescribe(action: Action) -> SupplementaryCare:
        return supplementary_care_request(
            patient=world.own,
            prescriber=world.nurse,
            category=category("diététicien·ne"),
            provider=care_provider(),
            sessions=4,
            unit_price=Decimal("40.00"),
            action=action,
        )

    with pytest.raises(ValidationError) as refusal:
        prescribe(old)
    # On the field, as the form and the API refuse it: a 400 naming `action` in the API.
    assert [e.code for e in refusal.value.error_dict["action"]] == ["superseded_action"]
    assert drf_errors(refusal.value) == {"action": [refusal.value.messages[0]]}
    assert not SupplementaryCare.objects.exists()
    assert prescribe(current).action == current


def test_it_refuses_an_expense_over_what_was_approved_for_the_request(world: World) -> None:
    envelope = envelope_of(world.own, "1000.00")
    request = approved_request(world, sessions=6, unit_price="50.00")
    expense_record(
        request=request, by=world.coordinator, sessions=3, date=DAY, amount=Decimal("200")
    )
    with pytest.raises(Overdraft) as refusal:
        expense_record(
            request=request, by=world.coordinator, sessions=3, date=DAY, amount=Decimal("100.01")
        )
    assert "100,00 €" in refusal.value.message
    assert remaining(envelope) == Decimal("700.00")


def test_only_the_admin_marks_an_expense_paid(world: World) -> None:
    envelope_of(world.own)
    request = approved_request(world)
    expense = expense_record(
        request=request, by=world.coordinator, sessions=1, date=DAY, amount=Decimal("50")
    )
    with pytest.raises(NotAllowed):
        expense_mark_paid(expense=expense, by=world.coordinator, paid_on=DAY, reference="V1")
    paid = expense_mark_paid(expense=expense, by=world.admin, paid_on=DAY, reference="V1")
    assert (paid.status, paid.paid_on, paid.payment_reference) == ("paid", DAY, "V1")


def test_it_checks_the_siret_of_an_organisation(world: World) -> None:
    provider = CareProvider(
        kind=ProviderKind.ASSOCIATION, name="Cœur et Santé", siret="73282932000075"
    )
    with pytest.raises(ValidationError):
        provider.full_clean()
    provider.siret = "732 829 320 00074"
    provider.full_clean()
