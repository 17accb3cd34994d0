"""The indemnities through the API: a professional reads their own lines only; the admin
approves, builds a batch, downloads its files and marks it paid; reads are logged."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from indemnities.models import IndemnityLine, LineEntry, PaymentBatch
from labparcours.models import AccessLogEntry
from programme.demo_data import DEMO_IBANS
from tests.conftest import World, client_for
from tests.factories import bank_account, held_sic, indemnity_kind, indemnity_rate

TODAY = timezone.localdate


@pytest.fixture
def accrued(world: World) -> World:
    indemnity_rate("sic_attendance", "30.00")
    indemnity_rate("sic_attendance", "45.00", profession="gp")
    for role, iban in (("gp", DEMO_IBANS[0]), ("nurse", DEMO_IBANS[1])):
        bank_account(world.user(role).professional, iban)
    held_sic(world, present=["gp", "nurse"])
    return world


def period() -> dict[str, str]:
    return {
        "period_start": str(TODAY() - datetime.timedelta(days=30)),
        "period_end": str(TODAY() + datetime.timedelta(days=7)),
        "execution_date": str(TODAY() + datetime.timedelta(days=2)),
    }


def test_a_professional_reads_their_own_lines_only(accrued: World) -> None:
    rows = client_for(accrued.gp).get("/api/v1/indemnities/").json()["results"]
    assert [(r["kind"], r["amount"], r["state"]) for r in rows] == [
        ("sic_attendance", "45.00", "accrued")
    ]
    assert rows[0]["patient_initials"] == accrued.own.initials
    assert "patient" not in rows[0]
    assert client_for(accrued.coordinator).get("/api/v1/indemnities/").json()["results"] == []
    everything = client_for(accrued.admin).get("/api/v1/indemnities/").json()["results"]
    assert len(everything) == 2


def test_reading_lines_is_a_logged_read_of_their_patients(accrued: World) -> None:
    client_for(accrued.gp).get("/api/v1/indemnities/")
    assert list(AccessLogEntry.objects.filter(user=accrued.gp).values_list("patient", "what")) == [
        (accrued.own.pk, "indemnity lines (api)")
    ]


def test_the_admin_runs_the_whole_payment_through_the_api(accrued: World) -> None:
    admin = client_for(accrued.admin)
    ids = list(IndemnityLine.objects.values_list("pk", flat=True))
    answer = admin.post(
        "/api/v1/indemnities/approve/", {"ids": ids}, content_type="application/json"
    )
    assert answer.json() == {"approved": 2}
    built = admin.post("/api/v1/payment-batches/", period(), content_type="application/json")
    assert built.status_code == 201, built.content
    batch = built.json()
    assert (batch["total"], batch["line_count"], batch["professional_count"]) == ("75.00", 2, 2)
    sepa = admin.get(f"/api/v1/payment-batches/{batch['id']}/sepa.xml/")
    assert sepa["Content-Type"] == "application/xml"
    assert sepa["Content-Disposition"] == f'attachment; filename="{batch["reference"]}.xml"'
    again = admin.get(f"/api/v1/payment-batches/{batch['id']}/sepa.xml/")
    assert sepa.content == again.content == bytes(PaymentBatch.objects.get().sepa_file)
    paid = admin.post(
        f"/api/v1/payment-batches/{batch['id']}/mark-paid/",
        {"paid_on": str(TODAY()), "bank_reference": "VIR-2026-12"},
        content_type="application/json",
    )
    assert paid.json()["bank_reference"] == "VIR-2026-12"
    rows = client_for(accrued.gp).get("/api/v1/indemnities/").json()["results"]
    assert [r["state"] for r in rows] == ["paid"]


def test_refusals_are_structured(accrued: World) -> None:
    admin = client_for(accrued.admin)
    nothing = admin.post("/api/v1/payment-batches/", period(), content_type="application/json")
    assert nothing.status_code == 409
    assert nothing.json()["detail"].startswith("Aucune ligne validée")
    bad = admin.post(
        "/api/v1/payment-batches/",
        {**period(), "period_end": "pas une date"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "period_end" in bad.json()["errors"]
    empty = admin.post("/api/v1/indemnities/approve/", {"ids": []}, content_type="application/json")
    assert empty.status_code == 400


def test_an_overlapping_rate_is_refused_field_by_field(accrued: World) -> None:
    rate = accrued.gp_rate = indemnity_rate("gp_summary", "50.00")
    answer = client_for(accrued.admin).post(
        "/api/v1/indemnity-rates/",
        {"kind": rate.kind_id, "profession": "", "amount": "55.00", "valid_from": "2026-01-01"},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert "non_field_errors" in answer.json()["errors"]


def test_the_statement_is_the_professionals_and_logs_its_patients(accrued: World) -> None:
    admin = client_for(accrued.admin)
    admin.post(
        "/api/v1/indemnities/approve/",
        {"ids": list(IndemnityLine.objects.values_list("pk", flat=True))},
        content_type="application/json",
    )
    batch = admin.post("/api/v1/payment-batches/", period(), content_type="application/json")
    url = f"/api/v1/payment-batches/{batch.json()['id']}/statements/"
    gp, nurse = accrued.gp.professional.pk, accrued.nurse.professional.pk
    own = client_for(accrued.gp).get(f"{url}{gp}/")
    assert own.status_code == 200
    assert own["Content-Type"] == "application/pdf"
    assert own.content.startswith(b"%PDF")
    assert client_for(accrued.gp).get(f"{url}{nurse}/").status_code == 404
    assert AccessLogEntry.objects.filter(
        user=accrued.gp, patient=accrued.own, what="indemnity statement"
    ).exists()


def add_lines(world: World, count: int) -> None:
    kind = indemnity_kind("team_constitution")
    IndemnityLine.objects.bulk_create(
        IndemnityLine(
            professional=world.gp.professional,
            kind=kind,
            entry=LineEntry.ITEM,
            amount=Decimal("25.00"),
            worked_on=TODAY(),
            patient=world.own if i % 2 else world.other,
            why="équipe",
        )
        for i in range(count)
    )


@pytest.mark.parametrize("role", ["admin", "gp"])
def test_listing_lines_takes_the_same_queries_whatever_their_number(
    world: World, django_assert_max_num_queries, role: str
) -> None:
    indemnity_rate("team_constitution", "25.00")
    client = client_for(world.user(role))
    client.get("/api/v1/indemnities/")  # warm the session
    add_lines(world, 2)
    with django_assert_max_num_queries(20) as few:
        assert len(client.get("/api/v1/indemnities/").json()["results"]) == 2
    add_lines(world, 198)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/indemnities/").json()["results"]) == 25
