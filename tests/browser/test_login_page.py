import pytest
from playwright.sync_api import expect

from labparcours.models import Role
from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_logs_in_through_the_real_login_page(page) -> None:
    UserFactory(role=Role.COORDINATOR, email="claire@example.test", first_name="Claire")
    page.goto("/compte/login/")
    screenshot(page, "login")
    expect(page.locator("input[name=login]")).to_be_visible()
    log_in(page, "claire@example.test", PASSWORD)
    assert page.url.endswith("/coordination/")
    assert page.locator("h1").first.inner_text().strip() != ""
    path = screenshot(page, "coordinator-dashboard")
    assert path.stat().st_size > 10_000
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_a_wrong_password_shows_an_error_on_the_page(page) -> None:
    UserFactory(role=Role.CLINICIAN, email="jean@example.test")
    log_in(page, "jean@example.test", "pas-le-bon")
    assert "/compte/login/" in page.url
    expect(page.get_by_text("mot de passe sont incorrects")).to_be_visible()
