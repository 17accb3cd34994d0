import pytest
from playwright.sync_api import expect

from labparcours.models import Role
from patients.models import Patient, PatientStatus
from teams.models import Profession
from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, ProfessionalFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_includes_a_patient_and_builds_a_complete_team(page) -> None:
    UserFactory(role=Role.COORDINATOR, email="claire@example.test")
    for last, profession in (
        ("Dubois", Profession.GP),
        ("Martin", Profession.NURSE),
        ("Benali", Profession.PHARMACIST),
        ("Leroy", Profession.CARDIOLOGIST),
    ):
        ProfessionalFactory(last_name=last, profession=profession)
    log_in(page, "claire@example.test", PASSWORD)

    page.goto("/patients/inclure/")
    page.fill("input[name=last_name]", "Lambert")
    page.fill("input[name=first_name]", "Marcel")
    page.fill("input[name=birth_date]", "1948-03-14")
    page.select_option("select[name=sex]", "M")
    page.select_option("select[name=pathway]", "ic")
    page.fill("input[name=city]", "Lille")
    for value in ("ic_hospitalisation", "ic_nyha", "medical_complexity"):
        page.check(f"input[name=inclusion_criteria][value={value}]")
    for value in ("participation", "team_sharing", "sic_attendance"):
        page.check(f"input[name=consents][value={value}]")
    screenshot(page, "inclusion-form")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/equipe/")

    patient = Patient.objects.get(last_name="Lambert")
    assert patient.status == PatientStatus.INCLUDED

    for last in ("Dubois", "Martin", "Benali", "Leroy"):
        page.fill("input[name=text]", last)
        # Enter submits the search too: through htmx, or as a plain GET when the typing came
        # before htmx was listening on the page just loaded (a loaded machine).
        page.press("input[name=text]", "Enter")
        candidate = (
            page.locator("#candidates .candidate")
            .filter(has_text=last.upper())
            .or_(page.locator("#candidates .candidate").filter(has_text=last))
        )
        candidate.first.wait_for()
        # Adding posts the form and reloads the page: wait for that page, not the old one.
        with page.expect_navigation():
            candidate.first.locator("button").click()
        assert page.locator("#members").get_by_text(last).count() >= 1

    expect(page.get_by_text("L’équipe est complète.")).to_be_visible()
    screenshot(page, "team-complete")
    assert patient.care_team.is_complete
