"""The demo's admin opens a budget overview that is not empty: money over several quarters,
an envelope nearly spent, money committed but unspent for 90 days."""

import io

import pytest
from django.core.management import call_command

from labparcours.models import User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_demo_admin_sees_money_over_several_quarters() -> None:
    call_command("seed_demo", "--if-empty", stdout=io.StringIO())
    admin = User.objects.get(email="admin@demo.test")
    response = client_for(admin).get("/gestion/budget/")
    assert response.status_code == 200
    data = response.context["data"]
    moving = [q for q in data.consumption.quarters if data.consumption.by_quarter(q).spent]
    assert len(moving) >= 3
    assert data.nearly_spent_count >= 1
    assert data.unspent_count >= 1
    assert len(response.context["quarters_chart"].bars) >= 10
