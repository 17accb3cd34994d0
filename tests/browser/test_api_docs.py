import pytest

from labparcours.models import Role
from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_documentation_runs_under_the_content_security_policy(page) -> None:
    UserFactory(role=Role.CLINICIAN, email="jean@example.test")
    log_in(page, "jean@example.test", PASSWORD)
    page.goto("/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Lab Parcours API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() > 10
    screenshot(page, "api-docs")
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
