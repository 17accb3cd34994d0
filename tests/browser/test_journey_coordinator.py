"""The coordinator's journey at her desk (1366×768): the dashboard, a patient, the team
adjusted, the SIC scheduled, prepared and held, its decisions turned into the care plan, the
supplementary care to approve and the notifications, with axe-core on every page."""

import pytest
from playwright.sync_api import expect

from budget.models import CareRequestStatus, SupplementaryCare
from careplans.models import CarePlan
from reminders.sweep import reminders_sweep
from sic.models import Sic, SicStatus
from sic.services import sic_ensure_planned
from teams.models import Profession
from tests.browser.conftest import DESKTOP, browsing
from tests.browser.journeys import arrive, follow, stop
from tests.budget.pages import envelopes_of
from tests.conftest import World, soon
from tests.factories import ProfessionalFactory, care_request, planned_sic, started

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_prepares_holds_and_follows_up_a_sic(
    browser, live_server, fresh_world: World
) -> None:
    world = fresh_world
    ProfessionalFactory(last_name="Leroy", first_name="Anne", profession=Profession.DIABETOLOGIST)
    envelopes_of(world.own, amount="1000.00")
    care = care_request(world, sessions=6, unit_price="45.00")
    sic_ensure_planned(patient=world.own)
    # The other patient's SIC is overdue: the sweep rings the coordinator's bell.
    planned_sic(world.other, due=soon(-5).date())
    reminders_sweep(inline=True)

    with browsing(browser, live_server, DESKTOP) as page:
        page.goto("/compte/login/")
        stop(page, "login")
        arrive(page, world.coordinator.email, home="**/coordination/", name="coordinator-dashboard")

        follow(
            page, "LAMBERT Marcel", to=f"**/patients/{world.own.pk}/", name="coordinator-patient"
        )

        # Adjust the team: a diabetologist joins the cardiologist.
        page.get_by_role("link", name="Équipe de soins").first.click()
        page.wait_for_url("**/equipe/")
        page.fill("input[name=text]", "Leroy")
        candidate = page.locator("#candidates .candidate", has_text="Anne Leroy")
        candidate.wait_for()
        stop(page, "coordinator-team-search")
        with page.expect_navigation():
            candidate.get_by_role("button", name="Ajouter").click()
        assert page.locator("#members").get_by_text("Anne Leroy").count() == 1
        stop(page, "coordinator-team")

        # Schedule the SIC from the patient's page.
        page.goto(f"/patients/{world.own.pk}/")
        follow(page, "Ouvrir la préparation", to="**/sic/*/", name="coordinator-sic-to-schedule")
        page.fill("input[name=at]", f"{soon(7):%Y-%m-%dT%H:%M}")
        with page.expect_navigation():
            page.get_by_role("button", name="Programmer et inviter").click()
        expect(page.get_by_text("La SIC est programmée")).to_be_visible()
        stop(page, "coordinator-sic-preparation")
        sic = Sic.objects.get(patient=world.own)
        assert sic.status == SicStatus.SCHEDULED

        # Its time comes; hold it, with two decisions.
        started(sic)
        page.reload()
        page.get_by_role("link", name="Enregistrer la SIC").click()
        page.wait_for_url("**/compte-rendu/")
        for member in page.locator("input[name=present]").all():
            member.check()
        page.check("input[name=patient_present]")
        page.fill("textarea[name=minutes]", "Poids stable, essoufflement à l’effort.")
        page.fill(
            "textarea[name=decisions]", "Pesée trois fois par semaine\nMarcher 20 minutes par jour"
        )
        stop(page, "coordinator-sic-hold")
        with page.expect_navigation():
            page.get_by_role("button", name="Enregistrer comme réalisée").click()
        stop(page, "coordinator-sic-held")

        # The decisions become the actions of the care plan.
        page.get_by_role("link", name="Transformer les décisions en actions").click()
        page.wait_for_url("**/plan/")
        nurse = page.locator("select[name=form-0-who] option", has_text="Infirmier").first
        page.select_option("select[name=form-0-who]", nurse.get_attribute("value"))
        page.select_option("select[name=form-1-who]", "patient")
        stop(page, "coordinator-plan-from-sic")
        with page.expect_navigation():
            page.get_by_role("button", name="Ajouter ces actions au plan").click()
        plan = CarePlan.objects.get(patient=world.own)
        assert page.url.endswith(f"/plans/{plan.pk}/")
        assert plan.actions.count() == 2
        stop(page, "coordinator-care-plan")

        # « Demandes à valider »: the GP's prescription, approved in place.
        follow(page, "Demandes à valider", to="**/a-valider/", name="coordinator-requests")
        page.locator(f"#care-{care.pk}").get_by_role("button", name="Accorder").click()
        page.locator(f"#care-{care.pk}").get_by_text("Accordée").wait_for()
        stop(page, "coordinator-request-approved")
        assert SupplementaryCare.objects.get().status == CareRequestStatus.APPROVED

        follow(page, "Notifications", to="**/notifications/", name="coordinator-notifications")
        rows = page.locator("main tbody tr")
        # Two overdue SICs, the other patient's incomplete team, the care asked; what she
        # has done since (Lambert's SIC scheduled, the care decided) is already read.
        assert rows.count() == 4
        assert page.locator("main tbody tr.is-muted").count() == 2
        rows.first.get_by_role("button", name="Marquer comme lu").click()
        page.locator("main tbody tr.is-muted").nth(2).wait_for()
        stop(page, "coordinator-notification-read")
