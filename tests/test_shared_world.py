"""The world shared by a module's tests: built once, yet each test starts from it unchanged.

The tests run in the order of the file (those asking for `world` after the others)."""

import pytest

from labparcours.models import User
from patients.models import Consent, Patient
from tests.conftest import World


def test_a_test_without_the_world_sees_none_of_its_rows(db: None) -> None:
    # Written last in the file, run first: the module's world is not built yet.
    assert not User.objects.filter(email="coord@example.test").exists()


def test_a_test_changes_the_world_in_the_database_and_in_memory(world: World) -> None:
    world.own.last_name = "Changé"
    world.own.save(update_fields=["last_name"])
    Consent.objects.filter(patient=world.own).delete()
    world.gp.delete()
    world.extra = "set by a test"


def test_the_next_test_finds_the_world_as_built(world: World) -> None:
    assert Patient.objects.get(pk=world.own.pk).last_name == "Lambert"
    assert world.own.last_name == "Lambert"
    assert Consent.objects.filter(patient=world.own).count() == 4
    assert User.objects.filter(pk=world.gp.pk).exists()
    assert not hasattr(world, "extra")


def test_each_test_gets_its_own_instances(world: World, module_world: World) -> None:
    assert world.own is not module_world.own
    assert world.own == module_world.own


@pytest.mark.django_db(transaction=True)
def test_a_test_that_commits_builds_a_fresh_world(fresh_world: World) -> None:
    assert User.objects.filter(email="coord@example.test").count() == 1
    assert fresh_world.own.care_team.memberships.count() == 5
