"""Every page and endpoint × every role × (own patient, another patient).

The former member left the own patient's team: they are outside the scope of both.
Outside the scope the answer is 404; inside it, an action the role may not do is 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.conftest import ROLES, World, client_for

CLINICIANS = {"gp", "nurse", "pharmacist", "specialist"}
IN_SCOPE = {
    "own": {"admin", "coordinator", *CLINICIANS, "patient_user", "caregiver_user"},
    "other": {"admin", "coordinator"},
}


@dataclass(frozen=True)
class Case:
    name: str
    url: Callable[[World, str], str]
    allowed: frozenset[str]
    method: str = "get"
    ok: int = 200
    about_patient: bool = True
    data: Callable[[World], dict] | None = None
    # What a role in scope but not allowed gets, when not 403 (e.g. a redirect).
    otherwise: dict[str, int] | None = None


def patient_of(world: World, target: str):  # noqa: ANN201
    return world.own if target == "own" else world.other


def p(path: str) -> Callable[[World, str], str]:
    return lambda world, target: path.format(pk=patient_of(world, target).pk)


def team_url(suffix: str = "") -> Callable[[World, str], str]:
    return lambda world, target: f"/api/v1/teams/{patient_of(world, target).care_team.pk}/{suffix}"


STAFF = frozenset({"admin", "coordinator"})
EVERYONE_IN_SCOPE = frozenset(IN_SCOPE["own"])
COORDINATOR = frozenset({"coordinator"})
PROS = frozenset({"admin", "coordinator", *CLINICIANS, "former_member"})
PATIENT_SIDE = frozenset({"patient_user", "caregiver_user"})

PAGES = [
    Case("dashboard", p("/coordination/"), STAFF, about_patient=False),
    Case("my patients", p("/mes-patients/"), frozenset({*CLINICIANS, "former_member"}), about_patient=False),
    Case("my record", p("/mon-dossier/"), PATIENT_SIDE, about_patient=False),
    Case("my access log", p("/mon-dossier/acces/"), PATIENT_SIDE, about_patient=False),
    Case("access log (admin)", p("/gestion/journal-acces/"), frozenset({"admin"}), about_patient=False),
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
    ),
    Case(
        "add a member",
        p("/patients/{pk}/equipe/ajouter/"),
        COORDINATOR,
        method="post",
        ok=302,
        data=lambda w: {"professional": w.former_member.professional.pk},
    ),
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
        data=lambda w: {"last_name": "Roux", "first_name": "Léa", "profession": "dietitian",
                        "practice_mode": "liberal"},
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
]


def expected(case: Case, role: str, target: str) -> int:
    if case.about_patient and role not in IN_SCOPE[target]:
        return 404
    if role in case.allowed:
        return case.ok
    return (case.otherwise or {}).get(role, 403)


def _run(world: World, case: Case, role: str, target: str) -> int:
    if case.name.startswith(("record a consent", "consent create")):
        patient_of(world, target).consents.filter(kind="sic_attendance").delete()
    client = client_for(world.user(role))
    url = case.url(world, target)
    data = case.data(world) if case.data else None
    if case.method == "post":
        response = client.post(url, data, content_type="application/json") if url.startswith(
            "/api/"
        ) else client.post(url, data)
    else:
        response = client.get(url)
    return response.status_code


def _params(cases: list[Case]) -> list:
    return [
        pytest.param(case, role, target, id=f"{case.name}-{role}-{target}")
        for case in cases
        for role in ROLES
        for target in (("own", "other") if case.about_patient else ("own",))
    ]


@pytest.mark.parametrize(("case", "role", "target"), _params(PAGES))
def test_page_answers_each_role_as_designed(world: World, case: Case, role: str, target: str) -> None:
    assert _run(world, case, role, target) == expected(case, role, target)


@pytest.mark.parametrize(("case", "role", "target"), _params(API))
def test_endpoint_answers_each_role_as_designed(
    world: World, case: Case, role: str, target: str
) -> None:
    assert _run(world, case, role, target) == expected(case, role, target)


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
    assert body["count"] == count
