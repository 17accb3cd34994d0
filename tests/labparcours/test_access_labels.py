"""Every reason a read is logged under has a label: the patient reads their access log in
French, never the code's English key."""

import ast
from pathlib import Path

from django.apps import apps
from django.utils import translation

from labparcours.access_labels import READ_LABELS, read_label

ROOT = Path(__file__).resolve().parents[2]
LOGGING_CALLS = {"log_access", "log_access_query"}


def project_apps() -> list[Path]:
    """The folders of the project's own apps (not those of installed packages)."""
    return [
        Path(config.path) for config in apps.get_app_configs() if ROOT in Path(config.path).parents
    ]


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _reasons(tree: ast.AST) -> set[str]:
    """`what="…"` and `access_what="…"` of any call, the third argument of the logging
    helpers, and `access_what = "…"` on the API's viewsets."""
    found: set[str | None] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found |= {
                _literal(kw.value) for kw in node.keywords if kw.arg in {"what", "access_what"}
            }
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in LOGGING_CALLS and len(node.args) >= 3:
                found.add(_literal(node.args[2]))
        elif isinstance(node, ast.Assign) and any(
            getattr(target, "id", None) == "access_what" for target in node.targets
        ):
            found.add(_literal(node.value))
    return {reason for reason in found if reason}


def logged_reasons() -> set[str]:
    return {
        reason
        for app in project_apps()
        for path in app.rglob("*.py")
        if "migrations" not in path.parts
        for reason in _reasons(ast.parse(path.read_text()))
    }


def test_it_finds_the_reasons_the_code_logs_reads_under() -> None:
    reasons = logged_reasons()
    assert {"own record", "supplementary care", "SIC contribution", "budget ledger"} <= reasons


def test_every_logged_reason_has_a_label() -> None:
    assert sorted(logged_reasons() - READ_LABELS.keys()) == []


def test_the_patient_reads_the_reasons_in_french() -> None:
    with translation.override("fr"):
        assert read_label("supplementary care") == "Soins de support"
        assert read_label("supplementary care expense (api)") == "Soins de support (dépense) (API)"
