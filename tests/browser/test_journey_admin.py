"""The programme manager's journey at her desk (1366×768): the programme's home, the budget
and a bar of its chart, the indemnities to approve, the reports and exports, the access log,
with axe-core on every page."""

import pytest
from playwright.sync_api import expect

from labparcours.models import AccessLogEntry
from tests.browser.conftest import DESKTOP, browsing
from tests.browser.journeys import arrive, follow, stop
from tests.budget.pages import envelopes_of
from tests.conftest import World
from tests.factories import approved_request, held_sic, indemnity_rate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_admin_reads_the_budget_approves_indemnities_and_reads_the_access_log(
    browser, live_server, fresh_world: World
) -> None:
    world = fresh_world
    envelopes_of(world.own, world.other, amount="1000.00")
    approved_request(world, sessions=6, unit_price="45.00")
    indemnity_rate("sic_attendance", "45.00")
    held_sic(world, present=["gp", "nurse"])
    AccessLogEntry.objects.create(
        patient=world.own, user=world.gp, what="patient record", ip_address="192.0.2.7"
    )

    with browsing(browser, live_server, DESKTOP) as page:
        arrive(page, world.admin.email, home="**/gestion/", name="admin-home")

        follow(page, "Budget", to="**/gestion/budget/", name="admin-budget")
        page.locator(".chart-svg a").first.click()
        page.wait_for_url("**/gestion/budget/mouvements/**")
        assert page.locator("main tbody tr").count() >= 1
        stop(page, "admin-budget-movements")
        page.goto("/gestion/budget/exports/")
        stop(page, "admin-budget-exports")

        follow(page, "Indemnisations", to="**/indemnisations/admin/", name="admin-indemnities")
        with page.expect_navigation():
            page.get_by_role("button", name="Valider les 2 lignes").click()
        expect(page.get_by_text("2 lignes validées.")).to_be_visible()
        expect(page.get_by_text("Aucune ligne n'attend de validation.")).to_be_visible()
        stop(page, "admin-indemnities-approved")

        follow(page, "Rapports", to="**/indemnisations/rapports/", name="admin-indemnity-reports")

        follow(page, "Journal des accès", to="**/gestion/journal-acces/", name="admin-access-log")
        assert page.locator("main").get_by_text("192.0.2.7").count() >= 1
