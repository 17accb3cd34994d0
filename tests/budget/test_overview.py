"""The admin's budget overview: its figures against a computation of the test's own, the
nearly spent envelopes, the money committed but unspent for 90 days, the rows behind a figure."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from django.utils import timezone

from budget import reports
from budget.models import BudgetEnvelope, BudgetRate, SupplementaryCare
from budget.services import (
    envelope_open,
    expense_mark_paid,
    expense_record,
    movement_correct,
    supplementary_care_approve,
    supplementary_care_cancel,
)
from labparcours.models import AccessLogEntry
from tests.conftest import World, client_for
from tests.factories import PatientFactory, care_request, category

TODAY = timezone.localdate()
QUARTERS = reports.recent_quarters(TODAY)


def day_in(quarter_index: int, offset: int = 10) -> datetime.date:
    """A day of one of the six quarters shown (0 the oldest), never after today."""
    return min(QUARTERS[quarter_index] + datetime.timedelta(days=offset), TODAY)


def envelope_of(patient, amount: str = "1000.00") -> BudgetEnvelope:
    """The patient's year-1 envelope (patients of a pathway included the same day share a
    rate)."""
    BudgetRate.objects.get_or_create(
        pathway=patient.pathway,
        valid_from=patient.inclusion_date,
        defaults={"amount": Decimal(amount)},
    )
    return envelope_open(patient=patient, year=1)


def approve_on(world: World, request: SupplementaryCare, day: datetime.date) -> SupplementaryCare:
    request = supplementary_care_approve(request=request, by=world.coordinator)
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    SupplementaryCare.objects.filter(pk=request.pk).update(decided_at=moment)
    request.refresh_from_db()
    return request


class Story:
    """The test's own ledger: what it did, summed by (category, pathway, quarter, measure)."""

    def __init__(self) -> None:
        self.sums: dict[tuple, Decimal] = defaultdict(Decimal)

    def add(self, cat: int, pathway: str, day: datetime.date, measure: str, amount: str) -> None:
        self.sums[(cat, pathway, reports.quarter_start(day), measure)] += Decimal(amount)


@pytest.fixture
def story(world: World) -> Story:
    """Two pathways, three categories, money over four quarters; a cancellation, a
    correction, and a movement outside the quarters shown."""
    s = Story()
    dt2 = PatientFactory(coordinator=world.coordinator, pathway="dt2")
    for patient in (world.own, world.other, dt2):
        patient.inclusion_date = QUARTERS[0] - datetime.timedelta(days=30)
        patient.save(update_fields=["inclusion_date"])
    # An envelope of two years, so that every quarter shown falls in it.
    for patient in (world.own, world.other, dt2):
        envelope = envelope_of(patient, "5000.00")
        envelope.ends_on = TODAY + datetime.timedelta(days=30)
        envelope.save(update_fields=["ends_on"])
    diet, psy, apa = category("diététicien·ne"), category("psychologue"), category("apa")
    plan = [
        # patient, category, sessions, price, approved in quarter, [(quarter, sessions, paid?)]
        (world.own, diet, 6, "45.50", 0, [(1, 2, True), (3, 1, False)]),
        (world.own, psy, 4, "60.00", 2, [(2, 1, True)]),
        (world.other, apa, 10, "30.00", 3, [(4, 3, False)]),
        (dt2, diet, 3, "33.33", 4, [(5, 1, True)]),
        (dt2, psy, 2, "70.00", 5, []),
    ]
    for patient, cat, sessions, price, approved, done in plan:
        request = care_request(
            world,
            patient=patient,
            category_name=cat.name,
            sessions=sessions,
            unit_price=price,
            by=world.coordinator,
        )
        request = approve_on(world, request, day_in(approved))
        s.add(cat.pk, patient.pathway, day_in(approved), "commit", str(request.amount))
        for quarter, n, paid in done:
            amount = str(Decimal(price) * n)
            expense = expense_record(
                request=request,
                by=world.coordinator,
                sessions=n,
                date=day_in(quarter, 5),
                amount=Decimal(amount),
            )
            s.add(cat.pk, patient.pathway, day_in(quarter, 5), "spend", amount)
            if paid:
                expense_mark_paid(
                    expense=expense, by=world.admin, paid_on=day_in(quarter, 20), reference="V1"
                )
                s.add(cat.pk, patient.pathway, day_in(quarter, 20), "pay", amount)
    # Cancelled after approval: committed in its quarter all the same (released today).
    cancelled = approve_on(
        world, care_request(world, patient=dt2, category_name="apa", by=world.coordinator), TODAY
    )
    supplementary_care_cancel(request=cancelled, by=world.coordinator)
    s.add(apa.pk, "dt2", TODAY, "commit", str(cancelled.amount))
    # A correction of a commitment counts with commitments, on the day it is written.
    commit = cancelled.movements.get(kind="commit")
    movement_correct(movement=commit, by=world.admin, amount=Decimal("-10.00"), why="typo")
    s.add(apa.pk, "dt2", TODAY, "commit", "-10.00")
    # Before the quarters shown: not counted.
    old = care_request(world, patient=world.other, category_name="apa", by=world.coordinator)
    approve_on(world, old, QUARTERS[0] - datetime.timedelta(days=1))
    return s


def test_the_figures_are_the_sums_of_what_happened(world: World, story: Story) -> None:
    data = reports.consumption(world.admin, QUARTERS)
    got = {}
    for (cat, pathway, quarter), cell in data.cells.items():
        for measure in reports.MEASURES:
            if cell.get(measure):
                got[(cat, pathway, quarter, str(measure))] = cell.get(measure)
    expected = {key: value for key, value in story.sums.items() if value}
    assert len(expected) >= 10
    assert got == expected


def test_the_page_shows_the_quarters_and_pathways_in_a_table_and_a_chart(
    world: World, story: Story
) -> None:
    response = client_for(world.admin).get("/gestion/budget/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    assert "style=" not in html
    spent_dt2 = sum(v for (c, p, q, m), v in story.sums.items() if p == "dt2" and m == "spend")
    assert f"{spent_dt2:.2f}".replace(".", ",") in html
    # A bar links to the rows behind it, and those rows add up to the bar.
    diet = category("diététicien·ne")
    quarter = QUARTERS[1]
    link = f"categorie={diet.pk}&amp;trimestre={reports.quarter_key(quarter)}&amp;etat=spend"
    assert link in html
    rows = client_for(world.admin).get(
        "/gestion/budget/mouvements/",
        {"categorie": diet.pk, "trimestre": reports.quarter_key(quarter), "etat": "spend"},
    )
    total = sum(m.amount for m in rows.context["page"])
    assert total == story.sums[(diet.pk, "ic", quarter, "spend")]


def test_it_lists_the_envelopes_nearly_spent(world: World) -> None:
    full = envelope_of(world.own, "1000.00")
    envelope_of(world.other, "1000.00")
    approve_on(world, care_request(world, sessions=8, unit_price="100.00"), TODAY)
    care_request(
        world, patient=world.other, sessions=8, unit_price="100.00", by=world.coordinator
    )  # not approved
    nearly = list(reports.nearly_spent(world.admin))
    assert [e.pk for e in nearly] == [full.pk]
    assert nearly[0].share == Decimal("80.00")


def test_an_envelope_just_under_80_percent_is_not_nearly_spent(world: World) -> None:
    envelope_of(world.own, "1000.00")
    approve_on(world, care_request(world, sessions=1, unit_price="799.99"), TODAY)
    assert list(reports.nearly_spent(world.admin)) == []


def test_it_lists_the_money_committed_and_unspent_for_90_days(world: World) -> None:
    world.own.inclusion_date = TODAY - datetime.timedelta(days=200)
    world.own.save(update_fields=["inclusion_date"])
    envelope_of(world.own, "3000.00")
    long_ago = TODAY - datetime.timedelta(days=120)
    idle = approve_on(world, care_request(world, sessions=2), long_ago)
    recent = approve_on(world, care_request(world, sessions=2), TODAY - datetime.timedelta(days=30))
    used = approve_on(world, care_request(world, sessions=2), long_ago)
    expense_record(
        request=used,
        by=world.coordinator,
        sessions=1,
        date=TODAY - datetime.timedelta(days=10),
        amount=Decimal("50.00"),
    )
    half = approve_on(world, care_request(world, sessions=4), long_ago)
    expense_record(
        request=half, by=world.coordinator, sessions=1, date=long_ago, amount=Decimal("50.00")
    )
    SupplementaryCare.objects.filter(pk=half.pk).update()  # nothing else happened since
    from budget.models import Expense

    Expense.objects.filter(request=half).update(
        recorded_at=timezone.now() - datetime.timedelta(days=100)
    )
    rows = {r.pk: r.held for r in reports.committed_unspent(world.admin)}
    assert rows == {idle.pk: Decimal("100.00"), half.pk: Decimal("150.00")}
    assert recent.pk not in rows
    page = client_for(world.admin).get("/gestion/budget/")
    assert page.context["data"].unspent_count == 2
    assert page.context["data"].unspent_total == Decimal("250.00")


def test_the_rows_show_patients_by_initials_and_log_the_reads(world: World) -> None:
    envelope_of(world.own)
    approve_on(world, care_request(world), TODAY)
    response = client_for(world.admin).get("/gestion/budget/demandes/", {"etat": "approved"})
    html = response.content.decode()
    assert world.own.initials in html
    assert not re.search(rf"\b{world.own.last_name}\b", html)
    assert AccessLogEntry.objects.filter(
        patient=world.own, user=world.admin, what="budget rows"
    ).exists()


def test_a_forged_filter_answers_400(world: World) -> None:
    client = client_for(world.admin)
    assert client.get("/gestion/budget/mouvements/", {"trimestre": "2026-T9"}).status_code == 400
    assert client.get("/gestion/budget/depenses/", {"etat": "stolen"}).status_code == 400
