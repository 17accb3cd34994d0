"""Playwright in Debian's Chromium (never a downloaded browser). Screenshots land in
tests/artifacts/ so that a person can look at the pages."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


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


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1366, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
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


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, email: str, password: str) -> None:
    page.goto("/compte/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()
