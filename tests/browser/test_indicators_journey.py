"""The 7-day indicator, end to end in Chromium: the nurse records a hospital discharge of her
patient, the GP finds it in his bell, records the medical contact in one tap on his phone,
and the coordinator sees the 7-day follow-up move on the indicators page once she asks for
the figures kept since her last visit to be computed again (its card, the patients behind
it). The coordinator's pages are checked by axe-core and photographed."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from patients.models import PathwayEvent
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, browsing, log_in, screenshot
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def seven_days_card(page) -> str:
    return page.locator("#followup_7d .indicator-value").inner_text().strip()


def test_a_discharge_followed_in_seven_days_moves_the_indicator(
    browser, live_server, fresh_world: World
) -> None:
    world = fresh_world
    today = timezone.localdate()
    with browsing(browser, live_server, DESKTOP) as page:
        log_in(page, world.coordinator.email, PASSWORD)
        page.goto("/indicateurs/")
        before = seven_days_card(page)
        assert before == "—"  # no discharge yet whose outcome is known

    with browsing(browser, live_server, DESKTOP) as page:
        log_in(page, world.nurse.email, PASSWORD)
        page.goto(f"/patients/{world.own.pk}/parcours/nouveau/")
        page.check("input[name=kind][value=hospitalisation]")
        page.fill("input[name=occurred_on]", (today - datetime.timedelta(days=6)).isoformat())
        page.fill("input[name=discharged_on]", (today - datetime.timedelta(days=2)).isoformat())
        page.select_option("select[name=cause]", "heart_failure")
        page.fill("input[name=establishment]", "CHU de Lille")
        page.select_option("select[name=source]", "discharge_letter")
        with page.expect_navigation():
            page.get_by_role("button", name="Enregistrer l’événement").click()
    event = PathwayEvent.objects.get(patient=world.own)
    assert event.windows.count() == 2

    with browsing(browser, live_server, PHONE) as page:
        log_in(page, world.gp.email, PASSWORD)
        page.goto("/notifications/")
        expect(page.get_by_text("Suivi à organiser — LAMBERT Marcel").first).to_be_visible()
        screenshot(page, "indicators-gp-bell-375")
        with page.expect_navigation():
            page.get_by_text("Ouvrir", exact=True).first.click()
        assert f"/parcours/{event.pk}/" in page.url
        with page.expect_navigation():
            page.get_by_role("button", name="Contact fait aujourd’hui").or_(
                page.get_by_role("button", name="Contact fait aujourd'hui")
            ).first.click()
        screenshot(page, "indicators-gp-contact-recorded-375")
    assert event.windows.filter(kind="medical", contact__isnull=False).exists()

    with browsing(browser, live_server, DESKTOP) as page:
        log_in(page, world.coordinator.email, PASSWORD)
        page.goto("/indicateurs/")
        # Her first visit's figures are kept, and the page says since when; « Recalculer »
        # counts again what the nurse and the GP have done since.
        assert seven_days_card(page) == "—"
        assert "Chiffres calculés le" in page.locator(".indicator-computed").inner_text()
        with page.expect_navigation():
            page.get_by_role("link", name="Recalculer").click()
        assert seven_days_card(page) == "100,0 %"
        assert "1 / 1" in page.locator("#followup_7d").inner_text()
        screenshot(page, "indicators-coordinator-1366")
        assert_accessible(page, "indicators")
        assert page.console_errors == []
        with page.expect_navigation():
            page.locator("#followup_7d .indicator-value a").click()
        expect(page.get_by_role("link", name="LAMBERT Marcel")).to_be_visible()
        screenshot(page, "indicators-patients-behind-1366")
        assert_accessible(page, "indicator patients")
        page.goto("/indicateurs/experience/")
        screenshot(page, "indicators-experience-1366")
        assert_accessible(page, "experience summary")
