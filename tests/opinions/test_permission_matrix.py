"""Every opinion page and endpoint × every role × (own patient, another patient), and the
asked specialist outside the team as an extra reader: outsiders 404, the patient's side 403
(opinions are written between professionals), each move to its role."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from opinions.models import OpinionAttachment
from opinions.services import opinion_answer, opinion_ask
from tests.conftest import World
from tests.matrix import CLINICIANS, Case, matrix_tests, patient_of, run
from tests.opinions.builders import outside_specialist
from tests.uploads import pdf_bytes

READERS = frozenset({"admin", "coordinator", *CLINICIANS})
ASKERS = frozenset({"coordinator", *CLINICIANS})
# The own patient's requests are the GP's; the other's, the coordinator's.
CLOSERS = frozenset({"coordinator", "gp"})
NOBODY = frozenset()
PROFESSIONALS_LISTS = frozenset({"admin", "coordinator", *CLINICIANS, "former_member"})
INBOX = frozenset({*CLINICIANS, "former_member"})
QUESTION = "Faut-il arrêter la metformine avant l'injection de produit de contraste ?"


def dress(world: World) -> World:
    """`outside`: a cardiologist of the directory, in no team, asked about the own patient by
    its GP (an open request with an attachment); about the other patient, the coordinator asks
    another specialist of the directory. Each patient also has an answered request (to pin):
    the own's by the team's specialist."""
    world.outside = outside_specialist()
    stranger = outside_specialist()
    world.opinion, world.opinion_answered, world.opinion_attachment = {}, {}, {}
    for target, asker, answerer in (
        ("own", world.gp, world.specialist),
        ("other", world.coordinator, stranger),
    ):
        patient = patient_of(world, target)
        specialist = world.outside if target == "own" else stranger
        common = {"patient": patient, "by": asker, "question": QUESTION, "urgency": "7d"}
        opinion = opinion_ask(specialist=specialist.professional, **common)
        world.opinion[target] = opinion
        world.opinion_attachment[target] = OpinionAttachment.objects.create(
            request=opinion,
            file="opinions/attachments/matrix.pdf",
            content_type="application/pdf",
            size=100,
            added_by=asker,
        )
        world.opinion_answered[target] = opinion_answer(
            request=opinion_ask(specialist=answerer.professional, **common),
            by=answerer,
            answer="Oui, 48 heures avant.",
        )
    return world


@pytest.fixture(scope="module")
def module_world(module_world: World, django_db_blocker) -> World:
    with django_db_blocker.unblock():
        return dress(module_world)


def on(attr: str, path: str):
    return lambda w, t: path.format(pk=getattr(w, attr)[t].pk)


def store_file(world: World, target: str) -> None:
    """Written in this test's upload folder (the module's world is built before it)."""
    attachment = world.opinion_attachment[target]
    attachment.file.save("matrix.pdf", ContentFile(pdf_bytes()))


def api_attachment(world: World, target: str) -> str:
    return f"/api/v1/opinion-attachments/{world.opinion_attachment[target].pk}/"


def aim(world: World, target: str) -> None:
    world.aimed = str(patient_of(world, target).pk)


def ask_form(world: World) -> dict:
    return {"specialist": world.outside.professional.pk, "question": QUESTION, "urgency": "48h"}


def ask_payload(world: World) -> dict:
    return {"patient": world.aimed, **ask_form(world)}


PAGES = [
    Case("ask form", lambda w, t: f"/patients/{patient_of(w, t).pk}/avis/demander/", ASKERS),
    Case(
        "ask",
        lambda w, t: f"/patients/{patient_of(w, t).pk}/avis/demander/",
        ASKERS,
        method="post",
        ok=302,
        data=ask_form,
    ),
    Case("opinions asked", lambda w, t: "/avis/", INBOX, about_patient=False),
    Case(
        "opinions waiting",
        lambda w, t: "/avis/en-attente/",
        frozenset({"coordinator"}),
        about_patient=False,
    ),
    Case("request", on("opinion", "/avis/{pk}/"), READERS),
    Case(
        "answer",
        on("opinion", "/avis/{pk}/repondre/"),
        NOBODY,
        method="post",
        ok=302,
        data=lambda w: {"answer": "Oui."},
    ),
    Case("close", on("opinion", "/avis/{pk}/clore/"), CLOSERS, method="post", ok=302),
    Case("pin", on("opinion_answered", "/avis/{pk}/sic/"), ASKERS, method="post", ok=302),
    Case("attachment", on("opinion_attachment", "/avis/pieces/{pk}/"), READERS, before=store_file),
]
API = [
    Case(
        "requests",
        lambda w, t: "/api/v1/opinion-requests/",
        PROFESSIONALS_LISTS,
        about_patient=False,
    ),
    Case("request", on("opinion", "/api/v1/opinion-requests/{pk}/"), READERS),
    Case(
        "ask",
        lambda w, t: "/api/v1/opinion-requests/",
        ASKERS,
        method="post",
        ok=201,
        data=ask_payload,
        before=aim,
    ),
    Case(
        "answer",
        on("opinion", "/api/v1/opinion-requests/{pk}/answer/"),
        NOBODY,
        method="post",
        data=lambda w: {"answer": "Oui."},
    ),
    Case("close", on("opinion", "/api/v1/opinion-requests/{pk}/close/"), CLOSERS, method="post"),
    Case("attachment", api_attachment, READERS, before=store_file),
    Case(
        "attachments",
        lambda w, t: "/api/v1/opinion-attachments/",
        PROFESSIONALS_LISTS,
        about_patient=False,
    ),
]

test_page, test_endpoint = matrix_tests(PAGES, API)


# --- The asked specialist outside the team ----------------------------------------------------

# Case name → (own patient, other patient): the request asked of them about the own patient
# is theirs to read and answer while the grant lasts; nothing else.
OUTSIDE_PAGES = {
    "ask form": (404, 404),
    "ask": (404, 404),
    "opinions asked": (200, 200),
    "opinions waiting": (403, 403),
    "request": (200, 404),
    "answer": (302, 404),
    "close": (403, 404),
    "pin": (404, 404),  # the answered request was asked of the team's specialist
    "attachment": (200, 404),
}
OUTSIDE_API = {
    "requests": (200, 200),
    "request": (200, 404),
    "ask": (404, 404),
    "answer": (200, 404),
    "close": (403, 404),
    "attachment": (200, 404),
    "attachments": (200, 200),
}


@pytest.mark.parametrize(
    ("case", "table", "target"),
    [
        pytest.param(case, table, target, id=f"{kind}-{case.name}-{target}")
        for kind, cases, table in (("page", PAGES, OUTSIDE_PAGES), ("api", API, OUTSIDE_API))
        for case in cases
        for target in ("own", "other")
    ],
)
def test_the_outside_specialist_reaches_only_the_request_asked_of_them(
    world: World, case: Case, table: dict, target: str
) -> None:
    own, other = table[case.name]
    assert run(world, case, "outside", target) == (own if target == "own" else other)
