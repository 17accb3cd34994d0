"""Every page of the patient's side, read on a phone (375 × 812) by the patient and by their
caregiver: every tab of the navigation on screen, nothing wider than the screen, no table that
scrolls sideways (each becomes cards)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from careplans.models import Action, CarePlan, Owner, PlanStatus
from labparcours.models import AccessLogEntry
from reminders.sweep import reminders_sweep
from sic.services import sic_ensure_planned, sic_schedule
from tests.browser.conftest import log_in, screenshot
from tests.conftest import World, soon
from tests.factories import PASSWORD, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 375

# What overflows the page, or a table's frame, or leaves a tab of the navigation off screen.
OVERFLOW = """() => ({
  page: document.documentElement.scrollWidth,
  tables: [...document.querySelectorAll('.table-wrap')]
    .filter(wrap => wrap.scrollWidth > wrap.clientWidth)
    .map(wrap => wrap.querySelector('th, td')?.innerText ?? ''),
  wide: [...document.querySelectorAll('body *')]
    .filter(el => el.getClientRects().length && el.getBoundingClientRect().right > innerWidth + 0.5)
    .map(el => `${el.tagName}.${el.className} ${el.getBoundingClientRect().right}`),
  tabs: [...document.querySelectorAll('.nav-link')]
    .map(link => link.getBoundingClientRect())
    .filter(box => box.left < 0 || box.right > innerWidth || box.width === 0).length,
})"""


def phone(browser, live_server):
    return browser.new_context(
        locale="fr-FR",
        viewport={"width": WIDTH, "height": 812},
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,
    )


def dress(world: World) -> int:
    """The own patient's side with something on every page: a scheduled SIC, a proposed plan
    waiting for a week (a reminder under the bell), care readers and list readers."""
    sic = sic_schedule(sic=sic_ensure_planned(patient=world.own), at=soon())
    plan = make_plan(world, status=PlanStatus.PROPOSED)
    Action.objects.create(plan=plan, what="Noter le poids chaque matin", owner=Owner.CAREGIVER)
    week_ago = timezone.now() - datetime.timedelta(days=8)
    CarePlan.objects.filter(pk=plan.pk).update(proposed_at=week_ago)
    reminders_sweep(inline=True)
    for reader, what, listed in (
        (world.gp, "patient record", False),
        (world.pharmacist, "SIC contribution", False),
        (world.coordinator, "dashboard", True),
        (world.coordinator, "dashboard", True),
        (world.coordinator, "indemnities (patient initials)", True),
    ):
        AccessLogEntry.objects.create(
            patient=world.own, user=reader, what=what, listed=listed, ip_address="192.0.2.7"
        )
    return sic.pk


PAGES = [
    ("home", "/mon-dossier/"),
    ("plan", "/mon-plan/"),
    ("care", "/mes-soins/"),
    ("access-log", "/mon-dossier/acces/"),
    ("messages", "/mes-messages/"),
    ("notifications", "/notifications/"),
    ("reminder-settings", "/compte/notifications/"),
    ("experience-form", "/sic/{sic}/contribution/patient_experience/"),
    ("password", "/compte/password/change/"),
    ("two-factor", "/compte/2fa/"),
]


@pytest.mark.parametrize("reader", ["patient_user", "caregiver_user"])
def test_every_patient_side_page_fits_a_phone(
    browser, live_server, fresh_world: World, reader: str
) -> None:
    sic = dress(fresh_world)
    context = phone(browser, live_server)
    page = context.new_page()
    log_in(page, fresh_world.user(reader).email, PASSWORD)
    who = "patient" if reader == "patient_user" else "caregiver"
    for name, path in PAGES:
        response = page.goto(path.format(sic=sic))
        assert response.status == 200, path
        found = page.evaluate(OVERFLOW)
        assert found["page"] <= WIDTH, (path, found)
        assert found["tables"] == [], (path, found)
        assert found["wide"] == [], (path, found)
        assert found["tabs"] == 0, (path, found)
        screenshot(page, f"phone-{who}-{name}")
    context.close()


def test_the_notifications_are_cards_with_their_button_on_screen(
    browser, live_server, fresh_world: World
) -> None:
    dress(fresh_world)
    context = phone(browser, live_server)
    page = context.new_page()
    log_in(page, fresh_world.patient_user.email, PASSWORD)
    page.goto("/notifications/")
    button = page.get_by_role("button", name="Ouvrir").first
    box = button.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= WIDTH
    page.goto("/mon-dossier/acces/")
    line = page.locator("tbody tr", has_text="Tableau de bord du programme")
    assert "A vu votre nom dans une liste" in line.inner_text()
    assert "2 fois" in line.inner_text()
    assert page.get_by_text("192.0.2.7").count() == 0
    context.close()
