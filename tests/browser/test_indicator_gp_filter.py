"""The indicators' GP filter in Chromium: the coordinator types a few letters of a GP's name,
the list offers the GPs found without the page being reloaded, she picks one and applies the
filter: the figures are those of that GP's patients. Checked by axe-core, photographed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, assert_accessible, browsing, log_in, screenshot
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_finds_a_gp_by_name_and_filters_the_figures(
    browser, live_server, fresh_world: World
) -> None:
    world = fresh_world
    gp = world.gp.professional
    with browsing(browser, live_server, DESKTOP) as page:
        log_in(page, world.coordinator.email, PASSWORD)
        page.goto("/indicateurs/")
        choice = page.locator("select[name=medecin]")
        assert choice.locator("option").count() == 1  # « Tous les médecins traitants »
        page.get_by_label("Chercher un médecin traitant").press_sequentially(
            f"{gp.first_name} {gp.last_name}".lower(), delay=30
        )
        option = choice.locator(f"option[value='{gp.pk}']")
        option.wait_for(state="attached")
        assert gp.last_name.upper() in option.inner_text()
        found = choice.locator("option").count() - 1
        assert found >= 1
        assert f"{found} médecin" in page.locator("#gp-choice-help").inner_text()
        screenshot(page, "indicators-gp-search-1366")
        assert_accessible(page, "indicators, the GP search")
        choice.select_option(str(gp.pk))
        with page.expect_navigation():
            page.get_by_role("button", name="Appliquer").click()
        assert f"medecin={gp.pk}" in page.url
        assert page.locator("select[name=medecin]").input_value() == str(gp.pk)
        expect(page.locator(".indicator-section").first).to_be_visible()
        assert page.console_errors == []
