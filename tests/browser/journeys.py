"""What the four journeys share: each page they stop on is photographed into tests/artifacts/
and checked by axe-core (no serious or critical violation), with no console error and, on a
phone, no sideways scrolling."""

from __future__ import annotations

from tests.browser.conftest import assert_accessible, log_in, screenshot
from tests.factories import PASSWORD


def stop(page, name: str) -> None:
    """Look at the page as it is now: a full-page screenshot, axe-core, no error in the
    console (where the CSP's refusals land) and, on a phone, no sideways scrolling."""
    screenshot(page, name)
    assert_accessible(page, name)
    assert page.console_errors == [], f"{name}: the console reported errors"
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (
        f"{name}: the page scrolls sideways"
    )


def follow(page, link: str, *, to: str, name: str) -> None:
    """Click the first link named `link`, wait for the page at `to` (a URL glob), stop there."""
    page.get_by_role("link", name=link).first.click()
    page.wait_for_url(to)
    stop(page, name)


def arrive(page, email: str, *, home: str, name: str) -> None:
    """Log in through the login page, land on `home` (a URL glob), stop there."""
    log_in(page, email, PASSWORD)
    page.wait_for_url(home)
    stop(page, name)
