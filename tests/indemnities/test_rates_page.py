"""The admin's rates page: rates by kind with their validity, a new rate checked against the
others (French message, nothing lost), a rate ended on a day."""

from __future__ import annotations

import datetime
from decimal import Decimal

from indemnities.models import IndemnityLine, IndemnityRate
from tests.conftest import World, client_for
from tests.factories import held_sic, indemnity_kind, indemnity_rate

URL = "/indemnisations/tarifs/"


def test_it_lists_the_rates_and_which_are_in_force(world: World) -> None:
    indemnity_rate("sic_attendance", "30.00", valid_until=datetime.date(2024, 12, 31))
    indemnity_rate("sic_attendance", "35.00", valid_from=datetime.date(2025, 1, 1))
    page = client_for(world.admin).get(URL)
    body = page.content.decode()
    assert page.status_code == 200
    assert "30,00 €" in body
    assert "35,00 €" in body
    assert body.count("en vigueur") == 1


def test_a_new_rate_is_recorded(world: World) -> None:
    kind = indemnity_kind("gp_summary")
    answer = client_for(world.admin).post(
        URL,
        {"kind": kind.pk, "profession": "gp", "amount": "52.50", "valid_from": "2027-01-01"},
    )
    assert answer.status_code == 302
    rate = IndemnityRate.objects.get()
    assert (rate.profession, rate.amount) == ("gp", Decimal("52.50"))


def test_an_overlapping_rate_is_refused_in_french_and_the_form_kept(world: World) -> None:
    rate = indemnity_rate("gp_summary", "50.00")
    page = client_for(world.admin).post(
        URL, {"kind": rate.kind_id, "profession": "", "amount": "61.00", "valid_from": "2026-03-01"}
    )
    assert page.status_code == 400
    body = page.content.decode()
    assert "Un autre tarif de cette nature et de cette profession est en vigueur" in body
    assert 'value="61.00"' in body
    assert IndemnityRate.objects.count() == 1


def test_ending_a_rate_never_changes_what_accrued(world: World) -> None:
    rate = indemnity_rate("sic_attendance", "30.00")
    held_sic(world, present=["gp"])
    answer = client_for(world.admin).post(f"{URL}{rate.pk}/fin/", {"valid_until": "2030-06-30"})
    assert answer.status_code == 302
    rate.refresh_from_db()
    assert rate.valid_until == datetime.date(2030, 6, 30)
    assert list(IndemnityLine.objects.values_list("amount", flat=True)) == [Decimal("30.00")]


def test_an_end_before_the_start_is_refused(world: World) -> None:
    rate = indemnity_rate("sic_attendance", "30.00", valid_from=datetime.date(2026, 1, 1))
    client_for(world.admin).post(f"{URL}{rate.pk}/fin/", {"valid_until": "2025-06-30"})
    rate.refresh_from_db()
    assert rate.valid_until is None
