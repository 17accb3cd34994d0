import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from programme.demo_data import DEMO_PASSWORD
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_admin_reads_the_budget_in_charts_and_follows_a_bar_to_its_rows(page) -> None:
    call_command("seed_demo", "--if-empty", verbosity=0)
    log_in(page, "admin@demo.test", DEMO_PASSWORD)
    page.get_by_role("link", name="Budget").first.click()
    page.wait_for_url("**/gestion/budget/")
    expect(page.get_by_role("heading", name="Budget du programme")).to_be_visible()
    chart = page.get_by_role("group", name="Engagé, dépensé et payé par trimestre, par catégorie")
    expect(chart).to_be_visible()
    screenshot(page, "budget-overview-desktop")
    assert page.console_errors == []  # the CSP refused nothing
    # The table alternative holds the same numbers.
    page.get_by_text("Les chiffres, en tableau").first.click()
    assert page.locator("details[open] table tbody tr").count() >= 3
    # A bar leads to the movements behind it.
    chart.locator("a").first.click()
    page.wait_for_url("**/gestion/budget/mouvements/**")
    assert page.locator("tbody tr").count() >= 1
    screenshot(page, "budget-overview-rows")
