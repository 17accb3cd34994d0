"""« Lu par » live: the nurse's alert is on her screen; the GP opens the thread at his desk;
without reloading, her page shows that he has read it (the poll swaps the read marks in)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, browsing
from tests.browser.journeys import arrive, stop
from tests.conftest import World, client_for
from tests.threads.helpers import post
from threads.models import Audience

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_nurse_sees_the_gp_read_her_alert_without_reloading(
    browser, live_server, fresh_world: World
) -> None:
    world, thread = fresh_world, f"/patients/{fresh_world.own.pk}/fil/equipe/"
    earlier = post(world.own, world.nurse, "Tension à 13/8")
    client_for(world.gp).get(thread)
    alert = post(world.own, world.nurse, "Œdème des chevilles, +3 kg en une semaine")
    gp = world.gp.get_full_name()
    with browsing(browser, live_server, DESKTOP) as nurse:
        arrive(nurse, world.nurse.email, home="**/mes-patients/", name="read-marks-nurse-home")
        nurse.goto(thread)
        expect(nurse.locator(f"#read-{earlier.pk}")).to_contain_text(f"Lu par {gp}")
        expect(nurse.locator(f"#read-{alert.pk}")).to_be_empty()

        client_for(world.gp).get(thread)

        expect(nurse.locator(f"#read-{alert.pk}")).to_contain_text(f"Lu par {gp}", timeout=15_000)
        expect(nurse.locator(f"#read-{earlier.pk}")).to_be_empty()
        expect(nurse.locator(".bubble")).to_have_count(2)
        stop(nurse, "read-marks-nurse-live")


def test_a_bubble_with_nothing_under_it_takes_no_room(
    browser, live_server, fresh_world: World
) -> None:
    """On the patient's side, « Lu par » sits on the last message each reader reached: the
    messages before it show nothing under them, and take no room for it."""
    world = fresh_world
    earlier = post(world.own, world.nurse, "Pensez à la pesée", audience=Audience.PATIENT)
    later = post(world.own, world.nurse, "Et à la tension", audience=Audience.PATIENT)
    # Read by the GP: the patient never sees their own name under a message.
    client_for(world.gp).get(f"/patients/{world.own.pk}/fil/patient/")
    with browsing(browser, live_server, PHONE) as patient:
        arrive(patient, world.patient_user.email, home="**/mon-dossier/", name="foot-home")
        patient.goto("/mes-messages/")
        expect(patient.locator(f"#read-{later.pk}")).to_have_text(
            f"Lu par {world.gp.get_full_name()}"
        )
        expect(patient.locator(f"#read-{later.pk}").locator("xpath=..")).to_be_visible()
        expect(patient.locator(f"#read-{earlier.pk}").locator("xpath=..")).to_have_css(
            "display", "none"
        )
        stop(patient, "foot-patient-messages")
