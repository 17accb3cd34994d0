import pytest
from playwright.sync_api import expect

from labparcours.models import Role
from sic.models import Contribution
from sic.services import sic_ensure_planned, sic_schedule
from teams.models import Profession
from tests.browser.conftest import log_in, screenshot
from tests.conftest import soon
from tests.factories import (
    PASSWORD,
    PatientFactory,
    ProfessionalFactory,
    UserFactory,
    full_team,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_pharmacist_submits_a_review_that_the_coordinator_sees(browser, live_server) -> None:
    coordinator = UserFactory(role=Role.COORDINATOR, email="claire@example.test")
    pharmacist = UserFactory(
        role=Role.CLINICIAN, email="karim@example.test", first_name="Karim", last_name="Benali"
    )
    patient = PatientFactory(coordinator=coordinator, last_name="Lambert", first_name="Marcel")
    pro = ProfessionalFactory(
        profession=Profession.PHARMACIST, user=pharmacist, first_name="Karim", last_name="Benali"
    )
    full_team(patient, pharmacist=pro)
    sic = sic_schedule(sic=sic_ensure_planned(patient=patient), at=soon(7))

    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1366, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    log_in(page, "karim@example.test", PASSWORD)
    page.goto(f"/sic/{sic.pk}/")
    page.locator("#preparation tr", has_text="Bilan de médication").get_by_role("link").click()
    page.fill("input[name=med_0_name]", "Furosémide")
    page.fill("input[name=med_0_dose]", "40 mg le matin")
    page.select_option("select[name=med_0_adherence]", "partial")
    page.fill("input[name=med_1_name]", "Bisoprolol")
    page.fill("input[name=med_1_dose]", "5 mg")
    page.select_option("select[name=med_1_adherence]", "good")
    page.fill("textarea[name=interactions]", "Pas d’interaction majeure")
    page.fill("textarea[name=problems]", "Oublis du diurétique les jours de sortie")
    page.fill("textarea[name=recommendations]", "Pilulier hebdomadaire")
    screenshot(page, "medication-review")
    page.get_by_role("button", name="Transmettre à l’équipe").click()
    page.wait_for_url(f"**/sic/{sic.pk}/")
    assert Contribution.objects.get(kind="medication_review").is_submitted
    context.close()

    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1366, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    log_in(page, "claire@example.test", PASSWORD)
    page.goto(f"/sic/{sic.pk}/")
    row = page.locator("#preparation tr", has_text="Bilan de médication")
    assert "Transmise" in row.inner_text()
    assert "Karim Benali" in row.inner_text()
    screenshot(page, "sic-preparation")
    row.get_by_role("link", name="Lire").click()
    expect(page.get_by_text("Oublis du diurétique les jours de sortie")).to_be_visible()
    expect(page.get_by_role("cell", name="Partielle")).to_be_visible()
    context.close()
