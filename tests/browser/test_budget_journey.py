"""The GP prescribes dietitian sessions from the patient page, the coordinator approves them
in « Demandes à valider », the patient reads them on a phone and the team sees the balance."""

import pytest
from playwright.sync_api import expect

from budget.models import CareRequestStatus, SupplementaryCare
from tests.browser.conftest import log_in as browser_log_in
from tests.browser.conftest import screenshot
from tests.budget.pages import envelopes_of
from tests.conftest import World
from tests.factories import PASSWORD, care_provider, category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def new_page(browser, live_server, **options):
    context = browser.new_context(locale="fr-FR", base_url=live_server.url, **options)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    return context, page


def test_the_gp_prescribes_the_coordinator_approves_the_patient_sees_it(
    browser, live_server, fresh_world: World
) -> None:
    world = fresh_world
    envelopes_of(world.own, amount="1000.00")
    diet = category("diététicien·ne")
    provider = care_provider()
    desktop = {"viewport": {"width": 1366, "height": 900}}

    # The GP, from the patient page.
    context, page = new_page(browser, live_server, **desktop)
    browser_log_in(page, world.gp.email, PASSWORD)
    page.goto(f"/patients/{world.own.pk}/")
    page.get_by_role("link", name="Prescrire des soins de support").first.click()
    page.select_option("select[name=category]", str(diet.pk))
    page.select_option("select[name=provider]", str(provider.pk))
    page.fill("input[name=sessions]", "6")
    page.fill("input[name=unit_price]", "45,00")
    with page.expect_navigation():
        page.get_by_role("button", name="Transmettre à la coordination").click()
    expect(page.get_by_text("La demande a été transmise à la coordination.")).to_be_visible()
    expect(page.locator("#budget").get_by_text("En attente de la coordination")).to_be_visible()
    context.close()

    # The coordinator approves in place.
    context, page = new_page(browser, live_server, **desktop)
    browser_log_in(page, world.coordinator.email, PASSWORD)
    page.get_by_role("link", name="Demandes à valider").click()
    care = SupplementaryCare.objects.get()
    row = page.locator(f"#care-{care.pk}")
    expect(row.get_by_text("1 000,00 €")).to_be_visible()
    screenshot(page, "budget-requests-to-approve")
    row.get_by_role("button", name="Accorder").click()
    page.locator(f"#care-{care.pk}").get_by_text("Accordée").wait_for()
    expect(page.locator(f"#care-{care.pk}").get_by_text("730,00 €")).to_be_visible()
    assert page.console_errors == []
    care.refresh_from_db()
    assert care.status == CareRequestStatus.APPROVED
    page.goto(f"/patients/{world.own.pk}/")
    assert page.get_by_test_id("budget-remaining").inner_text() == "730,00 €"
    page.locator("#budget").scroll_into_view_if_needed()
    screenshot(page, "budget-patient-page")
    context.close()

    # The patient, on a phone.
    context, page = new_page(
        browser,
        live_server,
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    browser_log_in(page, world.patient_user.email, PASSWORD)
    page.get_by_role("link", name="Mes soins de support").first.click()
    text = f"6 séances de diététicien·ne avec {provider.professional}"
    expect(page.get_by_text(text)).to_be_visible()
    expect(page.get_by_text("accordé", exact=True)).to_be_visible()
    assert "€" not in page.locator("#my-care").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the page scrolls sideways on a phone"
    screenshot(page, "budget-patient-phone")
    context.close()
