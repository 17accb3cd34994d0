"""Every budget endpoint × every role × (own patient, another patient): outsiders 404, the
patient's side kept from the money (403), each decision to its role; no refused request
writes a read."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from budget.models import BudgetRate, Expense
from budget.services import (
    envelope_open,
    expense_record,
    supplementary_care_approve,
    supplementary_care_request,
)
from tests.conftest import ROLES, World
from tests.factories import care_provider, category
from tests.matrix import CLINICIANS, EVERYONE_IN_SCOPE, STAFF, Case, matrix_tests, patient_of
from tests.uploads import pdf_bytes

# Who reads the money: the programme and the team (the former member only lists, empty).
MONEY = STAFF | CLINICIANS
MONEY_LISTS = MONEY | {"former_member"}
PRESCRIBERS = frozenset({"coordinator", *CLINICIANS})
COORDINATOR = frozenset({"coordinator"})
ADMIN = frozenset({"admin"})


def dress(world: World) -> World:
    """For each patient: a year-1 envelope of 1 000 €, a request waiting for the coordinator
    (the GP's for the own patient, the coordinator's for the other) and an approved one with
    an expense to pay."""
    world.budget_api = {}
    for target in ("own", "other"):
        patient = patient_of(world, target)
        assert patient.inclusion_date is not None
        # A day before the inclusion: another module's rate starting on the inclusion day
        # (same pathway) does not collide with this one.
        if not BudgetRate.objects.in_force(patient.pathway, patient.inclusion_date).exists():
            BudgetRate.objects.create(
                pathway=patient.pathway,
                amount=Decimal("1000.00"),
                valid_from=patient.inclusion_date - datetime.timedelta(days=1),
            )
        envelope = envelope_open(patient=patient, year=1)
        prescriber = world.gp if target == "own" else world.coordinator
        common = {
            "patient": patient,
            "prescriber": prescriber,
            "category": category(),
            "provider": care_provider(),
            "unit_price": Decimal("50.00"),
        }
        waiting = supplementary_care_request(sessions=2, **common)
        approved = supplementary_care_approve(
            request=supplementary_care_request(sessions=4, **common), by=world.coordinator
        )
        expense = expense_record(
            request=approved,
            by=world.coordinator,
            sessions=1,
            date=timezone.localdate(),
            amount=Decimal("50.00"),
        )
        world.budget_api[target] = {
            "envelope": envelope.pk,
            "waiting": waiting.pk,
            "approved": approved.pk,
            "expense": expense.pk,
            "movement": envelope.movements.order_by("pk").first().pk,  # type: ignore[union-attr]
            "category": common["category"].pk,
            "provider": common["provider"].pk,
        }
    return world


@pytest.fixture(scope="module")
def module_world(module_world: World, django_db_blocker) -> World:
    with django_db_blocker.unblock():
        return dress(module_world)


def b(path: str):
    return lambda w, t: path.format(**w.budget_api[t])


def aim(world: World, target: str) -> None:
    """The posted payload names the target patient's rows (`data` sees only the world)."""
    world.aimed = {**world.budget_api[target], "patient": str(patient_of(world, target).pk)}


def attach_invoice(world: World, target: str) -> None:
    expense = Expense.objects.get(pk=world.budget_api[target]["expense"])
    expense.invoice.save("facture.pdf", ContentFile(pdf_bytes()))


def prescription(world: World) -> dict:
    return {
        "patient": world.aimed["patient"],
        "category": world.aimed["category"],
        "provider": world.aimed["provider"],
        "sessions": 2,
        "unit_price": "40.00",
    }


def sessions_done(world: World) -> dict:
    return {
        "request": world.aimed["approved"],
        "sessions": 1,
        "date": timezone.localdate().isoformat(),
        "amount": "50.00",
    }


PAGES: list[Case] = []

API = [
    Case("budgets", b("/api/v1/budgets/"), MONEY_LISTS, about_patient=False),
    Case("budget", b("/api/v1/budgets/{envelope}/"), MONEY),
    Case("requests", b("/api/v1/supplementary-care/"), frozenset(ROLES), about_patient=False),
    Case("request", b("/api/v1/supplementary-care/{waiting}/"), EVERYONE_IN_SCOPE),
    Case(
        "prescribe",
        b("/api/v1/supplementary-care/"),
        PRESCRIBERS,
        method="post",
        ok=201,
        data=prescription,
        before=aim,
    ),
    Case(
        "approve",
        b("/api/v1/supplementary-care/{waiting}/approve/"),
        COORDINATOR,
        method="post",
    ),
    Case(
        "refuse",
        b("/api/v1/supplementary-care/{waiting}/refuse/"),
        COORDINATOR,
        method="post",
        data=lambda w: {"reason": "Déjà suivi par une diététicienne"},
    ),
    # The own patient's request is the GP's; the other's, the coordinator's.
    Case(
        "cancel",
        b("/api/v1/supplementary-care/{waiting}/cancel/"),
        frozenset({"coordinator", "gp"}),
        method="post",
    ),
    Case("expenses", b("/api/v1/expenses/"), MONEY_LISTS, about_patient=False),
    Case("expense", b("/api/v1/expenses/{expense}/"), MONEY),
    Case(
        "record an expense",
        b("/api/v1/expenses/"),
        COORDINATOR,
        method="post",
        ok=201,
        data=sessions_done,
        before=aim,
    ),
    Case(
        "mark paid",
        b("/api/v1/expenses/{expense}/mark-paid/"),
        ADMIN,
        method="post",
        data=lambda w: {"paid_on": timezone.localdate().isoformat(), "reference": "VIR-2026-001"},
    ),
    Case("invoice", b("/api/v1/expenses/{expense}/invoice/"), MONEY, before=attach_invoice),
    Case("ledger", b("/api/v1/budget-movements/"), MONEY_LISTS, about_patient=False),
    Case("ledger row", b("/api/v1/budget-movements/{movement}/"), MONEY),
]


# The budget's pages have their own matrix (test_permission_matrix.py): only endpoints here.
_no_pages, test_endpoint_answers_each_role_as_designed = matrix_tests(PAGES, API)
