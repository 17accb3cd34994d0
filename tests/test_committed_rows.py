"""A test that commits leaves nothing to the next one: what runs after it (tests/conftest.py
empties the tables that hold rows, where Django's flush truncates them all) leaves every table
empty, the append-only ones and the access log's partitions too, and the content types and
permissions back, as the flush does."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import TransactionTestCase

from budget.models import BudgetMovement
from labparcours.models import AccessLogEntry
from tests.conftest import World, client_for
from tests.factories import envelope_of


@pytest.mark.owner
@pytest.mark.django_db(transaction=True)
def test_the_end_of_a_test_that_commits_empties_every_table(fresh_world: World) -> None:
    envelope_of(fresh_world.own)
    page = client_for(fresh_world.coordinator).get(f"/patients/{fresh_world.own.pk}/")
    assert page.status_code == 200
    assert BudgetMovement.objects.exists()  # append-only
    assert AccessLogEntry.objects.exists()  # append-only, partitioned on PostgreSQL

    TransactionTestCase("__init__")._fixture_teardown()

    left = {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model not in (ContentType, Permission)
    }
    assert {label: count for label, count in left.items() if count} == {}
    assert ContentType.objects.get_for_model(BudgetMovement)
    assert Permission.objects.filter(codename="view_budgetmovement").exists()
