"""Every thread page and endpoint × every role × (own patient, another patient).

The team thread is the professionals' (programme management reads it without writing); the
thread with the patient adds the patient and their caregiver, to whom the team thread does
not exist (404). A former member and a professional outside the team read nothing (404)."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.matrix import CLINICIANS, PATIENT_SIDE, Case, matrix_tests, patient_of
from tests.threads.helpers import placeholder, post, store
from threads.models import Audience

TEAM_READERS = frozenset({"admin", "coordinator", *CLINICIANS})
TEAM_WRITERS = frozenset({"coordinator", *CLINICIANS})
EVERYONE = frozenset({*TEAM_READERS, *PATIENT_SIDE})
WRITERS = frozenset({*TEAM_WRITERS, *PATIENT_SIDE})
NO_TEAM_THREAD = {"patient_user": 404, "caregiver_user": 404}
FAR = 10**9


def dress(world: World) -> World:
    """For each patient: a message of the coordinator in each thread, each with a photo."""
    world.team_msg, world.patient_msg, world.team_file, world.patient_file = {}, {}, {}, {}
    for target in ("own", "other"):
        patient = patient_of(world, target)
        world.team_msg[target] = post(patient, world.coordinator, "Point sur la cheville")
        world.patient_msg[target] = post(
            patient, world.coordinator, "Bonjour", audience=Audience.PATIENT
        )
        world.team_file[target] = placeholder(world.team_msg[target])
        world.patient_file[target] = placeholder(world.patient_msg[target])
    return world


@pytest.fixture(scope="module")
def module_world(module_world: World, django_db_blocker) -> World:
    with django_db_blocker.unblock():
        return dress(module_world)


def thread(slug: str, suffix: str = ""):
    return lambda w, t: f"/patients/{patient_of(w, t).pk}/fil/{slug}/{suffix}"


def on(attr: str, path: str):
    return lambda w, t: path.format(pk=getattr(w, attr)[t].pk)


def api(prefix: str, suffix: str):
    return lambda w, t: f"/api/v1/patients/{patient_of(w, t).pk}/{prefix}/{suffix}"


def with_files(attr: str):
    def before(world: World, target: str) -> None:
        store(getattr(world, attr)[target])

    return before


def aim(world: World, target: str) -> None:
    world.target = target


def read_team(world: World) -> dict:
    return {"up_to": world.team_msg[world.target].pk}


def read_patient(world: World) -> dict:
    return {"up_to": world.patient_msg[world.target].pk}


TEXT = {"text": "Tension à 13/8 ce matin."}

PAGES = [
    Case("team thread", thread("equipe"), TEAM_READERS, otherwise=NO_TEAM_THREAD),
    Case(
        "thread with the patient",
        thread("patient"),
        TEAM_READERS,
        otherwise={"patient_user": 302, "caregiver_user": 302},
    ),
    Case(
        "post in the team thread",
        thread("equipe", "ecrire/"),
        TEAM_WRITERS,
        method="post",
        ok=302,
        data=lambda w: TEXT,
        otherwise=NO_TEAM_THREAD,
    ),
    Case(
        "post in the thread with the patient",
        thread("patient", "ecrire/"),
        WRITERS,
        method="post",
        ok=302,
        data=lambda w: TEXT,
    ),
    Case(
        "poll the team thread",
        lambda w, t: thread("equipe", "nouveaux/")(w, t) + "?apres=0",
        TEAM_READERS,
        otherwise=NO_TEAM_THREAD,
    ),
    Case(
        "poll the thread with the patient",
        lambda w, t: thread("patient", "nouveaux/")(w, t) + "?apres=0",
        EVERYONE,
    ),
    Case(
        "older messages of the team thread",
        lambda w, t: thread("equipe", "anciens/")(w, t) + f"?avant={FAR}",
        TEAM_READERS,
        otherwise=NO_TEAM_THREAD,
    ),
    Case(
        "older messages of the thread with the patient",
        lambda w, t: thread("patient", "anciens/")(w, t) + f"?avant={FAR}",
        EVERYONE,
    ),
    # The coordinator wrote the messages: only an author corrects.
    Case(
        "correct form",
        on("team_msg", "/messages/{pk}/corriger/"),
        frozenset({"coordinator"}),
        otherwise=NO_TEAM_THREAD,
    ),
    Case(
        "correct",
        on("team_msg", "/messages/{pk}/corriger/"),
        frozenset({"coordinator"}),
        method="post",
        ok=302,
        data=lambda w: {"text": "Point sur la cheville gauche"},
        otherwise=NO_TEAM_THREAD,
    ),
    Case(
        "history of a team message",
        on("team_msg", "/messages/{pk}/historique/"),
        TEAM_READERS,
        otherwise=NO_TEAM_THREAD,
    ),
    Case(
        "history of a message to the patient",
        on("patient_msg", "/messages/{pk}/historique/"),
        EVERYONE,
    ),
    Case(
        "pin for the SIC",
        on("team_msg", "/messages/{pk}/sic/"),
        TEAM_WRITERS,
        method="post",
        ok=302,
        otherwise=NO_TEAM_THREAD,
    ),
    Case(
        "download a team attachment",
        on("team_file", "/pieces-jointes/{pk}/"),
        TEAM_READERS,
        before=with_files("team_file"),
        otherwise=NO_TEAM_THREAD,
    ),
    Case(
        "thumbnail of a team photo",
        on("team_file", "/pieces-jointes/{pk}/apercu/"),
        TEAM_READERS,
        before=with_files("team_file"),
        otherwise=NO_TEAM_THREAD,
    ),
    Case(
        "download an attachment to the patient",
        on("patient_file", "/pieces-jointes/{pk}/"),
        EVERYONE,
        before=with_files("patient_file"),
    ),
    Case(
        "thumbnail of a photo to the patient",
        on("patient_file", "/pieces-jointes/{pk}/apercu/"),
        EVERYONE,
        before=with_files("patient_file"),
    ),
    Case("my messages", lambda w, t: "/mes-messages/", PATIENT_SIDE, about_patient=False),
]

API = [
    Case(
        "team thread messages",
        api("thread", "messages/"),
        TEAM_READERS,
        otherwise=NO_TEAM_THREAD,
    ),
    Case(
        "post in the team thread",
        api("thread", "messages/"),
        TEAM_WRITERS,
        method="post",
        ok=201,
        data=lambda w: TEXT,
        otherwise=NO_TEAM_THREAD,
    ),
    Case(
        "read the team thread up to",
        api("thread", "read/"),
        TEAM_WRITERS,
        method="post",
        data=read_team,
        before=aim,
        otherwise=NO_TEAM_THREAD,
    ),
    Case("messages with the patient", api("patient-thread", "messages/"), EVERYONE),
    Case(
        "post to the patient",
        api("patient-thread", "messages/"),
        WRITERS,
        method="post",
        ok=201,
        data=lambda w: TEXT,
    ),
    Case(
        "read the thread with the patient up to",
        api("patient-thread", "read/"),
        WRITERS,
        method="post",
        data=read_patient,
        before=aim,
    ),
    Case(
        "download a team attachment",
        on("team_file", "/api/v1/thread-attachments/{pk}/download/"),
        TEAM_READERS,
        before=with_files("team_file"),
        otherwise=NO_TEAM_THREAD,
    ),
    Case(
        "download an attachment to the patient",
        on("patient_file", "/api/v1/thread-attachments/{pk}/download/"),
        EVERYONE,
        before=with_files("patient_file"),
    ),
]

test_page, test_endpoint = matrix_tests(PAGES, API)
