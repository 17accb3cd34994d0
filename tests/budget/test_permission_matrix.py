"""Every budget page × every role × (own patient, another patient).

The API's rows live beside the API (tests/budget/test_api*.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from budget.models import Expense
from budget.services import expense_record, supplementary_care_approve
from tests.budget.pages import envelopes_of
from tests.conftest import World
from tests.factories import care_request
from tests.matrix import CLINICIANS, PATIENT_SIDE, Case, matrix_tests, patient_of
from tests.uploads import ACCEPTED

TEAM = frozenset({"admin", "coordinator", *CLINICIANS})
PRESCRIBERS = frozenset({"coordinator", *CLINICIANS})
COORDINATOR = frozenset({"coordinator"})
STAFF = frozenset({"admin", "coordinator"})
TO_MY_RECORD = {"patient_user": 302, "caregiver_user": 302}


def dress(world: World) -> World:
    """For each patient an envelope, a waiting request (to approve, refuse, cancel) and an
    approved one with an expense and its invoice."""
    world.waiting, world.approved, world.expense = {}, {}, {}
    envelopes_of(world.own, world.other)
    for target in ("own", "other"):
        patient = patient_of(world, target)
        prescriber = world.gp if target == "own" else world.coordinator
        world.waiting[target] = care_request(world, patient=patient, by=prescriber)
        approved = supplementary_care_approve(
            request=care_request(world, patient=patient, by=prescriber), by=world.coordinator
        )
        world.approved[target] = approved
        world.expense[target] = expense_record(
            request=approved,
            by=world.coordinator,
            sessions=1,
            date=timezone.localdate(),
            amount=approved.unit_price,
        )
    return world


@pytest.fixture(scope="module")
def module_world(module_world: World, django_db_blocker) -> World:
    with django_db_blocker.unblock():
        return dress(module_world)


def attach_invoice(world: World, target: str) -> None:
    """Stored in this test's upload folder (the module's world is built before it)."""
    world.expense[target].invoice.save("facture.pdf", SimpleUploadedFile(*ACCEPTED["pdf"]))


def on(attr: str, path: str):
    return lambda w, t: path.format(pk=getattr(w, attr)[t].pk)


def expense_data(world: World) -> dict:
    return {"sessions": "1", "date": "2026-01-05", "amount": "10,00"}


def prescription_data(world: World) -> dict:
    from budget.models import BudgetCategory, CareProvider

    return {
        "category": BudgetCategory.objects.filter(is_active=True).first().pk,
        "provider": CareProvider.objects.first().pk,
        "sessions": "2",
        "unit_price": "40,00",
    }


PAGES = [
    Case(
        "patient page with the envelope card",
        lambda w, t: f"/patients/{patient_of(w, t).pk}/",
        TEAM,
        otherwise=TO_MY_RECORD,
    ),
    Case(
        "prescribe form",
        lambda w, t: f"/patients/{patient_of(w, t).pk}/soins-complementaires/prescrire/",
        PRESCRIBERS,
    ),
    Case(
        "prescribe",
        lambda w, t: f"/patients/{patient_of(w, t).pk}/soins-complementaires/prescrire/",
        PRESCRIBERS,
        method="post",
        ok=302,
        data=prescription_data,
    ),
    Case(
        "requests to approve",
        lambda w, t: "/soins-complementaires/a-valider/",
        COORDINATOR,
        about_patient=False,
    ),
    Case(
        "approve",
        on("waiting", "/soins-complementaires/{pk}/accorder/"),
        COORDINATOR,
        method="post",
        ok=302,
    ),
    Case(
        "refuse",
        on("waiting", "/soins-complementaires/{pk}/refuser/"),
        COORDINATOR,
        method="post",
        ok=302,
        data=lambda w: {"reason": "Pas de place"},
    ),
    Case(
        "cancel",
        on("waiting", "/soins-complementaires/{pk}/annuler/"),
        # Its prescriber (the own patient's request is the GP's) or the coordinator.
        frozenset({"coordinator", "gp"}),
        method="post",
        ok=302,
    ),
    Case("expense form", on("approved", "/soins-complementaires/{pk}/depense/"), COORDINATOR),
    Case(
        "record an expense",
        on("approved", "/soins-complementaires/{pk}/depense/"),
        COORDINATOR,
        method="post",
        ok=302,
        data=expense_data,
    ),
    Case("invoice", on("expense", "/depenses/{pk}/facture/"), STAFF, before=attach_invoice),
    Case("my supplementary care", lambda w, t: "/mes-soins/", PATIENT_SIDE, about_patient=False),
]
API: list[Case] = []

test_page, test_endpoint = matrix_tests(PAGES, API)


def test_the_prescriber_cancels_their_own_request(world: World) -> None:
    from tests.conftest import client_for

    response = client_for(world.gp).post(
        f"/soins-complementaires/{world.waiting['own'].pk}/annuler/"
    )
    assert response.status_code == 302
    world.waiting["own"].refresh_from_db()
    assert world.waiting["own"].status == "cancelled"
    assert Expense.objects.count() == 2


def test_a_clinician_cannot_cancel_a_request_they_did_not_prescribe(world: World) -> None:
    from tests.conftest import client_for

    response = client_for(world.nurse).post(
        f"/soins-complementaires/{world.waiting['own'].pk}/annuler/"
    )
    assert response.status_code == 403
