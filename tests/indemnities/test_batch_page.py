"""A batch checked before it is paid: what it pays each professional, their statements, its
files the same at every download."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from indemnities.models import IndemnityLine, PaymentBatch
from indemnities.services import batch_build, lines_approve
from labparcours.models import AccessLogEntry
from programme.demo_data import DEMO_IBANS
from tests.conftest import World, client_for
from tests.factories import bank_account, held_sic, indemnity_rate


@pytest.fixture
def batch(world: World) -> PaymentBatch:
    indemnity_rate("sic_attendance", "30.00")
    for role, iban in (("gp", DEMO_IBANS[0]), ("nurse", DEMO_IBANS[1])):
        bank_account(world.user(role).professional, iban)
    held_sic(world, present=["gp", "nurse"])
    lines_approve(lines=IndemnityLine.objects.all(), by=world.admin)
    today = timezone.localdate()
    return batch_build(
        period_start=today - datetime.timedelta(days=30),
        period_end=today + datetime.timedelta(days=7),
        execution_date=today,
        by=world.admin,
    )


def test_it_shows_what_the_batch_pays_each_professional(world: World, batch: PaymentBatch) -> None:
    page = client_for(world.admin).get(f"/indemnisations/lots/{batch.pk}/")
    assert page.status_code == 200
    payees = {p.professional.pk: p for p in page.context["payees"]}
    assert set(payees) == {world.gp.professional.pk, world.nurse.professional.pk}
    body = page.content.decode()
    assert "FR76 •••• •••• 189" in body
    assert DEMO_IBANS[0] not in body  # the account, masked
    assert "60,00 €" in body


def test_a_statement_of_someone_the_batch_does_not_pay_is_404(
    world: World, batch: PaymentBatch
) -> None:
    admin = client_for(world.admin)
    url = f"/indemnisations/lots/{batch.pk}/releves/"
    assert admin.get(f"{url}{world.gp.professional.pk}/").status_code == 200
    assert admin.get(f"{url}{world.pharmacist.professional.pk}/").status_code == 404
    assert AccessLogEntry.objects.filter(user=world.admin, what="indemnity statement").exists()


def test_the_listing_is_the_same_bytes_each_time(world: World, batch: PaymentBatch) -> None:
    admin = client_for(world.admin)
    for fmt in ("csv", "xlsx"):
        url = f"/indemnisations/lots/{batch.pk}/liste.{fmt}"
        first = b"".join(admin.get(url).streaming_content)
        assert first == b"".join(admin.get(url).streaming_content)
    assert admin.get(f"/indemnisations/lots/{batch.pk}/liste.pdf").status_code == 404
