"""In Chromium: the pharmacist lists fifteen medications with "add a row" (each input
labelled), and the team reads the patient's clinical follow-up and what changed since the
last SIC. Screenshots in tests/artifacts/."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from labparcours.models import Role
from sic.models import Contribution, Sic
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
    sic_held_on,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def team() -> tuple:
    coordinator = UserFactory(role=Role.COORDINATOR, email="claire@example.test")
    users = {
        role: UserFactory(role=Role.CLINICIAN, email=f"{role}@example.test")
        for role in ("gp", "nurse", "pharmacist", "specialist")
    }
    patient = PatientFactory(
        coordinator=coordinator, last_name="Lambert", first_name="Marcel", pathway="ic_dt2"
    )
    professions = {
        "gp": Profession.GP,
        "nurse": Profession.NURSE,
        "pharmacist": Profession.PHARMACIST,
        "specialist": Profession.CARDIOLOGIST,
    }
    full_team(
        patient,
        **{
            role: ProfessionalFactory(profession=professions[role], user=user, email=user.email)
            for role, user in users.items()
        },
    )
    return coordinator, users, patient


def test_the_pharmacist_lists_fifteen_medications(browser, live_server) -> None:
    _, users, patient = team()
    sic = sic_schedule(sic=sic_ensure_planned(patient=patient), at=soon(7))
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1366, "height": 768}, base_url=live_server.url
    )
    page = context.new_page()
    log_in(page, "pharmacist@example.test", PASSWORD)
    page.goto(f"/sic/{sic.pk}/contribution/medication_review/")
    add = page.get_by_role("button", name="Ajouter un médicament")
    for i in range(15):
        if i >= 3:  # three rows to start with; then one more per click, without a reload
            add.click()
        page.get_by_label(f"Médicament {i + 1}", exact=True).fill(f"Médicament n°{i + 1}")
        page.get_by_label(f"Posologie — Médicament {i + 1}").fill(f"{(i + 1) * 5} mg")
        page.get_by_label(f"Observance — Médicament {i + 1}").select_option("good")
    assert page.locator("#medications tbody tr").count() == 15
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('#medications input, #medications select')]"
        ".filter(el => !el.labels || el.labels.length === 0).length"
    )
    assert unlabelled == 0
    page.fill("textarea[name=interactions]", "Pas d’interaction majeure")
    page.fill("textarea[name=problems]", "Polymédication : quinze lignes")
    page.fill("textarea[name=recommendations]", "Pilulier hebdomadaire")
    screenshot(page, "medication-review-15-rows")
    page.get_by_role("button", name="Transmettre à l’équipe").click()
    page.wait_for_url(f"**/sic/{sic.pk}/")
    review = Contribution.objects.get(kind="medication_review")
    assert [m["name"] for m in review.content["medications"]] == [
        f"Médicament n°{i + 1}" for i in range(15)
    ]
    page.goto(f"/contributions/{review.pk}/")
    assert page.locator("table tbody tr").count() == 15
    context.close()


def held_three_times(patient, users: dict) -> None:
    """Three SICs held, a year, six months and three weeks ago, each with the four
    contributions (their measures, medications and hospitalisations)."""
    authors = {
        "gp_summary": users["gp"],
        "nursing_assessment": users["nurse"],
        "medication_review": users["pharmacist"],
        "specialist_opinion": users["specialist"],
    }
    today = timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in (380, 200, 20)]
    for visit, day in enumerate(days):
        sic_held_on(patient, day, visit=visit, authors=authors)


def test_the_team_reads_the_clinical_follow_up(browser, live_server) -> None:
    coordinator, users, patient = team()
    held_three_times(patient, users)
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1366, "height": 768}, base_url=live_server.url
    )
    page = context.new_page()
    log_in(page, "gp@example.test", PASSWORD)
    page.goto(f"/patients/{patient.pk}/")
    card = page.locator("#clinical")
    assert "Suivi clinique" in card.inner_text()
    assert card.locator(".trend").count() == 10
    expect(card.get_by_text("Dose modifiée").first).to_be_visible()
    card.scroll_into_view_if_needed()
    screenshot(page, "patient-clinical-card")
    last = Sic.objects.filter(patient=patient, status="held").order_by("-held_at").first()
    page.goto(f"/sic/{last.pk}/")
    changes = page.locator("#changes")
    assert "Ce qui a changé depuis la dernière SIC" in changes.inner_text()
    assert changes.locator("#changes-measures tbody tr").count() == 10
    screenshot(page, "sic-what-changed")
    context.close()
