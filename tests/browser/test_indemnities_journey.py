"""The admin approves the month's lines, builds a batch, downloads its SEPA file and marks it
paid; the GP then reads « Payée » in « Mes indemnisations »."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from indemnities.models import PaymentBatch
from tests.browser.conftest import log_in, screenshot
from tests.conftest import World
from tests.factories import PASSWORD, bank_account, held_sic, indemnity_rate
from tests.indemnities.pages import days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def day(n: int) -> str:
    return f"{days_ago(n):%Y-%m-%d}"


def test_the_admin_pays_the_month_and_the_gp_sees_it_paid(
    browser, live_server, fresh_world: World, tmp_path: Path
) -> None:
    world = fresh_world
    indemnity_rate("sic_attendance", "45.00")
    bank_account(world.gp.professional)
    held_sic(world, present=["gp", "nurse"])  # the nurse has no bank details: she waits

    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1366, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(page, world.admin.email, PASSWORD)
    page.get_by_role("link", name="Indemnisations").first.click()
    expect(
        page.locator("#lines-to-approve").get_by_text(str(world.gp.professional))
    ).to_be_visible()
    screenshot(page, "indemnities-admin-to-approve")
    with page.expect_navigation():
        page.get_by_role("button", name="Valider les 2 lignes").click()
    expect(page.get_by_text("2 lignes validées.")).to_be_visible()

    page.fill("input[name=period_start]", day(30))
    page.fill("input[name=period_end]", day(-7))
    page.fill("input[name=execution_date]", day(-2))
    with page.expect_navigation():
        page.get_by_role("button", name="Constituer le lot").click()
    expect(page.get_by_text("Le lot de paiement a été constitué.")).to_be_visible()
    batch = PaymentBatch.objects.get()
    row = page.locator(f"#batch-{batch.pk}")
    expect(row.get_by_text("45,00 €")).to_be_visible()

    with page.expect_download() as download:
        row.get_by_role("link", name="Télécharger").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"{batch.reference}.xml"
    assert saved.read_bytes() == bytes(batch.sepa_file)

    row.get_by_text("Marquer payé").click()
    row.locator("input[name=paid_on]").fill(day(0))
    row.locator("input[name=bank_reference]").fill("VIR-2026-0042")
    with page.expect_navigation():
        row.get_by_role("button", name="Enregistrer le paiement").click()
    expect(page.get_by_text(f"Le lot {batch.reference} est marqué payé.")).to_be_visible()
    expect(page.locator(f"#batch-{batch.pk}").get_by_text("VIR-2026-0042")).to_be_visible()
    screenshot(page, "indemnities-admin-paid")
    assert errors == []
    context.close()

    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1366, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    log_in(page, world.gp.email, PASSWORD)
    page.get_by_role("link", name="Mes indemnisations").first.click()
    expect(page.locator("#indemnity-lines").get_by_text("Payée")).to_be_visible()
    expect(page.locator("#bank-details").get_by_text("FR76 •••• •••• 189")).to_be_visible()
    screenshot(page, "indemnities-gp-paid")
    context.close()
