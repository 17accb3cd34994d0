"""The admin's budget pages × every role: not about one patient, the programme's admin only
(the coordinator decides requests on their own pages; the overview, the rows behind it and
the exports are programme management's, DESIGN.md)."""

from tests.matrix import Case, matrix_tests

ADMIN = frozenset({"admin"})


def page(path: str):
    return lambda world, target: path


PAGES = [
    Case("budget overview", page("/gestion/budget/"), ADMIN, about_patient=False),
    Case(
        "ledger rows", page("/gestion/budget/mouvements/?etat=commit"), ADMIN, about_patient=False
    ),
    Case(
        "request rows", page("/gestion/budget/demandes/?etat=unspent"), ADMIN, about_patient=False
    ),
    Case("expense rows", page("/gestion/budget/depenses/"), ADMIN, about_patient=False),
    Case("export form", page("/gestion/budget/exports/"), ADMIN, about_patient=False),
    Case(
        "export file",
        page("/gestion/budget/exports/?quoi=mouvements&du=2025-01-01&au=2028-12-31&format=csv"),
        ADMIN,
        about_patient=False,
    ),
]

API: list[Case] = []

test_budget_reports_answer_each_role_as_designed, _no_endpoint = matrix_tests(PAGES, API)
