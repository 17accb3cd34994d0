"""The SEPA credit-transfer file (pain.001.001.03) of a payment batch, written by sepaxml.

One transfer per professional; the remittance text names the programme, the batch and its
period, never a patient. sepaxml validates the file against the standard's schema before it
returns it; the batch keeps these bytes, so that every later download is the same file.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from sepaxml import SepaTransfer

from labparcours.errors import DomainError

if TYPE_CHECKING:
    from indemnities.models import BankAccount, PaymentBatch

SCHEMA = "pain.001.001.03"


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_exact())


def remittance_text(batch: PaymentBatch) -> str:
    return (
        f"Lab Parcours indemnites {batch.reference} "
        f"du {batch.period_start:%d/%m/%Y} au {batch.period_end:%d/%m/%Y}"
    )


def _debtor() -> dict[str, object]:
    debtor = {
        "name": settings.LABPARCOURS_SEPA_DEBTOR_NAME,
        "IBAN": settings.LABPARCOURS_SEPA_DEBTOR_IBAN,
        "batch": True,
        "currency": "EUR",
    }
    if settings.LABPARCOURS_SEPA_DEBTOR_BIC:
        debtor["BIC"] = settings.LABPARCOURS_SEPA_DEBTOR_BIC
    if not debtor["name"] or not debtor["IBAN"]:
        raise DomainError(
            "LABPARCOURS_SEPA_DEBTOR_NAME and LABPARCOURS_SEPA_DEBTOR_IBAN are not set: "
            "the programme's own account is needed to write the transfer file."
        )
    return debtor


def sepa_transfer_file(
    batch: PaymentBatch, transfers: Iterable[tuple[BankAccount, Decimal]]
) -> bytes:
    """The pain.001 file paying each account its total, on the batch's execution date."""
    sepa = SepaTransfer(_debtor(), schema=SCHEMA, clean=True)
    sepa.msg_id = batch.reference
    for account, total in sorted(transfers, key=lambda pair: pair[0].professional_id):
        payment: dict[str, object] = {
            "name": account.holder,
            "IBAN": account.iban,
            "amount": cents(total),
            "execution_date": batch.execution_date,
            "description": remittance_text(batch),
            "endtoend_id": f"{batch.reference}-{account.professional_id}",
        }
        if account.bic:
            payment["BIC"] = account.bic
        sepa.add_payment(payment)
    return sepa.export(validate=True)
