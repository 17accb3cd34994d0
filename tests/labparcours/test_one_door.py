"""One door for "may do": the role sets are named once (labparcours/roles.py), the predicates
live in each app's rules.py, and a refusal is one `NotAllowed`, a 403 on pages and in the API,
after the scope (404 outside it), with no read logged."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

from careplans.models import PlanStatus
from labparcours.errors import NotAllowed
from labparcours.models import AccessLogEntry
from tests.conftest import World, client_for
from tests.factories import make_plan

APPS = ("patients", "teams", "sic", "careplans", "reminders", "programme")
# Where "may do" was decided inline: it now asks a rules.py predicate.
DOORS = ("views.py", "api.py", "models.py", "selectors.py", "services.py", "manual.py", "sweep.py")


def inline_role_checks(path: Path) -> list[str]:
    """Comparisons of a `.role` with anything, outside the scope itself (`visible_to`, which
    dispatches on the role to say who sees what, not who may do what)."""
    found = []
    tree = ast.parse(path.read_text())
    scopes = [
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "visible_to"
    ]
    in_scope = {id(n) for scope in scopes for n in ast.walk(scope)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare) or id(node) in in_scope:
            continue
        operands = [node.left, *node.comparators]
        if any(isinstance(o, ast.Attribute) and o.attr == "role" for o in operands):
            found.append(f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}")
    return found


def test_no_view_api_model_or_service_compares_roles_inline() -> None:
    base = Path(settings.BASE_DIR)
    found = [
        line
        for app in APPS
        for name in DOORS
        if (base / app / name).exists()
        for line in inline_role_checks(base / app / name)
    ]
    assert found == []


def test_a_refusal_in_the_api_is_a_structured_403_with_no_read_logged(world: World) -> None:
    response = client_for(world.gp).get(f"/api/v1/patients/{world.own.pk}/access-log/")
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"
    assert response.json()["detail"]
    assert not AccessLogEntry.objects.filter(user=world.gp).exists()


def test_a_refusal_by_a_model_needs_no_translation_in_the_api(world: World) -> None:
    plan = make_plan(world, status=PlanStatus.PROPOSED)
    response = client_for(world.gp).post(f"/api/v1/careplans/{plan.pk}/validate/")
    assert response.status_code == 403
    assert response.json() == {
        "code": "not_the_patient",
        "detail": "Seul le patient, ou son aidant, peut valider le plan.",
    }
    assert not AccessLogEntry.objects.filter(user=world.gp).exists()


def test_a_refusal_on_a_page_is_a_403_with_no_read_logged(world: World) -> None:
    response = client_for(world.gp).get(f"/patients/{world.own.pk}/journal-acces/")
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()
    assert not AccessLogEntry.objects.filter(user=world.gp).exists()


@pytest.mark.parametrize("door", ["page", "api"])
def test_the_scope_answers_before_the_role(world: World, door: str) -> None:
    """The same refusal outside the scope is a 404: nobody learns that the patient exists."""
    url = {
        "page": f"/patients/{world.other.pk}/journal-acces/",
        "api": f"/api/v1/patients/{world.other.pk}/access-log/",
    }[door]
    assert client_for(world.gp).get(url).status_code == 404


def test_not_allowed_is_django_s_own_refusal() -> None:
    """So that Django answers it with templates/403.html, and DRF would too."""
    from django.core.exceptions import PermissionDenied

    assert issubclass(NotAllowed, PermissionDenied)
