"""Every indemnity page and endpoint × every role. Indemnities are not about one patient but
about one professional: "own" is the GP of the world (a liberal professional with lines), and
the statement of another professional is refused as if it did not exist (404). The pages:
« Mes indemnisations » is every professional's of the directory, the rest the admin's."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from indemnities.models import IndemnityLine, IndemnityRate, PaymentBatch
from indemnities.services import batch_build, lines_approve
from programme.demo_data import DEMO_IBANS
from tests.conftest import ROLES, World
from tests.factories import bank_account, held_sic, indemnity_rate
from tests.indemnities.pages import days_ago
from tests.matrix import CLINICIANS, Case, matrix_tests

ADMIN = frozenset({"admin"})
READERS_OF_RATES = frozenset(
    {"admin", "coordinator", "gp", "nurse", "pharmacist", "specialist", "former_member"}
)
EVERYONE = frozenset(ROLES)
NOT_FOUND = dict.fromkeys(ROLES, 404)
WITH_A_DIRECTORY_ENTRY = frozenset({*CLINICIANS, "former_member"})


def dress(world: World) -> World:
    """A held SIC attended by the GP and the nurse, their lines approved and paid by a batch."""
    indemnity_rate("sic_attendance", "30.00")
    for role, iban in (("gp", DEMO_IBANS[0]), ("nurse", DEMO_IBANS[1])):
        bank_account(world.user(role).professional, iban)
    held_sic(world, present=["gp", "nurse"])
    lines_approve(lines=IndemnityLine.objects.all(), by=world.admin)
    today = timezone.localdate()
    world.batch = batch_build(
        period_start=today - datetime.timedelta(days=30),
        period_end=today + datetime.timedelta(days=7),
        execution_date=today,
        by=world.admin,
    )
    world.gp_line = IndemnityLine.objects.get(professional__user=world.gp)
    world.rate = IndemnityRate.objects.first()
    return world


@pytest.fixture(scope="module")
def module_world(module_world: World, django_db_blocker) -> World:
    with django_db_blocker.unblock():
        return dress(module_world)


def batch_url(suffix: str = ""):
    return lambda w, t: f"/api/v1/payment-batches/{w.batch.pk}/{suffix}"


def statement_of(role: str):
    return lambda w, t: (
        f"/api/v1/payment-batches/{w.batch.pk}/statements/{w.user(role).professional.pk}/"
    )


def a_new_batch(world: World) -> dict:
    today = timezone.localdate()
    return {
        "period_start": str(today - datetime.timedelta(days=400)),
        "period_end": str(today - datetime.timedelta(days=300)),
        "execution_date": str(today),
    }


def page_batch_url(suffix: str):
    return lambda w, t: f"/indemnisations/lots/{w.batch.pk}/{suffix}"


PAGES = [
    Case(
        "my indemnities",
        lambda w, t: "/indemnisations/",
        WITH_A_DIRECTORY_ENTRY,
        about_patient=False,
    ),
    Case(
        "save my bank details",
        lambda w, t: "/indemnisations/",
        WITH_A_DIRECTORY_ENTRY,
        method="post",
        ok=302,
        about_patient=False,
        data=lambda w: {"holder": "Dr X", "iban": "FR76 3000 6000 0112 3456 7890 189", "bic": ""},
    ),
    Case(
        "my statement",
        lambda w, t: f"/indemnisations/releves/{w.batch.pk}/",
        frozenset({"gp", "nurse"}),
        about_patient=False,
        # The batch pays the GP and the nurse: to another professional it does not exist.
        otherwise={"pharmacist": 404, "specialist": 404, "former_member": 404},
    ),
    Case("indemnities admin", lambda w, t: "/indemnisations/admin/", ADMIN, about_patient=False),
    Case(
        "approve lines",
        lambda w, t: "/indemnisations/admin/valider/",
        ADMIN,
        method="post",
        ok=302,
        about_patient=False,
        data=lambda w: {"date_from": f"{days_ago(30):%Y-%m-%d}"},
    ),
    Case(
        "build a batch",
        lambda w, t: "/indemnisations/lots/",
        frozenset(),
        method="post",
        about_patient=False,
        data=a_new_batch,
        # The admin is let through, and shown the form again: nothing to pay in that period.
        otherwise={"admin": 400},
    ),
    Case("SEPA file", page_batch_url("sepa.xml"), ADMIN, about_patient=False),
    Case(
        "mark a batch paid",
        page_batch_url("paye/"),
        ADMIN,
        method="post",
        ok=302,
        about_patient=False,
        data=lambda w: {"paid_on": f"{days_ago(0):%Y-%m-%d}", "bank_reference": "VIR-2026-001"},
    ),
    Case("a batch, checked", page_batch_url(""), ADMIN, about_patient=False),
    Case("batch listing (page)", page_batch_url("liste.csv"), ADMIN, about_patient=False),
    Case(
        "a statement (admin)",
        lambda w, t: f"/indemnisations/lots/{w.batch.pk}/releves/{w.gp.professional.pk}/",
        ADMIN,
        about_patient=False,
    ),
    Case("reports", lambda w, t: "/indemnisations/rapports/", ADMIN, about_patient=False),
    Case("rates", lambda w, t: "/indemnisations/tarifs/", ADMIN, about_patient=False),
    Case(
        "add a rate (page)",
        lambda w, t: "/indemnisations/tarifs/",
        ADMIN,
        method="post",
        ok=302,
        about_patient=False,
        data=lambda w: {
            "kind": w.rate.kind_id,
            "profession": "pharmacist",
            "amount": "33.00",
            "valid_from": "2031-01-01",
        },
    ),
    Case(
        "end a rate",
        lambda w, t: f"/indemnisations/tarifs/{w.rate.pk}/fin/",
        ADMIN,
        method="post",
        ok=302,
        about_patient=False,
        data=lambda w: {"valid_until": "2032-12-31"},
    ),
    Case(
        "report export",
        lambda w, t: (
            "/indemnisations/rapports/export/?date_from=2026-01-01&date_to=2026-12-31"
            "&what=lignes&format=csv"
        ),
        ADMIN,
        about_patient=False,
    ),
]

API = [
    # The lines: every role lists (a professional their own, others none).
    Case("lines", lambda w, t: "/api/v1/indemnities/", EVERYONE, about_patient=False),
    Case(
        "the GP's line",
        lambda w, t: f"/api/v1/indemnities/{w.gp_line.pk}/",
        frozenset({"admin", "gp"}),
        about_patient=False,
        otherwise=NOT_FOUND,
    ),
    Case(
        "approve lines",
        lambda w, t: "/api/v1/indemnities/approve/",
        ADMIN,
        method="post",
        about_patient=False,
        data=lambda w: {"ids": [w.gp_line.pk]},
    ),
    Case("rates", lambda w, t: "/api/v1/indemnity-rates/", READERS_OF_RATES, about_patient=False),
    Case(
        "a rate",
        lambda w, t: f"/api/v1/indemnity-rates/{w.rate.pk}/",
        READERS_OF_RATES,
        about_patient=False,
    ),
    Case(
        "add a rate",
        lambda w, t: "/api/v1/indemnity-rates/",
        ADMIN,
        method="post",
        ok=201,
        about_patient=False,
        data=lambda w: {
            "kind": w.rate.kind_id,
            "profession": "nurse",
            "amount": "35.00",
            "valid_from": "2030-01-01",
        },
    ),
    Case(
        "batches",
        lambda w, t: "/api/v1/payment-batches/",
        EVERYONE,
        about_patient=False,
    ),
    Case(
        "a batch",
        batch_url(),
        frozenset({"admin", "gp", "nurse"}),
        about_patient=False,
        otherwise=NOT_FOUND,
    ),
    Case(
        "build a batch",
        lambda w, t: "/api/v1/payment-batches/",
        frozenset(),
        method="post",
        about_patient=False,
        data=a_new_batch,
        # The admin is let through, and told there is nothing to pay in that period.
        otherwise={"admin": 409},
    ),
    Case(
        "mark paid",
        batch_url("mark-paid/"),
        ADMIN,
        method="post",
        about_patient=False,
        data=lambda w: {"paid_on": str(timezone.localdate()), "bank_reference": "VIR-1"},
        otherwise={**NOT_FOUND, "gp": 403, "nurse": 403},
    ),
    Case(
        "SEPA file",
        batch_url("sepa.xml/"),
        ADMIN,
        about_patient=False,
        otherwise={**NOT_FOUND, "gp": 403, "nurse": 403},
    ),
    Case(
        "batch listing (CSV)",
        batch_url("export.csv/"),
        ADMIN,
        about_patient=False,
        otherwise={**NOT_FOUND, "gp": 403, "nurse": 403},
    ),
    Case(
        "batch listing (XLSX)",
        batch_url("export.xlsx/"),
        ADMIN,
        about_patient=False,
        otherwise={**NOT_FOUND, "gp": 403, "nurse": 403},
    ),
    Case(
        "the GP's statement",
        statement_of("gp"),
        frozenset({"admin", "gp"}),
        about_patient=False,
        otherwise=NOT_FOUND,
    ),
]

test_page, test_endpoint = matrix_tests(PAGES, API)


def test_the_batch_world_is_what_the_matrix_expects(world: World) -> None:
    assert PaymentBatch.objects.count() == 1
    assert IndemnityLine.objects.count() == 2
