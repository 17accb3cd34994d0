"""Lost-update protection: a writable resource answers its ETag; a write that names another
version in If-Match is refused (412, with the current ETag) and writes nothing; a write
without If-Match is accepted as before."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from labparcours.models import ApiToken, Role
from patients.api import PatientSerializer
from patients.models import Patient
from sic.models import Sic, SicStatus
from tests.conftest import World
from tests.factories import UserFactory


def bearer(user) -> Client:
    _, key = ApiToken.issue(user=user, name="editor")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def url(patient: Patient) -> str:
    return f"/api/v1/patients/{patient.pk}/"


def test_the_second_of_two_editors_gets_412_and_writes_nothing(world: World) -> None:
    first = bearer(world.coordinator)
    second = bearer(UserFactory(role=Role.COORDINATOR))
    read_by_first = first.get(url(world.own))
    read_by_second = second.get(url(world.own))
    etag = read_by_first["ETag"]
    assert etag.startswith('"')
    assert etag == read_by_second["ETag"]

    saved = first.patch(
        url(world.own), {"city": "Roubaix"}, content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert saved.status_code == 200, saved.content
    assert saved["ETag"] != etag  # the new version

    late = second.patch(
        url(world.own), {"city": "Tourcoing"}, content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert late.status_code == 412
    assert late["ETag"] == saved["ETag"] == first.get(url(world.own))["ETag"]
    assert late.json()["code"] == "precondition_failed"
    assert "relisez-la" in late.json()["detail"]
    world.own.refresh_from_db()
    assert world.own.city == "Roubaix"

    # Read again, the second editor's change goes through.
    again = second.patch(
        url(world.own),
        {"city": "Tourcoing"},
        content_type="application/json",
        HTTP_IF_MATCH=late["ETag"],
    )
    assert again.status_code == 200


def test_a_write_without_if_match_is_accepted_as_before(world: World) -> None:
    client = bearer(world.coordinator)
    etag = client.get(url(world.own))["ETag"]
    client.patch(url(world.own), {"city": "Lille"}, content_type="application/json")
    blind = client.patch(url(world.own), {"city": "Lens"}, content_type="application/json")
    assert blind.status_code == 200
    assert blind["ETag"] != etag
    star = client.patch(
        url(world.own), {"city": "Arras"}, content_type="application/json", HTTP_IF_MATCH="*"
    )
    assert star.status_code == 200


def test_a_state_action_on_a_stale_version_is_refused(world: World, sics: dict) -> None:
    sic = sics["own"]
    client = bearer(world.coordinator)
    stale = client.get(f"/api/v1/sics/{sic.pk}/")["ETag"]
    rescheduled = client.post(
        f"/api/v1/sics/{sic.pk}/schedule/",
        {"at": sic.scheduled_at.replace(hour=16).isoformat()},
        content_type="application/json",
        HTTP_IF_MATCH=stale,
    )
    assert rescheduled.status_code == 200, rescheduled.content
    cancel = client.post(
        f"/api/v1/sics/{sic.pk}/cancel/",
        {"reason": "Patient hospitalisé"},
        content_type="application/json",
        HTTP_IF_MATCH=stale,
    )
    assert cancel.status_code == 412
    assert cancel["ETag"] == rescheduled["ETag"]
    assert Sic.objects.get(pk=sic.pk).status == SicStatus.SCHEDULED


def test_a_team_changes_version_when_a_member_joins(world: World) -> None:
    from tests.factories import ProfessionalFactory

    client = bearer(world.coordinator)
    team = world.own.care_team
    etag = client.get(f"/api/v1/teams/{team.pk}/")["ETag"]
    added = client.post(
        f"/api/v1/teams/{team.pk}/members/",
        {"professional": ProfessionalFactory().pk},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert added.status_code == 201, added.content
    assert client.get(f"/api/v1/teams/{team.pk}/")["ETag"] == added["ETag"] != etag
    stale = client.post(
        f"/api/v1/teams/{team.pk}/members/",
        {"professional": ProfessionalFactory().pk},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert stale.status_code == 412


def test_the_schema_documents_if_match_and_412(world: World) -> None:
    schema = Client()
    schema.force_login(world.coordinator)
    paths = schema.get("/api/schema/?format=json").json()["paths"]
    patch = paths["/api/v1/patients/{id}/"]["patch"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])
    assert "ETag" in patch["responses"]["412"]["headers"]
    assert "ETag" in paths["/api/v1/patients/{id}/"]["get"]["responses"]["200"]["headers"]
    # A creation under the patient (a consent) changes no version of the patient.
    consents = paths["/api/v1/patients/{id}/consents/"]["post"]
    assert "412" not in consents["responses"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_writes_naming_the_same_version_at_once_one_is_refused(
    needs_postgres, fresh_world: World, monkeypatch
) -> None:
    """The second write arrives while the first is between its check and its commit: it
    waits for the row, then finds the version it named gone (412); nothing is lost."""
    first, second = bearer(fresh_world.coordinator), bearer(fresh_world.coordinator)
    etag = first.get(url(fresh_world.own))["ETag"]
    writing, go_on = threading.Event(), threading.Event()
    update = PatientSerializer.update

    def slow_update(self, instance, validated_data):
        if validated_data.get("city") == "Roubaix":
            writing.set()
            go_on.wait(timeout=5)
        return update(self, instance, validated_data)

    monkeypatch.setattr(PatientSerializer, "update", slow_update)
    answers: dict[str, int] = {}

    def patch(client: Client, city: str) -> None:
        try:
            answers[city] = client.patch(
                url(fresh_world.own),
                {"city": city},
                content_type="application/json",
                HTTP_IF_MATCH=etag,
            ).status_code
        finally:
            connection.close()

    one = threading.Thread(target=patch, args=(first, "Roubaix"))
    one.start()
    assert writing.wait(timeout=10)
    two = threading.Thread(target=patch, args=(second, "Tourcoing"))
    two.start()
    two.join(timeout=1)  # without the lock it would be done by now, its change then lost
    go_on.set()
    one.join(timeout=20)
    two.join(timeout=20)
    assert answers == {"Roubaix": 200, "Tourcoing": 412}
    fresh_world.own.refresh_from_db()
    assert fresh_world.own.city == "Roubaix"
