import pytest
from playwright.sync_api import expect

from careplans.models import PlanStatus
from labparcours.models import Role
from tests.browser.conftest import log_in, phone_context, screenshot
from tests.conftest import World
from tests.factories import PASSWORD, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_patient_reads_and_validates_the_plan_on_a_phone(
    browser, live_server, fresh_world: World
) -> None:
    world = fresh_world
    assert world.patient_user.role == Role.PATIENT
    plan = make_plan(world, status=PlanStatus.PROPOSED)
    context = phone_context(browser, live_server)
    page = context.new_page()
    log_in(page, world.patient_user.email, PASSWORD)
    page.goto("/mon-plan/")
    expect(page.get_by_text("Votre équipe vous propose ce plan.")).to_be_visible()
    expect(page.get_by_role("heading", name="Vous")).to_be_visible()
    expect(page.get_by_text("Marcher 20 minutes")).to_be_visible()
    button = page.get_by_role("link", name="Je valide mon plan")
    box = button.bounding_box()
    assert box["width"] > 300  # a large button across the phone's width
    screenshot(page, "patient-plan-phone")
    with page.expect_navigation():
        button.click()
    # A validation cannot be taken back: the patient confirms it first.
    expect(page.get_by_text("Une validation ne peut pas être reprise")).to_be_visible()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED
    screenshot(page, "patient-plan-confirm-phone")
    with page.expect_navigation():
        page.get_by_role("button", name="Oui, je valide mon plan").click()
    expect(page.get_by_text("Merci : votre plan est validé et en vigueur.")).to_be_visible()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.VALIDATED
    assert plan.validated_by == world.patient_user
    context.close()
