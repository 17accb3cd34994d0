"""Every FHIR endpoint × every role × (own patient, another patient): outside the scope 404
(as on every page), the patient's side kept from what the API keeps from it (drafts, the
professionals' contributions); no refused request writes a read."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from interop import paging
from patients.models import Patient
from tests.conftest import ROLES, World
from tests.fhir.world import dress
from tests.matrix import (
    CLINICIANS,
    COORDINATOR,
    EVERYONE_IN_SCOPE,
    STAFF,
    Case,
    matrix_tests,
    patient_of,
)

__all__ = ["dress"]

TEAM_SIDE = STAFF | CLINICIANS
# The patient's side does not know of drafts or of the professionals' notes: not found.
HIDDEN_FROM_PATIENT_SIDE = {"patient_user": 404, "caregiver_user": 404}
PROS = frozenset({*TEAM_SIDE, "former_member"})


@pytest.fixture(scope="module")
def module_world(module_world: World, django_db_blocker) -> World:
    with django_db_blocker.unblock():
        return dress(module_world)


def f(path: str):
    return lambda w, t: "/fhir/" + path.format(**w.fhir[t])


def own_only(path: str):
    """A directory read: about no patient, asked of the own patient's GP or of the other's."""
    return lambda w, t: "/fhir/" + path.format(**w.fhir["own"])


def others(path: str):
    return lambda w, t: "/fhir/" + path.format(**w.fhir["other"])


def searches(resource: str, data: Callable[[World], dict]) -> list[Case]:
    """A search by identifier in a form body (200 for every role), and the same in a URL
    (refused: 405)."""
    name = resource.lower()
    return [
        Case(
            f"{name} search",
            lambda w, t: f"/fhir/{resource}/_search",
            frozenset(ROLES),
            method="post",
            about_patient=False,
            data=data,
        ),
        Case(
            f"{name} search in a URL",
            lambda w, t: f"/fhir/{resource}?identifier=0",
            frozenset(ROLES),
            ok=405,
            about_patient=False,
        ),
    ]


def kept_search(searcher: str, about: str = "own"):
    """A page of a patient search kept for `searcher` (the link of its bundle), by the traits
    of the `about` patient: only the searcher follows it, whatever anyone else's scope."""

    def url(w: World, t: str) -> str:
        patient = w.own if about == "own" else patient_of(w, t)
        kept = paging.keep(w.user(searcher), "Patient", Patient.objects.filter(pk=patient.pk), 20)
        return "/fhir/" + paging.page_path("Patient", kept.id, 1)

    return url


def search_pages() -> list[Case]:
    """Each role's own search page (200, within its scope, as the search itself), 404 to
    everyone else; and the coordinator's page about each patient, 404 to everyone else
    (outside the scope as well as in it)."""
    others = dict.fromkeys(ROLES, 404)
    return [
        *(
            Case(
                f"patient search page kept by {searcher}",
                kept_search(searcher),
                frozenset({searcher}),
                about_patient=False,
                otherwise=others,
            )
            for searcher in ROLES
        ),
        Case(
            "patient search page kept by the coordinator, about each patient",
            kept_search("coordinator", about="target"),
            COORDINATOR,
            otherwise=others,
        ),
    ]


PAGES: list[Case] = []

API = [
    Case("metadata", lambda w, t: "/fhir/metadata", frozenset(ROLES), about_patient=False),
    Case("patient", f("Patient/{patient}"), EVERYONE_IN_SCOPE),
    # A search answers every role, within its scope (tests/fhir/test_search.py: who finds
    # whom); the practitioner's is about no patient, the directory as its reads show it.
    *searches("Patient", lambda w: {"identifier": w.own.nir}),
    *searches("Practitioner", lambda w: {"identifier": w.gp.professional.rpps}),
    *search_pages(),
    Case("everything", f("Patient/{patient}/$everything"), EVERYONE_IN_SCOPE),
    Case("care team", f("CareTeam/{team}"), EVERYONE_IN_SCOPE),
    Case("practitioner role", f("PractitionerRole/{gp_role}"), EVERYONE_IN_SCOPE),
    # The directory is every professional's; the patient's side reads their team's members.
    Case(
        "practitioner of the team",
        own_only("Practitioner/{gp}"),
        frozenset(ROLES),
        about_patient=False,
    ),
    Case(
        "practitioner of another team",
        others("Practitioner/{gp}"),
        PROS,
        about_patient=False,
        otherwise=HIDDEN_FROM_PATIENT_SIDE,
    ),
    Case("care plan in force", f("CarePlan/{plan}"), EVERYONE_IN_SCOPE),
    Case("goal", f("Goal/{goal}"), EVERYONE_IN_SCOPE),
    Case(
        "care plan draft",
        f("CarePlan/{draft}"),
        TEAM_SIDE,
        otherwise=HIDDEN_FROM_PATIENT_SIDE,
    ),
    Case("goal of a draft", f("Goal/{draft_goal}"), TEAM_SIDE, otherwise=HIDDEN_FROM_PATIENT_SIDE),
    Case("encounter", f("Encounter/{sic}"), EVERYONE_IN_SCOPE),
    Case("patient experience", f("QuestionnaireResponse/{experience}"), EVERYONE_IN_SCOPE),
    Case(
        "gp summary",
        f("QuestionnaireResponse/{summary}"),
        TEAM_SIDE,
        otherwise=HIDDEN_FROM_PATIENT_SIDE,
    ),
    Case(
        "questionnaire",
        lambda w, t: "/fhir/Questionnaire/gp-summary",
        frozenset(ROLES),
        about_patient=False,
    ),
    Case("consent", f("Consent/{consent}"), EVERYONE_IN_SCOPE),
]

_no_pages, test_endpoint_answers_each_role_as_designed = matrix_tests(PAGES, API)
