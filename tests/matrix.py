"""The permission matrix: a page or endpoint × a role × (own patient, another patient).

Outside the scope the answer is 404; inside it, an action the role may not do is 403.
Either way, a refused request writes no read to the access log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client

from labparcours.models import AccessLogEntry
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
    before: Callable[[World, str], None] | None = None


def patient_of(world: World, target: str):
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


def expected(case: Case, role: str, target: str) -> int:
    if case.about_patient and role not in IN_SCOPE[target]:
        return 404
    if role in case.allowed:
        return case.ok
    return (case.otherwise or {}).get(role, 403)


def run(world: World, case: Case, role: str, target: str, session: str | None = None) -> int:
    """The status of the answer; a refused answer must have written no read. The request is
    sent in `session` (a session key of the role's user) when given, else in a new one."""
    if case.before:
        case.before(world, target)
    if session is None:
        client = client_for(world.user(role))
    else:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    reads_before = AccessLogEntry.objects.count()
    url = case.url(world, target)
    data = case.data(world) if case.data else None
    if case.method == "post":
        response = (
            client.post(url, data, content_type="application/json")
            if url.startswith("/api/")
            else client.post(url, data)
        )
    else:
        response = client.get(url)
    if response.status_code > 400:
        assert AccessLogEntry.objects.count() == reads_before, "a refused request logged a read"
    return response.status_code


def params(cases: list[Case]) -> list:
    return [
        pytest.param(case, role, target, id=f"{case.name}-{role}-{target}")
        for case in cases
        for role in ROLES
        for target in (("own", "other") if case.about_patient else ("own",))
    ]


def matrix_tests(pages: list[Case], api: list[Case]) -> tuple[Callable | None, Callable | None]:
    """The two tests of a matrix module: its pages and its endpoints, every role, each
    patient. Assign them to module-level names starting with test_; a module with no page
    (or no endpoint) gets None there, which pytest does not collect (no empty test skipped)."""

    @pytest.mark.parametrize(("case", "role", "target"), params(pages))
    def test_page(
        world: World, role_sessions: dict[str, str], case: Case, role: str, target: str
    ) -> None:
        assert run(world, case, role, target, role_sessions[role]) == expected(case, role, target)

    @pytest.mark.parametrize(("case", "role", "target"), params(api))
    def test_endpoint(
        world: World, role_sessions: dict[str, str], case: Case, role: str, target: str
    ) -> None:
        assert run(world, case, role, target, role_sessions[role]) == expected(case, role, target)

    return (test_page if pages else None), (test_endpoint if api else None)
