"""Every pathway page and endpoint × every role × (own patient, another patient): outsiders
404, the professionals read, the team and the coordinator record (the admin and the patient's
side 403); no refused request writes a read."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from patients.pathway import followup_contact_record, pathway_event_create
from tests.conftest import World
from tests.matrix import CLINICIANS, STAFF, Case, matrix_tests, patient_of

READERS = STAFF | CLINICIANS
RECORDERS = frozenset({"coordinator", *CLINICIANS})
# The former member is a clinician: they list, and find nothing.
LISTERS = READERS | {"former_member"}


def dress(world: World) -> World:
    """For each patient a hospitalisation discharged three days ago (its windows open)."""
    today = timezone.localdate()
    world.stays = {
        target: pathway_event_create(
            patient=patient_of(world, target),
            by=world.coordinator,
            kind="hospitalisation",
            occurred_on=today - datetime.timedelta(days=8),
            discharged_on=today - datetime.timedelta(days=3),
            cause="heart_failure",
            establishment="CHU de Lille",
            source="discharge_letter",
        )
        for target in ("own", "other")
    }
    world.contacts = {
        target: followup_contact_record(
            patient=patient_of(world, target), kind="specialist", by=world.coordinator
        )
        for target in ("own", "other")
    }
    return world


@pytest.fixture(scope="module")
def module_world(module_world: World, django_db_blocker) -> World:
    with django_db_blocker.unblock():
        return dress(module_world)


def stay(path: str):
    return lambda w, t: path.format(pk=patient_of(w, t).pk, event=w.stays[t].pk)


def aim(world: World, target: str) -> None:
    world.aimed = str(patient_of(world, target).pk)


def a_visit(world: World) -> dict:
    return {
        "kind": "emergency",
        "occurred_on": timezone.localdate().isoformat(),
        "cause": "other",
        "source": "patient_call",
    }


PAGES = [
    Case("declare form", stay("/patients/{pk}/parcours/nouveau/"), RECORDERS),
    Case(
        "declare",
        stay("/patients/{pk}/parcours/nouveau/"),
        RECORDERS,
        method="post",
        ok=302,
        data=a_visit,
    ),
    Case("event", stay("/patients/{pk}/parcours/{event}/"), READERS),
    Case("correct form", stay("/patients/{pk}/parcours/{event}/modifier/"), RECORDERS),
    Case(
        "correct",
        stay("/patients/{pk}/parcours/{event}/modifier/"),
        RECORDERS,
        method="post",
        ok=302,
        data=lambda w: {
            "occurred_on": (timezone.localdate() - datetime.timedelta(days=8)).isoformat(),
            "discharged_on": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
            "cause": "heart_failure",
            "establishment": "CH de Roubaix",
            "source": "discharge_letter",
        },
    ),
    Case(
        "contact made today",
        stay("/patients/{pk}/parcours/{event}/contact/"),
        RECORDERS,
        method="post",
        ok=302,
        data=lambda w: {"kind": "medical"},
    ),
    Case("breaks", lambda w, t: "/coordination/ruptures/", STAFF, about_patient=False),
]

API = [
    Case("events", lambda w, t: "/api/v1/pathway-events/", LISTERS, about_patient=False),
    Case("event", stay("/api/v1/pathway-events/{event}/"), READERS),
    Case(
        "record an event",
        lambda w, t: "/api/v1/pathway-events/",
        RECORDERS,
        method="post",
        ok=201,
        data=lambda w: {**a_visit(w), "patient": w.aimed},
        before=aim,
    ),
    Case(
        "record the discharge",
        stay("/api/v1/pathway-events/{event}/discharge/"),
        RECORDERS,
        method="post",
        data=lambda w: {"discharged_on": timezone.localdate().isoformat()},
    ),
    Case("contacts", lambda w, t: "/api/v1/follow-up-contacts/", LISTERS, about_patient=False),
    Case("contact", lambda w, t: f"/api/v1/follow-up-contacts/{w.contacts[t].pk}/", READERS),
    Case(
        "record a contact",
        lambda w, t: "/api/v1/follow-up-contacts/",
        RECORDERS,
        method="post",
        ok=201,
        data=lambda w: {"patient": w.aimed, "kind": "specialist"},
        before=aim,
    ),
]

test_page, test_endpoint = matrix_tests(PAGES, API)
