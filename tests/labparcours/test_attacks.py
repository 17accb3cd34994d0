"""Attacks on the API's shared mechanisms that the permission matrices do not cover."""

import uuid

import pytest

from tests.conftest import World, client_for


@pytest.mark.parametrize("route", ["careplans", "sics", "teams"])
def test_it_answers_a_patient_outside_the_scope_as_one_that_does_not_exist(
    world: World, route: str
) -> None:
    """A list filtered by a patient's id: the same answer for a patient outside the scope as
    for an id nobody has, so that the filter does not tell which ids are patients."""
    client = client_for(world.gp)
    outside = client.get(f"/api/v1/{route}/", {"patient": str(world.other.pk)})
    nobody = client.get(f"/api/v1/{route}/", {"patient": str(uuid.uuid4())})
    assert (outside.status_code, outside.json()["results"]) == (200, [])
    assert (nobody.status_code, nobody.json()["results"]) == (200, [])
