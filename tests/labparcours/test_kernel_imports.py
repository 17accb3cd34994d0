"""The kernel (`labparcours/`: settings, URLs, user and roles, access log) imports no domain
app, so that every app can stand on it and nothing in it turns into a circle. URLs include the
apps by string; what spans the apps lives in `programme/`."""

import ast
from pathlib import Path

KERNEL = Path(__file__).resolve().parents[2] / "labparcours"
ABOVE_THE_KERNEL = {"patients", "teams", "sic", "careplans", "budget", "reminders", "programme"}


def imported_modules(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


def domain_imports_of_the_kernel() -> set[str]:
    return {
        f"{path.relative_to(KERNEL.parent)}: {name}"
        for path in sorted(KERNEL.rglob("*.py"))
        for name in imported_modules(ast.parse(path.read_text(), str(path)))
        if name.split(".")[0] in ABOVE_THE_KERNEL
    }


def test_it_finds_no_import_of_a_domain_app_in_the_kernel() -> None:
    assert domain_imports_of_the_kernel() == set()


def test_it_would_see_an_import_hidden_in_a_function() -> None:
    tree = ast.parse("def f():\n    from patients.models import Patient\n    import sic.models\n")
    assert imported_modules(tree) == ["patients.models", "sic.models"]
