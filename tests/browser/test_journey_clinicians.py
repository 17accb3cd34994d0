"""The clinicians' journeys on a phone (375×812): the GP, the pharmacist and the nurse each
open « Mes patients », the patient, the SIC and write their own contribution (the pharmacist's
is the medication review), then « Mes actions », with axe-core on every page."""

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from careplans.models import Action, Owner, PlanStatus
from sic.models import Contribution, ContributionKind
from sic.services import sic_ensure_planned, sic_schedule
from tests.browser.conftest import PHONE, browsing
from tests.browser.journeys import arrive, follow, stop
from tests.budget.pages import envelopes_of
from tests.conftest import World, soon
from tests.factories import approved_request, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def gp_summary(page) -> None:
    page.fill("textarea[name=history]", "IC à FEVG altérée depuis 2019, DT2.")
    page.fill("textarea[name=current_problems]", "Essoufflement à l’effort, oedèmes le soir.")
    page.fill("textarea[name=expectations]", "Ajuster le diurétique avec la cardiologue.")


def medication_review(page) -> None:
    for row, (name, dose, adherence) in enumerate(
        (("Furosémide", "40 mg le matin", "partial"), ("Bisoprolol", "5 mg", "good"))
    ):
        page.fill(f"input[name=med_{row}_name]", name)
        page.fill(f"input[name=med_{row}_dose]", dose)
        page.select_option(f"select[name=med_{row}_adherence]", adherence)
    page.fill("textarea[name=interactions]", "Pas d’interaction majeure.")
    page.fill("textarea[name=problems]", "Oublis du diurétique les jours de sortie.")
    page.fill("textarea[name=recommendations]", "Pilulier hebdomadaire.")


def nursing_assessment(page) -> None:
    page.select_option("select[name=autonomy]", "partial")
    page.fill("input[name=bp_systolic]", "130")
    page.fill("input[name=bp_diastolic]", "80")
    page.fill("input[name=heart_rate]", "72")
    page.fill("input[name=weight_kg]", "74.5")
    page.select_option("select[name=weight_trend]", "up")
    page.fill("textarea[name=home_situation]", "Vit avec son épouse, escaliers.")
    page.fill("textarea[name=needs]", "Aide pour la pesée quotidienne.")


# Who, in the world's roles; what they write; how they fill it.
CLINICIANS: list[tuple[str, str, Callable]] = [
    ("gp", ContributionKind.GP_SUMMARY, gp_summary),
    ("pharmacist", ContributionKind.MEDICATION_REVIEW, medication_review),
    ("nurse", ContributionKind.NURSING_ASSESSMENT, nursing_assessment),
]


def test_the_gp_the_pharmacist_and_the_nurse_prepare_the_sic_on_a_phone(
    browser, live_server, fresh_world: World
) -> None:
    world = fresh_world
    sic = sic_schedule(sic=sic_ensure_planned(patient=world.own), at=soon(7))
    plan = make_plan(world, status=PlanStatus.VALIDATED)
    envelopes_of(world.own, amount="1000.00")
    approved_request(world, sessions=6, unit_price="45.00")
    for role in ("gp", "pharmacist"):
        membership = world.own.care_team.memberships.get(role=role)
        Action.objects.create(
            plan=plan, what="Revoir le traitement", owner=Owner.MEMBER, membership=membership
        )

    for who, kind, fill in CLINICIANS:
        with browsing(browser, live_server, PHONE) as page:
            arrive(page, world.user(who).email, home="**/mes-patients/", name=f"{who}-my-patients")

            follow(page, "LAMBERT Marcel", to=f"**/patients/{world.own.pk}/", name=f"{who}-patient")

            follow(page, "Ouvrir la préparation", to=f"**/sic/{sic.pk}/", name=f"{who}-sic")

            page.locator(f"a[href$='/contribution/{kind}/']").click()
            page.wait_for_url(f"**/contribution/{kind}/")
            fill(page)
            stop(page, f"{who}-{kind.replace('_', '-')}")
            with page.expect_navigation():
                page.get_by_role("button", name="Transmettre à l’équipe").click()
            expect(page.get_by_text("Votre contribution a été transmise")).to_be_visible()
            assert Contribution.objects.get(sic=sic, kind=kind).is_submitted
            stop(page, f"{who}-sic-contributed")

            follow(page, "Mes actions", to="**/mes-actions/", name=f"{who}-my-actions")
            assert page.locator("main").get_by_text("LAMBERT").count() >= 1
