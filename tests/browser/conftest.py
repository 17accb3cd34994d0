"""Playwright in Debian's Chromium (never a downloaded browser). Screenshots land in
tests/artifacts/ so that a person can look at the pages; axe-core checks them (the copy that
the axe-playwright-python package bundles: nothing is fetched from a CDN)."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# The sizes the issue asks each user to be seen at: professionals at a desk, the patient's side
# (and clinicians on a round) on a phone.
DESKTOP = {"viewport": {"width": 1366, "height": 768}}
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
# What a user cannot get past: axe-core's "moderate" and "minor" findings fail no test.
SEVERE_IMPACTS = ("serious", "critical")


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[object]:
    """pytest-django's live server, serving the static files that collectstatic wrote (as
    production does), under their hashed names: its default handler looks the files up in the
    apps' folders, where hashed names are not."""
    from django.test.testcases import _StaticFilesHandler
    from pytest_django.live_server_helper import LiveServer

    addr = request.config.getvalue("liveserver") or os.getenv(
        "DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.static_handler = _StaticFilesHandler
    server.start()
    yield server
    server.stop()


def _watched(page) -> list[str]:
    """Record the page's console errors (page.console_errors, where the CSP's refusals land)
    and return the list that the static files it failed to get will be added to."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    missing: list[str] = []
    page.on(
        "response",
        lambda response: (
            missing.append(response.url)
            if "/static/" in response.url and response.status >= 400
            else None
        ),
    )
    return missing


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1366, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    missing = _watched(page)
    yield page
    context.close()
    assert missing == [], "static files the pages asked for and did not get"


def phone_context(browser, live_server, width: int = 390, height: int = 844):
    """A French phone's browser context on the live server (the patient's side)."""
    return browser.new_context(
        locale="fr-FR",
        viewport={"width": width, "height": height},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,
    )


@contextmanager
def browsing(browser, live_server, size: dict) -> Iterator[object]:
    """A page in a context of its own (one user's cookies) at `size` (DESKTOP or PHONE),
    closed afterwards; fails if a page asked for a static file it did not get."""
    context = browser.new_context(locale="fr-FR", base_url=live_server.url, **size)
    page = context.new_page()
    page.set_default_timeout(10_000)
    missing = _watched(page)
    try:
        yield page
    finally:
        context.close()
    assert missing == [], "static files the pages asked for and did not get"


def screenshot(page, name: str) -> Path:
    """The whole page in tests/artifacts/<name>.png, one image pixel a CSS pixel: a phone's
    page at the width it is laid out in (a third of the time of its device pixels)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, scale="css")
    return path


def log_in(page, email: str, password: str) -> None:
    page.goto("/compte/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()


def _axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now. The script (half a megabyte) is put
    into the page only when the page does not hold it yet: a page changed in place by htmx
    keeps the copy its document was given."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe.axe_script)
    return page.evaluate("axe.run({resultTypes: ['violations']}).then(r => r.violations)")


def assert_accessible(page, name: str, *, known: Collection[str] = ()) -> None:
    """Run axe-core on the page as it is now and fail on any serious or critical violation,
    listed with its rule, impact, elements and help. `known` names rules that still fail on
    this page while it is being reworked elsewhere: they are tolerated, and an entry that no
    longer fails is reported so that the list only shrinks."""
    violations = [v for v in _axe_violations(page) if v["impact"] in SEVERE_IMPACTS]
    unexpected = [v for v in violations if v["id"] not in known]
    assert not unexpected, f"axe on {name} ({page.url}):\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    "
        + "\n    ".join(", ".join(map(str, node["target"])) for node in v["nodes"][:10])
        + ("\n    …" if len(v["nodes"]) > 10 else "")
        for v in unexpected
    )
    fixed = set(known) - {v["id"] for v in violations}
    assert not fixed, f"axe on {name}: {sorted(fixed)} pass now: take them off the allow-list"
