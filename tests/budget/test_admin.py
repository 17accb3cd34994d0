"""The budget in the back office: patients by initials, reads logged, the ledger read-only."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from budget.models import BudgetMovement
from budget.services import expense_record
from labparcours.models import AccessLogEntry
from tests.conftest import World, client_for
from tests.factories import approved_request, care_request, envelope_of

pytestmark = pytest.mark.django_db
LISTS = [
    "/admin/budget/budgetenvelope/",
    "/admin/budget/supplementarycare/",
    "/admin/budget/expense/",
    "/admin/budget/budgetmovement/",
]


@pytest.fixture
def superadmin(world: World):
    world.admin.is_superuser = True
    world.admin.save()
    envelope_of(world.own)
    request = approved_request(world)
    care_request(world)
    expense_record(
        request=request,
        by=world.coordinator,
        sessions=1,
        date=datetime.date(2026, 3, 2),
        amount=Decimal("50"),
    )
    return client_for(world.admin)


@pytest.mark.parametrize("path", LISTS)
def test_budget_lists_show_initials_not_names(world: World, superadmin, path: str) -> None:
    response = superadmin.get(path)
    body = response.content.decode().lower()
    assert response.status_code == 200
    assert world.own.initials.lower() in body
    assert world.own.last_name.lower() not in body


@pytest.mark.parametrize("path", LISTS[:3])
def test_reading_budget_data_in_the_admin_is_logged(world: World, superadmin, path: str) -> None:
    superadmin.get(path)
    assert AccessLogEntry.objects.filter(user=world.admin, patient=world.own).exists()


def test_the_ledger_cannot_be_changed_in_the_admin(world: World, superadmin) -> None:
    row = BudgetMovement.objects.first()
    assert row is not None
    url = f"/admin/budget/budgetmovement/{row.pk}/"
    assert superadmin.post(f"{url}change/", {"amount": "9999"}).status_code == 403
    assert superadmin.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    assert BudgetMovement.objects.get(pk=row.pk).amount == row.amount


@pytest.mark.parametrize("model", ["budgetenvelope", "supplementarycare", "expense"])
def test_a_budget_row_and_its_history_open_read_only_and_are_logged(
    world: World, superadmin, model: str
) -> None:
    from django.apps import apps

    row = apps.get_model("budget", model).objects.first()
    for page in ("change", "history"):
        response = superadmin.get(f"/admin/budget/{model}/{row.pk}/{page}/")
        assert response.status_code == 200
        assert b'name="_save"' not in response.content
    assert AccessLogEntry.objects.filter(user=world.admin, patient=world.own).count() == 2
