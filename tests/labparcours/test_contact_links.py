"""Phone numbers and e-mail addresses are links a phone follows, and the patient sees how to
reach their coordinator."""

from __future__ import annotations

import pytest

from labparcours.templatetags.contact import dialled, email_link, phone_link
from tests.conftest import World, client_for


@pytest.mark.parametrize(
    ("shown", "dialled_as"),
    [
        ("03 20 01 41 11", "+33320014111"),
        ("03.20.01.41.11", "+33320014111"),
        ("+33 3 20 01 41 11", "+33320014111"),
        ("112", "112"),
    ],
)
def test_it_dials_what_is_shown(shown: str, dialled_as: str) -> None:
    assert dialled(shown) == dialled_as
    assert phone_link(shown) == (f'<a class="contact-link" href="tel:{dialled_as}">{shown}</a>')


def test_empty_values_show_nothing_and_addresses_are_escaped() -> None:
    assert phone_link("") == ""
    assert phone_link(None) == ""
    assert email_link("") == ""
    assert email_link('a"b@example.test') == (
        '<a class="contact-link" href="mailto:a&quot;b@example.test">a&quot;b@example.test</a>'
    )


def test_the_patient_can_call_their_team_and_their_coordinator(world: World) -> None:
    world.coordinator.phone = "03 20 44 51 60"
    world.coordinator.save()
    nurse = world.nurse.professional
    nurse.phone = "03 20 02 42 12"
    nurse.save()
    for reader in (world.patient_user, world.caregiver_user):
        page = client_for(reader).get("/mon-dossier/").content.decode()
        assert 'href="tel:+33320445160">03 20 44 51 60</a>' in page
        assert 'href="tel:+33320024212">03 20 02 42 12</a>' in page
        assert f'href="mailto:{world.coordinator.email}"' in page


def test_the_coordinator_calls_or_writes_to_the_patient_from_the_record(world: World) -> None:
    world.own.phone = "06 12 45 30 80"
    world.own.save()
    page = client_for(world.coordinator).get(f"/patients/{world.own.pk}/").content.decode()
    assert 'href="tel:+33612453080"' in page
    assert f'href="mailto:{world.own.email}"' in page
