"""The pathway in the API: an event recorded with its windows, refusals structured, lists in
scope and logged, a contact that meets its window, a death that makes the patient leave."""

from __future__ import annotations

import datetime

from django.utils import timezone

from labparcours.models import AccessLogEntry
from tests.conftest import World, client_for


def days_ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


def post(client, url: str, data: dict):
    return client.post(url, data, content_type="application/json")


def a_stay(world: World, **extra: object) -> dict:
    return {
        "patient": str(world.own.pk),
        "kind": "hospitalisation",
        "occurred_on": days_ago(6),
        "discharged_on": days_ago(2),
        "cause": "heart_failure",
        "establishment": "CHU de Lille",
        "source": "discharge_letter",
        **extra,
    }


def test_a_discharge_recorded_through_the_api_opens_its_windows(world: World) -> None:
    response = post(client_for(world.gp), "/api/v1/pathway-events/", a_stay(world))
    assert response.status_code == 201
    body = response.json()
    assert body["recorded_by"] == world.gp.pk
    assert [(w["kind"], w["closes_on"], w["state"]) for w in body["windows"]] == [
        ("medical", days_ago(-5), "open"),
        ("specialist", days_ago(-58), "open"),
    ]


def test_a_stay_is_discharged_later_through_its_action(world: World) -> None:
    client = client_for(world.nurse)
    event = post(client, "/api/v1/pathway-events/", a_stay(world, discharged_on=None)).json()
    assert event["windows"] == []
    response = post(
        client, f"/api/v1/pathway-events/{event['id']}/discharge/", {"discharged_on": days_ago(1)}
    )
    assert response.status_code == 200
    assert len(response.json()["windows"]) == 2
    refused = post(
        client, f"/api/v1/pathway-events/{event['id']}/discharge/", {"discharged_on": days_ago(9)}
    )
    assert refused.status_code == 400
    assert "discharged_on" in refused.json()["errors"]


def test_the_refusals_are_structured(world: World) -> None:
    client = client_for(world.coordinator)
    future = post(client, "/api/v1/pathway-events/", a_stay(world, occurred_on=days_ago(-3)))
    assert future.status_code == 400
    assert "occurred_on" in future.json()["errors"]
    death = {"patient": str(world.own.pk), "kind": "death", "occurred_on": days_ago(1)}
    assert (
        post(client, "/api/v1/pathway-events/", {**death, "source": "relative"}).status_code == 201
    )
    again = post(client, "/api/v1/pathway-events/", {**death, "source": "dmp"})
    assert again.status_code == 400
    world.own.refresh_from_db()
    assert (world.own.status, world.own.exit_reason) == ("exited", "death")


def test_the_list_holds_the_scope_only_and_is_logged(world: World) -> None:
    post(client_for(world.coordinator), "/api/v1/pathway-events/", a_stay(world))
    post(
        client_for(world.coordinator),
        "/api/v1/pathway-events/",
        a_stay(world, patient=str(world.other.pk)),
    )
    body = client_for(world.gp).get("/api/v1/pathway-events/").json()
    assert [row["patient"] for row in body["results"]] == [str(world.own.pk)]
    assert AccessLogEntry.objects.filter(
        user=world.gp, patient=world.own, what="pathway events (api)"
    ).exists()
    mine = client_for(world.coordinator).get(f"/api/v1/pathway-events/?patient={world.other.pk}")
    assert [row["patient"] for row in mine.json()["results"]] == [str(world.other.pk)]


def test_a_contact_through_the_api_meets_the_window(world: World) -> None:
    event = post(client_for(world.gp), "/api/v1/pathway-events/", a_stay(world)).json()
    response = post(
        client_for(world.specialist),
        "/api/v1/follow-up-contacts/",
        {"patient": str(world.own.pk), "kind": "specialist", "note": "Consultation"},
    )
    assert response.status_code == 201
    assert response.json()["contacted_on"] == timezone.localdate().isoformat()
    again = client_for(world.gp).get(f"/api/v1/pathway-events/{event['id']}/").json()
    assert {w["kind"]: w["state"] for w in again["windows"]} == {
        "medical": "open",
        "specialist": "met",
    }
