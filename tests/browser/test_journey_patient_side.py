"""The patient's side on a phone (375×812): the caregiver asks for changes to the proposed
plan and starts the experience form; once the team has revised the plan, the patient validates
it and sends the form. Both read their supplementary care, who accessed the record and their
notifications, with axe-core on every page."""

import pytest
from playwright.sync_api import expect

from careplans.models import CarePlan, PlanStatus
from labparcours.models import AccessLogEntry
from reminders.sweep import reminders_sweep
from sic.models import Contribution, ContributionKind
from sic.services import sic_ensure_planned, sic_schedule
from tests.browser.conftest import PHONE, browsing
from tests.browser.journeys import arrive, follow, stop
from tests.budget.pages import envelopes_of
from tests.conftest import World, soon
from tests.factories import approved_request, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def read_the_rest(page, who: str) -> None:
    """« Mes soins de support », who accessed the record, the notifications."""
    follow(page, "soins de support", to="**/mes-soins/", name=f"{who}-my-care")
    expect(page.get_by_text("6 séances de diététicien·ne")).to_be_visible()

    follow(page, "Qui a consulté", to="**/mon-dossier/acces/", name=f"{who}-access-log")
    assert page.locator("main").get_by_text("Pharmacien").count() >= 1

    follow(page, "Notifications", to="**/notifications/", name=f"{who}-notifications")
    assert page.locator("main tbody tr").count() >= 1


def test_the_caregiver_asks_for_changes_and_the_patient_validates_on_a_phone(
    browser, live_server, fresh_world: World
) -> None:
    world = fresh_world
    sic = sic_schedule(sic=sic_ensure_planned(patient=world.own), at=soon(5))
    plan = make_plan(world, status=PlanStatus.PROPOSED)
    envelopes_of(world.own, amount="1000.00")
    approved_request(world, sessions=6, unit_price="45.00")
    AccessLogEntry.objects.create(
        patient=world.own, user=world.pharmacist, what="SIC contribution", ip_address="192.0.2.7"
    )
    # The experience form is due before the SIC: the bell rings on the patient's side.
    reminders_sweep(inline=True)

    with browsing(browser, live_server, PHONE) as page:
        arrive(page, world.caregiver_user.email, home="**/mon-dossier/", name="caregiver-home")

        follow(page, "Plan de soins", to="**/mon-plan/", name="caregiver-plan")
        page.get_by_text("Demander des modifications pour Marcel").click()
        page.fill("textarea[name=comment]", "La piscine plutôt que la marche, à cause du genou.")
        stop(page, "caregiver-plan-changes")
        with page.expect_navigation():
            page.get_by_role("button", name="Envoyer la demande à l’équipe de Marcel").click()
        sent = page.get_by_text("Votre demande a été transmise à l’équipe de Marcel")
        expect(sent).to_be_visible()
        stop(page, "caregiver-plan-changes-sent")

        page.goto("/mon-dossier/")
        page.get_by_role("link", name="Remplir la fiche d’expérience de Marcel").click()
        page.wait_for_url("**/patient_experience/")
        page.fill("textarea[name=living_with_illness]", "Il se fatigue vite, surtout le soir.")
        stop(page, "caregiver-experience-form")
        with page.expect_navigation():
            page.get_by_role("button", name="Enregistrer et terminer plus tard").click()
        stop(page, "caregiver-home-draft")

        read_the_rest(page, "caregiver")

    # The team revises the plan and proposes it again.
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CHANGES_REQUESTED
    plan.propose()

    with browsing(browser, live_server, PHONE) as page:
        arrive(page, world.patient_user.email, home="**/mon-dossier/", name="patient-home")

        follow(page, "Mon plan de soins", to="**/mon-plan/", name="patient-plan")
        with page.expect_navigation():
            page.get_by_role("link", name="Je valide mon plan").click()
        stop(page, "patient-plan-confirm")
        with page.expect_navigation():
            page.get_by_role("button", name="Oui, je valide mon plan").click()
        expect(page.get_by_text("Merci : votre plan est validé et en vigueur.")).to_be_visible()
        assert CarePlan.objects.get(pk=plan.pk).status == PlanStatus.VALIDATED
        stop(page, "patient-plan-validated")

        page.goto("/mon-dossier/")
        page.get_by_role("link", name="Ouvrir ma fiche d’expérience").click()
        page.wait_for_url("**/patient_experience/")
        for name in ("what_matters_most", "difficulties", "goals"):
            page.fill(f"textarea[name={name}]", "Pouvoir aller au marché le dimanche.")
        stop(page, "patient-experience-form")
        with page.expect_navigation():
            page.get_by_role("button", name="Envoyer à mon équipe").click()
        form = Contribution.objects.get(sic=sic, kind=ContributionKind.PATIENT_EXPERIENCE)
        assert form.is_submitted
        stop(page, "patient-home-form-sent")

        read_the_rest(page, "patient")
