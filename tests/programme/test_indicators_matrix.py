"""The indicators' pages × every role: the cohort's figures, the patients behind them and the
funder's report for the coordination and programme management only; the evaluators' export
for the admin; the experience summary for them and the patient partners, whose only page of
the programme it is (the world's patient is made a partner here)."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.matrix import STAFF, Case, matrix_tests

ADMIN = frozenset({"admin"})
READERS = frozenset({*STAFF, "patient_user"})


def dress(world: World) -> World:
    world.patient_user.is_patient_partner = True
    world.patient_user.save(update_fields=["is_patient_partner"])
    return world


@pytest.fixture(scope="module")
def module_world(module_world: World, django_db_blocker) -> World:
    with django_db_blocker.unblock():
        return dress(module_world)


def page(path: str):
    return lambda world, target: path


PERIOD = "du=2025-01-01&au=2026-12-31"

PAGES = [
    Case("indicators", page("/indicateurs/"), STAFF, about_patient=False),
    Case(
        "indicators, filtered",
        page(f"/indicateurs/?{PERIOD}&parcours=ic&territoire=59"),
        STAFF,
        about_patient=False,
    ),
    Case(
        "patients behind a figure",
        page(f"/indicateurs/sic_overdue/patients/?{PERIOD}&part=complement"),
        STAFF,
        about_patient=False,
    ),
    Case("report form", page("/indicateurs/rapport/"), STAFF, about_patient=False),
    Case(
        "report, PDF",
        page(f"/indicateurs/rapport/?{PERIOD}&format=pdf"),
        STAFF,
        about_patient=False,
    ),
    Case(
        "report, XLSX",
        page(f"/indicateurs/rapport/?{PERIOD}&format=xlsx"),
        STAFF,
        about_patient=False,
    ),
    Case(
        "evaluators' export form",
        page("/indicateurs/export-evaluation/"),
        ADMIN,
        about_patient=False,
    ),
    Case(
        "evaluators' export",
        page(f"/indicateurs/export-evaluation/?{PERIOD}"),
        ADMIN,
        about_patient=False,
    ),
    Case("experience summary", page("/indicateurs/experience/"), READERS, about_patient=False),
]

API: list[Case] = []

test_indicator_pages_answer_each_role_as_designed, _no_endpoint = matrix_tests(PAGES, API)
