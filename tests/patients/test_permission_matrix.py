"""Every page and endpoint × every role × (own patient, another patient).

The former member left the own patient's team: they are outside the scope of both.
Outside the scope the answer is 404; inside it, an action the role may not do is 403.
"""

import pytest
from django.utils import timezone

from patients.models import Patient, PatientStatus
from tests.conftest import ROLES, World, client_for
from tests.matrix import (
    CLINICIANS,
    COORDINATOR,
    EVERYONE_IN_SCOPE,
    PATIENT_SIDE,
    PROS,
    STAFF,
    Case,
    matrix_tests,
    p,
    patient_of,
    team_url,
)


def without_sic_consent(world: World, target: str) -> None:
    patient_of(world, target).consents.filter(kind="sic_attendance").delete()


def a_candidate(world: World, target: str) -> None:
    """The patient not yet included, with the consents and criteria an inclusion needs."""
    Patient.objects.filter(pk=patient_of(world, target).pk).update(
        status=PatientStatus.CANDIDATE, inclusion_date=None
    )


def sic_consent(world: World, target: str) -> str:
    """The patient's consent to attend SICs: the one withdrawn (the scope does not rest on it)."""
    patient = patient_of(world, target)
    consent = patient.consents.get(kind="sic_attendance")
    return f"/patients/{patient.pk}/consentements/{consent.pk}/retrait/"


PAGES = [
    Case("dashboard", p("/coordination/"), STAFF, about_patient=False),
    Case(
        "my patients",
        p("/mes-patients/"),
        frozenset({*CLINICIANS, "former_member"}),
        about_patient=False,
    ),
    Case("my record", p("/mon-dossier/"), PATIENT_SIDE, about_patient=False),
    Case("my access log", p("/mon-dossier/acces/"), PATIENT_SIDE, about_patient=False),
    Case(
        "access log (admin)",
        p("/gestion/journal-acces/"),
        frozenset({"admin"}),
        about_patient=False,
    ),
    Case("programme home", p("/gestion/"), frozenset({"admin"}), about_patient=False),
    Case("include form", p("/patients/inclure/"), COORDINATOR, about_patient=False),
    Case("directory", p("/annuaire/"), PROS, about_patient=False),
    Case("new professional", p("/annuaire/nouveau/"), COORDINATOR, about_patient=False),
    Case("api tokens", p("/compte/jetons/"), frozenset(ROLES), about_patient=False),
    Case(
        "patient detail",
        p("/patients/{pk}/"),
        frozenset({"admin", "coordinator", *CLINICIANS}),
        otherwise={"patient_user": 302, "caregiver_user": 302},
    ),
    Case("patient edit", p("/patients/{pk}/modifier/"), COORDINATOR),
    Case("care team", p("/patients/{pk}/equipe/"), EVERYONE_IN_SCOPE),
    Case("patient access log (admin)", p("/patients/{pk}/journal-acces/"), frozenset({"admin"})),
    Case("caregiver form", p("/patients/{pk}/aidants/nouveau/"), COORDINATOR),
    Case(
        "record a consent",
        p("/patients/{pk}/consentements/"),
        COORDINATOR,
        method="post",
        ok=302,
        data=lambda w: {"kind": "sic_attendance"},
        before=without_sic_consent,
    ),
    Case(
        "include an existing patient",
        p("/patients/{pk}/inclusion/"),
        COORDINATOR,
        method="post",
        ok=302,
    ),
    Case(
        "invite the patient",
        p("/patients/{pk}/invitation/patient/"),
        COORDINATOR,
        method="post",
        ok=302,
    ),
    Case(
        "add a member",
        p("/patients/{pk}/equipe/ajouter/"),
        COORDINATOR,
        method="post",
        ok=302,
        data=lambda w: {"professional": w.former_member.professional.pk},
    ),
    Case(
        "exit",
        p("/patients/{pk}/sortie/"),
        COORDINATOR,
        method="post",
        ok=302,
        data=lambda w: {"reason": "moved", "on": timezone.localdate().isoformat()},
    ),
    Case("withdraw a consent", sic_consent, COORDINATOR, method="post", ok=302),
]

API = [
    Case("patients list", p("/api/v1/patients/"), frozenset(ROLES), about_patient=False),
    Case("patient", p("/api/v1/patients/{pk}/"), EVERYONE_IN_SCOPE),
    Case("consents", p("/api/v1/patients/{pk}/consents/"), EVERYONE_IN_SCOPE),
    Case(
        "consent create",
        p("/api/v1/patients/{pk}/consents/"),
        COORDINATOR,
        method="post",
        ok=201,
        data=lambda w: {"kind": "sic_attendance"},
        before=without_sic_consent,
    ),
    Case(
        "access log",
        p("/api/v1/patients/{pk}/access-log/"),
        frozenset({"admin", "patient_user", "caregiver_user"}),
    ),
    Case("professionals", p("/api/v1/professionals/"), PROS, about_patient=False),
    Case(
        "professional create",
        p("/api/v1/professionals/"),
        COORDINATOR,
        method="post",
        ok=201,
        about_patient=False,
        data=lambda w: {
            "last_name": "Roux",
            "first_name": "Léa",
            "profession": "dietitian",
            "practice_mode": "liberal",
        },
    ),
    Case("teams list", p("/api/v1/teams/"), frozenset(ROLES), about_patient=False),
    Case("team", team_url(), EVERYONE_IN_SCOPE),
    Case("team members", team_url("members/"), EVERYONE_IN_SCOPE),
    Case(
        "team member add",
        team_url("members/"),
        COORDINATOR,
        method="post",
        ok=201,
        data=lambda w: {"professional": w.former_member.professional.pk},
    ),
    Case("tokens", p("/api/v1/tokens/"), frozenset(ROLES), about_patient=False),
    Case(
        "include",
        p("/api/v1/patients/{pk}/include/"),
        COORDINATOR,
        method="post",
        before=a_candidate,
    ),
]


test_page_answers_each_role_as_designed, test_endpoint_answers_each_role_as_designed = matrix_tests(
    PAGES, API
)


@pytest.mark.parametrize(
    ("role", "count"),
    [
        ("admin", 2),
        ("coordinator", 2),
        ("gp", 1),
        ("specialist", 1),
        ("former_member", 0),
        ("patient_user", 1),
        ("caregiver_user", 1),
    ],
)
def test_the_patient_list_holds_only_the_scope(world: World, role: str, count: int) -> None:
    body = client_for(world.user(role)).get("/api/v1/patients/").json()
    assert len(body["results"]) == count
