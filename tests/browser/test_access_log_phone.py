import pytest
from playwright.sync_api import expect

from labparcours.models import AccessLogEntry
from tests.browser.conftest import log_in, screenshot
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_patient_reads_who_accessed_the_record_on_a_phone_without_scrolling_sideways(
    browser, live_server, fresh_world: World
) -> None:
    world = fresh_world
    for reader, what in ((world.gp, "patient record"), (world.pharmacist, "SIC contribution")):
        AccessLogEntry.objects.create(
            patient=world.own, user=reader, what=what, ip_address="192.0.2.7"
        )
    context = browser.new_context(
        locale="fr-FR",
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,
    )
    page = context.new_page()
    log_in(page, world.patient_user.email, PASSWORD)
    page.goto("/mon-dossier/acces/")
    row = page.locator("tbody tr", has_text=world.pharmacist.get_full_name())
    expect(row.get_by_text("Contribution à la SIC")).to_be_visible()
    expect(row.get_by_text("Pharmacien")).to_be_visible()
    assert page.get_by_text("192.0.2.7").count() == 0
    # Every cell fits the screen: nothing hides behind a sideways scroll.
    for cell in row.locator("td").all():
        box = cell.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 375, cell.inner_text()
    screenshot(page, "patient-access-log-phone")
    context.close()
