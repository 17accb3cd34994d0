"""Bank details: checked by schwifty with French messages, changed only by the admin or the
professional, kept in the history, and every change told to the professional."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from indemnities.models import BankAccount
from indemnities.services import bank_account_save
from labparcours.errors import NotAllowed
from tests.conftest import World


@pytest.mark.parametrize(
    ("iban", "message"),
    [
        ("FR0630006000011234567890188", "clé RIB"),
        ("FR7730006000011234567890189", "clé de contrôle"),
        ("FR76300060000112345678901", "nombre de caractères"),
        ("XX7630006000011234567890189", "code pays"),
        ("US64SVBKUS6S3300958879", "code pays"),
    ],
)
def test_a_wrong_iban_is_refused_in_french(world: World, iban: str, message: str) -> None:
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        bank_account_save(
            professional=world.gp.professional, holder="Dr X", iban=iban, bic="", by=world.gp
        )
    assert message in " ".join(refused.value.messages)
    assert not BankAccount.objects.exists()


def test_a_wrong_bic_is_refused_in_french(world: World) -> None:
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        bank_account_save(
            professional=world.gp.professional,
            holder="Dr X",
            iban="FR7630006000011234567890189",
            bic="BNP",
            by=world.gp,
        )
    assert "BIC" in " ".join(refused.value.messages)


def test_spaces_and_case_are_forgiven_and_the_iban_is_masked(world: World) -> None:
    account = bank_account_save(
        professional=world.gp.professional,
        holder="Dr X",
        iban="fr76 3000 6000 0112 3456 7890 189",
        bic="agrifrpp",
        by=world.gp,
    )
    assert (account.iban, account.bic) == ("FR7630006000011234567890189", "AGRIFRPP")
    assert account.masked_iban == "FR76 •••• •••• 189"
    assert account.formatted_iban == "FR76 3000 6000 0112 3456 7890 189"


@pytest.mark.parametrize("role", ["coordinator", "nurse", "patient_user"])
def test_only_the_professional_and_the_admin_change_them(world: World, role: str) -> None:
    with pytest.raises(NotAllowed):
        bank_account_save(
            professional=world.gp.professional,
            holder="Escroc",
            iban="FR1420041010050500013M02606",
            bic="",
            by=world.user(role),
        )


def test_every_change_is_kept_and_told_to_the_professional(
    world: World, django_capture_on_commit_callbacks
) -> None:
    for iban, by in (
        ("FR7630006000011234567890189", world.gp),
        ("FR1420041010050500013M02606", world.admin),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            bank_account_save(
                professional=world.gp.professional, holder="Dr X", iban=iban, bic="", by=by
            )
    account = BankAccount.objects.get()
    assert [h.iban for h in account.history.order_by("history_date")] == [
        "FR7630006000011234567890189",
        "FR1420041010050500013M02606",
    ]
    assert [m.to for m in mail.outbox] == [[world.gp.email], [world.gp.email]]
    # The e-mail says who changed them, never the details themselves.
    assert "FR14" not in mail.outbox[1].body
    assert "0500013" not in mail.outbox[1].body
