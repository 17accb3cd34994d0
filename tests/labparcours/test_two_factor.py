"""Two-factor authentication for the roles that require it: a session that has not passed the
second factor can finish it, or log out, and do nothing else."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.regex_helper import normalize

from labparcours.models import ApiToken
from tests.conftest import World, client_for
from tests.factories import PASSWORD
from tests.labparcours.logins import full_login, password_login, totp_code, with_totp

# What a session that still owes the second factor may reach. Adding a name here is a
# security decision: every other URL of the project must refuse such a session.
ALLOWED = {
    "account_logout",
    "account_reauthenticate",  # allauth asks for the password again before TOTP activation
    "mfa_activate_totp",
    "mfa_authenticate",
    "mfa_reauthenticate",
    "set_language",
    "healthz",
}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # allauth remembers used TOTP codes in the cache: a code is good once.
    cache.clear()


@pytest.fixture
def mfa_required(settings: pytest.FixtureRequest) -> None:
    settings.MFA_REQUIRED_ROLES = ["admin", "coordinator"]


def _groups(regex: str) -> dict[str, str]:
    """The sub-expression of each named group of `regex`."""
    groups = {}
    for start in re.finditer(r"\(\?P<(\w+)>", regex):
        depth, index = 1, start.end()
        while depth:
            char = regex[index]
            if char == "\\":
                index += 1
            depth += {"(": 1, ")": -1}.get(char, 0)
            index += 1
        groups[start[1]] = regex[start.end() : index - 1]
    return groups


def _fill(pattern: object) -> str:
    """One path that `pattern` matches: sample values in its parameters."""
    regex = pattern.regex.pattern  # type: ignore[attr-defined]
    template, params = normalize(regex)[0]
    groups = _groups(regex)
    samples = {}
    for name in params:
        group = groups.get(name, "[^/]+")  # an unnamed group
        candidates = [str(uuid.uuid4()), "1", "json", ".json", *group.split("|")]
        samples[name] = next(c for c in candidates if re.fullmatch(group, c))
    return template % samples


def project_urls(resolver: URLResolver | None = None, prefix: str = "/") -> Iterator[tuple]:
    """Every URL of the project, with sample values in its parameters, and its name."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        path = prefix + _fill(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from project_urls(entry, path)
        elif isinstance(entry, URLPattern):
            yield path, entry


def refused_urls(client: Client, setup_url: str) -> list[str]:
    """The URLs that answer a half-logged-in session with anything but a refusal."""
    leaks = []
    for path, entry in project_urls():
        match = resolve(path)
        assert match.func == entry.callback, path
        if match.url_name in ALLOWED:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            # The refusal's message is for the page the user is sent to, which is not opened
            # here: left unread, a thousand of them would pile up in the cookie, then the
            # session, and each request would read and write them all again.
            client.cookies.pop("messages", None)
            if path.startswith("/api/"):
                refused = (
                    response.status_code == 403
                    and response["Content-Type"] == "application/json"
                    and response.json()["code"] == "two_factor_required"
                )
            else:
                refused = response.status_code == 302 and response["Location"].startswith(setup_url)
            if not refused:
                leaks.append(f"{method.upper()} {path} → {response.status_code}")
    return leaks


def test_the_allow_list_names_real_pages() -> None:
    names = {entry.name for _path, entry in project_urls()}
    assert names >= ALLOWED


@pytest.mark.usefixtures("mfa_required")
def test_a_password_only_session_without_totp_reaches_nothing_but_the_setup(world: World) -> None:
    client = password_login(world.coordinator)
    assert "_auth_user_id" in client.session
    assert refused_urls(client, reverse("mfa_activate_totp")) == []
    assert not ApiToken.objects.exists()


@pytest.mark.usefixtures("mfa_required")
def test_a_password_only_session_with_totp_reaches_nothing_but_the_code_page(
    world: World,
) -> None:
    # A session opened without the code (as the admin's own login form used to give).
    client = client_for(with_totp(world.coordinator))
    assert refused_urls(client, reverse("mfa_reauthenticate")) == []


@pytest.mark.usefixtures("mfa_required")
def test_it_refuses_a_token_to_a_password_only_session(world: World) -> None:
    client = password_login(world.coordinator)
    page = client.post(reverse("api_tokens"), {"name": "script"})
    assert page.status_code == 302
    assert page["Location"] == reverse("mfa_activate_totp")
    api = client.post("/api/v1/tokens/", {"name": "script"}, content_type="application/json")
    assert api.status_code == 403
    assert api.json()["code"] == "two_factor_required"
    assert not ApiToken.objects.exists()


@pytest.mark.usefixtures("mfa_required")
def test_it_lets_in_a_coordinator_who_gave_the_password_and_the_code(world: World) -> None:
    client = full_login(with_totp(world.coordinator))
    assert client.get("/coordination/").status_code == 200
    assert client.get("/api/v1/patients/").status_code == 200
    created = client.post("/api/v1/tokens/", {"name": "script"}, content_type="application/json")
    assert created.status_code == 201


@pytest.mark.usefixtures("mfa_required")
def test_it_counts_setting_up_totp_as_passing_the_second_factor(
    transactional_db: None, fresh_world: World
) -> None:
    world = fresh_world
    # allauth announces a new authenticator once its transaction commits, within the request.
    client = password_login(world.coordinator)
    assert client.get("/coordination/")["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password again before adding an authenticator.
    ask_password = client.get(reverse("mfa_activate_totp"))
    assert ask_password["Location"].startswith(reverse("account_reauthenticate"))
    client.post(ask_password["Location"], {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert Authenticator.objects.filter(user=world.coordinator, type="totp").exists()
    assert client.get("/coordination/").status_code == 200
    assert client.get(reverse("api_tokens")).status_code == 200


@pytest.mark.usefixtures("mfa_required")
def test_a_session_with_totp_finishes_by_entering_the_code(world: World) -> None:
    client = client_for(with_totp(world.coordinator))
    refused = client.get("/coordination/")
    assert refused["Location"] == f"{reverse('mfa_reauthenticate')}?next=/coordination/"
    assert 'name="code"' in client.get(refused["Location"]).content.decode()
    wrong = client.post(refused["Location"], {"code": "000000"})
    assert wrong.status_code == 200
    assert client.get("/coordination/").status_code == 302
    done = client.post(refused["Location"], {"code": totp_code()})
    assert done["Location"] == "/coordination/"
    assert client.get("/coordination/").status_code == 200


@pytest.mark.usefixtures("mfa_required")
def test_it_asks_again_when_the_totp_is_removed(world: World) -> None:
    client = full_login(with_totp(world.coordinator))
    Authenticator.objects.filter(user=world.coordinator).delete()
    assert client.get("/coordination/")["Location"] == reverse("mfa_activate_totp")


@pytest.mark.usefixtures("mfa_required")
def test_roles_without_the_requirement_are_not_asked(world: World) -> None:
    assert client_for(world.patient_user).get("/mon-dossier/").status_code == 200
    assert client_for(world.gp).get("/mes-patients/").status_code == 200
