"""A request for changes, end to end in Chromium: the patient's home says a plan waits (phone),
the patient asks for a change, the coordinator finds it in her bell and on her dashboard
(desktop), answers it and proposes the plan again, and the patient reads the answer."""

import pytest
from playwright.sync_api import expect

from careplans.models import CarePlan, PlanStatus
from careplans.services import careplan_propose
from tests.browser.conftest import screenshot
from tests.conftest import World
from tests.factories import PASSWORD, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 768}}


def context_for(browser, live_server, user, **device):
    context = browser.new_context(locale="fr-FR", base_url=live_server.url, **device)
    page = context.new_page()
    page.goto("/compte/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()
    return context, page


def test_a_request_for_changes_goes_round(browser, live_server, fresh_world: World) -> None:
    world = fresh_world
    plan = make_plan(world)
    careplan_propose(plan=plan, by=world.coordinator)  # committed: the patient is told

    context, page = context_for(browser, live_server, world.patient_user, **PHONE)
    page.goto("/mon-dossier/")
    waiting = page.get_by_role("heading", name="Un plan de soins attend votre réponse")
    expect(waiting).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    screenshot(page, "notify-patient-home-plan-waiting-375")
    with page.expect_navigation():
        page.get_by_role("link", name="Lire mon plan").click()
    page.get_by_text("Je souhaite des modifications").click()
    page.fill("textarea[name=comment]", "Je préfère la piscine deux fois par semaine.")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer ma demande à mon équipe").click()
    context.close()

    context, page = context_for(browser, live_server, world.coordinator, **DESKTOP)
    page.goto("/coordination/")
    task = page.locator("#changes-to-answer")
    expect(task).to_be_visible()
    assert "LAMBERT Marcel" in task.inner_text()
    screenshot(page, "notify-coordinator-dashboard-1366")
    page.goto("/notifications/")
    assert page.get_by_text("Modifications demandées sur le plan de soins — LAMBERT Marcel").count()
    screenshot(page, "notify-coordinator-bell-1366")
    page.goto(f"/plans/{plan.pk}/")
    expect(page.get_by_text("Je préfère la piscine deux fois par semaine.")).to_be_visible()
    page.fill("textarea[name=answer]", "D’accord : la piscine remplace la marche le mardi.")
    screenshot(page, "notify-coordinator-plan-answer-1366")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer la réponse et proposer le plan révisé").click()
    context.close()

    plan = CarePlan.objects.get(pk=plan.pk)
    assert plan.status == PlanStatus.PROPOSED
    context, page = context_for(browser, live_server, world.patient_user, **PHONE)
    page.goto("/mon-plan/")
    expect(page.get_by_text("D’accord : la piscine remplace la marche le mardi.")).to_be_visible()
    screenshot(page, "notify-patient-plan-answer-375")
    page.goto("/notifications/")
    screenshot(page, "notify-patient-bell-375")
    context.close()
