"""A password reset tells nobody whether an address has an account, and never invites to sign
up: accounts are created by invitation only."""

import re

from django.test import Client
from django.urls import reverse

from tests.conftest import World


def ask_reset(email: str) -> tuple[int, str, str]:
    client = Client()
    response = client.post(reverse("account_reset_password"), {"email": email})
    page = client.get(response["Location"]).content.decode()
    # Without the CSRF token, which differs from one visitor to the next.
    page = re.sub(r'(value|content)="[A-Za-z0-9]{32,}"', "", page)
    return response.status_code, response["Location"], page


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(
    world: World, mailoutbox: list
) -> None:
    assert ask_reset(world.gp.email) == ask_reset("nobody@example.test")
    # One e-mail each way, so that the time taken does not tell either.
    assert [mail.to for mail in mailoutbox] == [[world.gp.email], ["nobody@example.test"]]


def test_the_mail_to_an_unknown_address_does_not_invite_to_sign_up(
    db: None, mailoutbox: list
) -> None:
    ask_reset("nobody@example.test")
    (mail,) = mailoutbox
    text = f"{mail.subject}\n{mail.body}"
    assert reverse("account_signup") not in text
    assert "inscri" not in text.lower()
    assert "invitation" in text
    assert "&#x27;" not in text
    assert "&quot;" not in text


def test_the_mail_to_a_known_address_carries_the_reset_link(world: World, mailoutbox: list) -> None:
    ask_reset(world.gp.email)
    (mail,) = mailoutbox
    assert "/compte/password/reset/key/" in mail.body
