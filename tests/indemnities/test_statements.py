"""A professional's statement of a batch: what the batch pays them, patients by initials, the
same file at every download."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pypdf
import pytest
from django.utils import timezone

from indemnities.models import IndemnityLine, PaymentBatch
from indemnities.services import batch_build, batch_totals, lines_approve
from indemnities.statements import statement_pdf
from programme.demo_data import DEMO_IBANS
from tests.conftest import World
from tests.factories import bank_account, held_sic, indemnity_rate


@pytest.fixture
def batch(world: World) -> PaymentBatch:
    indemnity_rate("sic_attendance", "30.00")
    indemnity_rate("sic_attendance", "45.00", profession="gp")
    bank_account(world.gp.professional, DEMO_IBANS[0])
    held_sic(world, present=["gp", "nurse"])
    lines_approve(lines=IndemnityLine.objects.all(), by=world.admin)
    today = timezone.localdate()
    return batch_build(
        period_start=today - datetime.timedelta(days=30),
        period_end=today + datetime.timedelta(days=7),
        execution_date=today,
        by=world.admin,
    )


def text_of(pdf: bytes) -> str:
    import io

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_it_shows_what_the_batch_pays_with_initials_only(world: World, batch: PaymentBatch) -> None:
    text = text_of(statement_pdf(batch, world.gp.professional))
    assert batch.reference in text
    assert batch_totals(batch) == {world.gp.professional.pk: Decimal("45.00")}
    assert "45,00 €" in text
    assert world.own.initials in text
    assert world.own.last_name not in text
    assert world.own.last_name.upper() not in text
    assert "FR76 •••• •••• 189" in text


def test_the_same_statement_is_the_same_bytes(world: World, batch: PaymentBatch) -> None:
    assert statement_pdf(batch, world.gp.professional) == statement_pdf(
        batch, world.gp.professional
    )
