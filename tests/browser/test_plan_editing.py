"""The coordinator rewrites two actions of a draft in place (three interactions each: edit,
change, save, no page reload), and the patient reads their plan on a phone."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from careplans.models import Action, ActionOccurrence, Owner, PlanStatus
from sic.models import ContributionKind
from sic.selectors import contribution_for
from sic.services import contribution_save, sic_ensure_planned, sic_schedule
from tests.browser.conftest import log_in, phone_context, screenshot
from tests.conftest import World, soon
from tests.factories import PASSWORD, care_provider, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def patient_form(world: World) -> None:
    sic = sic_schedule(sic=sic_ensure_planned(patient=world.own), at=soon())
    form = contribution_for(
        sic=sic, kind=ContributionKind.PATIENT_EXPERIENCE, user=world.patient_user
    )
    content = {
        "living_with_illness": "Je m’essouffle dans l’escalier.",
        "what_matters_most": "Pouvoir aller au marché le dimanche avec ma femme.",
        "difficulties": "Je ne sais pas qui appeler.",
        "goals": "Marcher 20 minutes par jour\nRefaire mon potager au printemps",
    }
    contribution_save(contribution=form, by=world.patient_user, content=content, submit=True)


def test_the_coordinator_rewrites_two_actions_in_place(browser, live_server, fresh_world) -> None:
    world = fresh_world
    patient_form(world)
    plan = make_plan(world)
    dietitian = care_provider()
    Action.objects.create(
        plan=plan,
        what="Consultation diététique (sel, diabète)",
        owner=Owner.PROVIDER,
        care_provider=dietitian,
        provider=dietitian.label,
        due_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1366, "height": 768}, base_url=live_server.url
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(page, world.coordinator.email, PASSWORD)
    page.goto(f"/plans/{plan.pk}/")
    page.evaluate("window.stillThisPage = true")
    interactions = 0

    def rewrite(action: Action, what: str, shot: str | None = None) -> None:
        nonlocal interactions
        row = page.locator(f"#action-{action.pk}")
        row.get_by_role("link", name="Modifier").click()
        interactions += 1
        field = page.locator(f"#action-{action.pk} input[name=what]")
        field.wait_for()
        # Ready to type: the page puts the cursor in the field once htmx has swapped it in
        # (a moment after the field appears, on a loaded machine).
        page.wait_for_function(
            "selector => document.activeElement === document.querySelector(selector)",
            arg=f"#action-{action.pk} input[name=what]",
            timeout=5_000,
        )
        field.fill(what)
        interactions += 1
        if shot:
            screenshot(page, shot)
        page.locator(f"#action-{action.pk}").get_by_role("button", name="Enregistrer").click()
        interactions += 1
        page.locator(f"#action-{action.pk} .plan-action-what", has_text=what).wait_for()

    weighing = plan.actions.get(what__startswith="Pesée")
    walk = plan.actions.get(owner=Owner.PATIENT)
    rewrite(weighing, "Pesée chaque matin, alerte si +2 kg en 3 jours", shot="plan-edit-in-place")
    rewrite(walk, "Marcher 30 minutes chaque jour")
    assert interactions == 6  # edit, change, save × 2
    assert page.evaluate("window.stillThisPage") is True  # no page was reloaded
    assert {a.what for a in plan.actions.all()} >= {
        "Pesée chaque matin, alerte si +2 kg en 3 jours",
        "Marcher 30 minutes chaque jour",
    }
    expect(page.get_by_text("Objectifs exprimés par le patient")).to_be_visible()
    screenshot(page, "plan-edited")
    assert errors == []
    context.close()


def test_the_patient_reads_their_plan_on_a_phone(browser, live_server, fresh_world) -> None:
    world = fresh_world
    plan = make_plan(world, status=PlanStatus.VALIDATED)
    weighing = plan.actions.get(what__startswith="Pesée")
    start = timezone.localdate() - datetime.timedelta(days=21)
    weighing.due_date, weighing.repeat_every, weighing.repeat_unit = start, 1, "week"
    weighing.save()
    for week in range(3):
        ActionOccurrence.objects.create(
            action=weighing, due_on=start + datetime.timedelta(weeks=week), done_by=world.nurse
        )
    plan.actions.filter(owner=Owner.PATIENT).update(
        due_date=timezone.localdate() + datetime.timedelta(days=40)
    )
    context = phone_context(browser, live_server, 375, 812)
    page = context.new_page()
    log_in(page, world.patient_user.email, PASSWORD)
    page.goto("/mon-plan/")
    expect(page.get_by_text("toutes les semaines, à partir du")).to_be_visible()
    expect(page.get_by_text("Échéance :").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # nothing overflows the phone's width
    screenshot(page, "patient-plan-375")
    context.close()
