"""The admin's reports equal an independent computation over the lines of the period."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.utils import timezone

from indemnities import reports
from indemnities.models import IndemnityLine, LineState
from indemnities.services import line_reverse
from sic.selectors import contribution_for
from sic.services import contribution_save, sic_ensure_planned
from tests.conftest import World
from tests.factories import held_sic, indemnity_rate


@pytest.fixture
def period(world: World) -> tuple[datetime.date, datetime.date]:
    indemnity_rate("sic_attendance", "30.00")
    indemnity_rate("sic_attendance", "45.00", profession="gp")
    indemnity_rate("gp_summary", "50.00")
    held_sic(world, present=["gp", "nurse", "pharmacist"])
    sic = sic_ensure_planned(patient=world.own)
    contribution = contribution_for(sic=sic, kind="gp_summary", user=world.gp)
    contribution_save(contribution=contribution, by=world.gp, content={}, submit=True)
    # A mistake undone: the pharmacist's line and its reversal count for nothing.
    pharmacist_line = IndemnityLine.objects.get(professional__user=world.pharmacist)
    line_reverse(line=pharmacist_line, by=world.admin, why="Absent")
    today = timezone.localdate()
    return today - datetime.timedelta(days=30), today + datetime.timedelta(days=7)


def counted(start: datetime.date, end: datetime.date) -> list[IndemnityLine]:
    return [
        line
        for line in IndemnityLine.objects.with_state()
        if start <= line.worked_on <= end and line.state != LineState.CANCELLED
    ]


def test_per_professional_equals_an_independent_sum(world: World, period) -> None:
    rows = {row.professional_id: row for row in reports.by_professional(*period)}
    totals: dict[int, Decimal] = defaultdict(Decimal)
    counts: dict[int, Counter] = defaultdict(Counter)
    for line in counted(*period):
        totals[line.professional_id] += line.amount
        counts[line.professional_id][line.kind.code] += 1
    assert {pk: row.total for pk, row in rows.items()} == dict(totals)
    gp = rows[world.gp.professional.pk]
    assert (gp.total, gp.counts["sic_attendance"], gp.counts["gp_summary"]) == (
        Decimal("95.00"),
        1,
        1,
    )
    assert gp.rpps == world.gp.professional.rpps
    assert world.pharmacist.professional.pk not in rows


def test_per_kind_per_month_and_per_profession_add_up_to_the_same_total(
    world: World, period
) -> None:
    total = sum((line.amount for line in counted(*period)), Decimal(0))
    assert sum(row["total"] for row in reports.by_kind(*period)) == total
    assert sum(row["total"] for row in reports.by_month(*period)) == total
    assert sum(row["total"] for row in reports.by_profession(*period)) == total
    patients = reports.by_patient(*period)
    assert [(row["initials"], row["total"]) for row in patients] == [(world.own.initials, total)]


def test_a_period_outside_the_work_is_empty(world: World, period) -> None:
    long_ago = (datetime.date(2020, 1, 1), datetime.date(2020, 12, 31))
    assert reports.by_professional(*long_ago) == []
    assert reports.by_kind(*long_ago) == []


def test_each_report_is_one_query(world: World, period, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        reports.by_kind(*period)
    with django_assert_num_queries(2):
        reports.by_professional(*period)
