"""Every indemnity page × every role. None is about one patient: a professional reads their
own ledger, the admin every line and batch; everyone else is refused (403)."""

from __future__ import annotations

import pytest

from indemnities.models import IndemnityLine
from indemnities.services import lines_approve
from tests.conftest import World
from tests.indemnities.pages import (
    batch_of,
    days_ago,
    item_lines,
    item_rate,
    period,
    with_bank_account,
)
from tests.matrix import CLINICIANS, Case, matrix_tests

WITH_A_DIRECTORY_ENTRY = frozenset({*CLINICIANS, "former_member"})
ADMIN = frozenset({"admin"})


def dress(world: World) -> World:
    """A paid GP's line in a batch (to download, to mark paid), and a nurse's approved line
    waiting for the next batch (to build)."""
    item_rate()
    item_lines(world.admin, world.gp, patient=world.own)
    world.batch = batch_of(world.admin, world.gp)
    nurse_lines = item_lines(world.admin, world.nurse, patient=world.own)
    with_bank_account(world.nurse)
    lines_approve(
        lines=IndemnityLine.objects.filter(pk__in=[line.pk for line in nurse_lines]),
        by=world.admin,
    )
    return world


@pytest.fixture(scope="module")
def module_world(module_world: World, django_db_blocker) -> World:
    with django_db_blocker.unblock():
        return dress(module_world)


def batch_url(suffix: str):
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
        ADMIN,
        method="post",
        ok=302,
        about_patient=False,
        data=lambda w: {**period(), "execution_date": f"{days_ago(0):%Y-%m-%d}"},
    ),
    Case("SEPA file", batch_url("sepa.xml"), ADMIN, about_patient=False),
    Case(
        "mark a batch paid",
        batch_url("paye/"),
        ADMIN,
        method="post",
        ok=302,
        about_patient=False,
        data=lambda w: {"paid_on": f"{days_ago(0):%Y-%m-%d}", "bank_reference": "VIR-2026-001"},
    ),
]
API: list[Case] = []

test_page, test_endpoint = matrix_tests(PAGES, API)
