"""A clinician on a phone (360 × 740, 390 × 844): « Mes patients » keeps each row's patient in
sight while the other columns scroll, the patient page shows two measures a row and each
member of the team beside their initials, the medication review's rows are one input under
another with its label, and the small buttons are still a finger's size. At 1280 × 800 the
same pages keep their desktop layout. Screenshots in tests/artifacts/."""

import pytest

from sic.services import sic_ensure_planned, sic_schedule
from tests.browser.conftest import log_in, phone_context, screenshot
from tests.browser.test_clinical_pages import held_three_times, team
from tests.conftest import soon
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONES = [(360, 740), (390, 844)]


def test_my_patients_keeps_the_patient_in_sight_while_the_table_scrolls(
    browser, live_server
) -> None:
    _, _, patient = team()
    sic_schedule(sic=sic_ensure_planned(patient=patient), at=soon(7))
    context = phone_context(browser, live_server, 360, 740)
    page = context.new_page()
    log_in(page, "gp@example.test", PASSWORD)
    page.goto("/mes-patients/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    wrap = page.locator(".table-wrap").first
    # The table is wider than the screen: it scrolls in its own frame…
    assert wrap.get_attribute("tabindex") == "0"
    wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
    page.wait_for_timeout(100)
    frame = wrap.bounding_box()
    name = page.locator("tbody tr td", has_text="LAMBERT").first
    box = name.bounding_box()
    # …and the patient's cell stays at its left edge, readable beside the last column.
    assert box["x"] >= frame["x"] - 1, (box, frame)
    contribution = page.locator("tbody tr td").last.bounding_box()
    assert contribution["x"] >= box["x"] + box["width"] - 1
    assert contribution["x"] + contribution["width"] <= frame["x"] + frame["width"] + 1
    screenshot(page, "phone-gp-my-patients-scrolled")
    context.close()


def test_the_patient_page_shows_two_measures_a_row_and_the_team_beside_their_initials(
    browser, live_server
) -> None:
    _, users, patient = team()
    held_three_times(patient, users)
    context = phone_context(browser, live_server, 360, 740)
    page = context.new_page()
    log_in(page, "gp@example.test", PASSWORD)
    page.goto(f"/patients/{patient.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    trends = page.locator("#clinical .trend")
    first, second = trends.nth(0).bounding_box(), trends.nth(1).bounding_box()
    assert second["y"] == first["y"], "two measures side by side"
    assert second["x"] > first["x"] + first["width"]
    members = page.locator(".card li.cluster:has(> .avatar)")
    assert members.count() >= 4
    for member in members.all():
        avatar = member.locator(".avatar").bounding_box()
        words = member.locator(".avatar + span").bounding_box()
        assert words["x"] > avatar["x"] + avatar["width"], member.inner_text()
        assert words["y"] < avatar["y"] + avatar["height"], member.inner_text()
    screenshot(page, "phone-gp-patient-page")
    context.close()


@pytest.mark.parametrize(("width", "height"), PHONES)
def test_the_medication_review_is_one_input_under_another_on_a_phone(
    browser, live_server, width: int, height: int
) -> None:
    _, _, patient = team()
    sic = sic_schedule(sic=sic_ensure_planned(patient=patient), at=soon(7))
    context = phone_context(browser, live_server, width, height)
    page = context.new_page()
    log_in(page, "pharmacist@example.test", PASSWORD)
    page.goto(f"/sic/{sic.pk}/contribution/medication_review/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    dose = page.get_by_label("Posologie — Médicament 1")
    label = page.locator("label[for=id_med_0_dose]")
    assert label.bounding_box()["height"] > 10, "the label is read above its input"
    for field in page.locator("#medications input, #medications select").all():
        box = field.bounding_box()
        assert box["width"] >= width - 120, box
        assert box["x"] + box["width"] <= width
    dose.fill("10 mg matin")
    add = page.get_by_role("button", name="Ajouter un médicament")
    assert add.bounding_box()["height"] >= 40
    add.click()
    assert page.get_by_label("Médicament 4", exact=True).bounding_box()["width"] >= width - 120
    screenshot(page, f"phone-pharmacist-medication-review-{width}")
    context.close()


def test_the_desktop_keeps_its_tables_and_rows_of_measures(browser, live_server) -> None:
    _, users, patient = team()
    held_three_times(patient, users)
    sic = sic_schedule(sic=sic_ensure_planned(patient=patient), at=soon(7))
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 800}, base_url=live_server.url
    )
    page = context.new_page()
    log_in(page, "pharmacist@example.test", PASSWORD)
    page.goto(f"/sic/{sic.pk}/contribution/medication_review/")
    assert page.locator("#medications thead").is_visible()
    assert page.locator("label[for=id_med_0_dose]").bounding_box()["height"] <= 1
    assert page.get_by_role("button", name="Ajouter un médicament").bounding_box()["height"] < 40
    page.goto(f"/patients/{patient.pk}/")
    trends = page.locator("#clinical .trend")
    tops = {trends.nth(i).bounding_box()["y"] for i in range(4)}
    assert len(tops) == 1, "four measures a row at least"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(page, "desktop-gp-patient-page")
    context.close()
