"""The team thread: the nurse, on a round with her phone, posts a photo of a swollen ankle in
two taps; the GP, whose page is open at his desk, sees it appear without reloading (polling)
and answers naming the pharmacist; the pharmacist's bell shows the mention."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, browsing
from tests.browser.journeys import arrive, stop
from tests.conftest import World
from tests.uploads import image_bytes
from threads.models import Attachment, Mention

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_nurse_posts_a_photo_the_gp_sees_it_live_and_mentions_the_pharmacist(
    browser, live_server, fresh_world: World
) -> None:
    world = fresh_world
    thread = f"/patients/{world.own.pk}/fil/equipe/"
    with browsing(browser, live_server, DESKTOP) as gp:
        arrive(gp, world.gp.email, home="**/mes-patients/", name="thread-gp-my-patients")
        gp.goto(thread)
        gp.get_by_text("Aucun message pour l’instant").wait_for()

        with browsing(browser, live_server, PHONE) as nurse:
            arrive(nurse, world.nurse.email, home="**/mes-patients/", name="thread-nurse-home")
            nurse.goto(thread)
            # Tap 1: the photo (the phone offers its camera); tap 2: send.
            nurse.set_input_files(
                "input[name=photo]",
                {"name": "cheville.png", "mimeType": "image/png", "buffer": image_bytes("PNG")},
            )
            with nurse.expect_navigation():
                nurse.get_by_role("button", name="Envoyer").click()
            nurse.locator(".bubble--mine img").wait_for()
            stop(nurse, "thread-nurse-phone")

        # No reload: the GP's page polls and shows the photo.
        gp.locator(".bubble img").wait_for(timeout=15_000)
        attachment = Attachment.objects.get()
        assert gp.locator(f'a[href="/pieces-jointes/{attachment.pk}/"]').count() == 1
        pharmacist = world.pharmacist.get_full_name()
        gp.get_by_role("button", name=f"@{pharmacist}").click()
        gp.locator("textarea[name=text]").press_sequentially("peux-tu revoir le pilulier ?")
        with gp.expect_navigation():
            gp.get_by_role("button", name="Envoyer").click()
        gp.locator(".bubble--mine .mention").wait_for()
        stop(gp, "thread-gp-desktop")
    assert Mention.objects.get().user == world.pharmacist

    with browsing(browser, live_server, DESKTOP) as page:
        arrive(page, world.pharmacist.email, home="**/mes-patients/", name="thread-pharmacist")
        badge = page.locator(".nav-link .badge")
        assert badge.inner_text().startswith("2")  # the nurse's photo, the GP's mention
        page.get_by_role("link", name="Notifications").first.click()
        page.wait_for_url("**/notifications/")
        expect(page.get_by_text("Vous êtes mentionné·e").first).to_be_visible()
        stop(page, "thread-pharmacist-bell")
