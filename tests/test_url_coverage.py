"""Every URL of the site is in a permission matrix (tests/*/test_*matrix.py), or in
the allow-list below with the reason why not. A new URL fails this test until it has rows."""

from __future__ import annotations

import importlib
from fnmatch import fnmatch
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.conftest import World

pytestmark = pytest.mark.django_db

MATRICES = sorted(Path(__file__).parent.glob("*/test_*matrix.py"))

NOT_IN_A_MATRIX = {
    # Not about a patient, tested where they are built.
    "admin:*": "the admin: staff only, tests/labparcours/test_admin*.py",
    "account_*": "allauth's pages: tests/labparcours/test_login*.py, test_password_reset.py",
    "mfa_*": "allauth's two-factor pages: tests/labparcours/test_two_factor.py",
    "set_language": "Django's language switch, no data",
    "home": "a redirect by role: tests/labparcours/test_login.py",
    "healthz": "no data: tests/labparcours/test_healthz.py",
    "api_schema": "the API's schema, no data: tests/labparcours/test_api_docs.py",
    "api_docs": "the API's documentation, no data: tests/labparcours/test_api_docs.py",
    "api-root": "DRF's list of endpoints, no data",
    "invitation_accept": "reached with a token, logged out: tests/labparcours/test_invitations.py",
    "api_token_revoke": "one's own tokens: tests/labparcours/test_api_tokens.py",
    "token-detail": "one's own tokens: tests/labparcours/test_api_tokens.py",
    "notification_preferences": "one's own settings: tests/reminders/test_preferences.py",
    "notifications": "one's own bell: tests/reminders/test_pages.py",
    "notification_read": "one's own bell: tests/reminders/test_pages.py",
    "notifications_read_all": "one's own bell: tests/reminders/test_pages.py",
}


def url_names(patterns: list, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def covered(world: World) -> set[str]:
    """The URL names the matrices' cases reach, each module's world dressed as it does."""
    names = set()
    for path in MATRICES:
        module = importlib.import_module(f"tests.{path.parent.name}.{path.stem}")
        dress = getattr(module, "dress", None)
        if dress:
            dress(world)
        for case in [*module.PAGES, *module.API]:
            for target in ("own", "other"):
                names.add(resolve(case.url(world, target).split("?")[0]).view_name)
    return names


def allowed(name: str) -> bool:
    return any(fnmatch(name, pattern) for pattern in NOT_IN_A_MATRIX)


@pytest.fixture(scope="module")
def in_matrix(module_world: World, django_db_blocker) -> set[str]:
    """`covered`, worked out once for the module's tests: dressing the world for every
    matrix is the costly part."""
    with django_db_blocker.unblock():
        return covered(module_world)


def test_every_url_is_in_a_permission_matrix(in_matrix: set[str]) -> None:
    missing = sorted(
        name for name in url_names(get_resolver().url_patterns) - in_matrix if not allowed(name)
    )
    assert missing == [], "URLs no permission matrix covers: add rows to its app's matrix"


def test_the_allow_list_names_only_urls_that_exist_and_need_it(in_matrix: set[str]) -> None:
    names = url_names(get_resolver().url_patterns)
    stale = [
        pattern
        for pattern in NOT_IN_A_MATRIX
        if not any(fnmatch(name, pattern) and name not in in_matrix for name in names)
    ]
    assert stale == []
