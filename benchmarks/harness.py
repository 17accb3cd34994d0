"""The benchmark's measure: an operation timed against a floor measured in the same run,
interleaved (floor, full, floor, full…) so that a noisy machine weighs on both alike, and the
rows written to `bench/results.json` and `BENCHMARKS.md` at the end of the session.

A row records the operation's SQL query count, the median of its times, the median of its
floor's, and the median of the per-pair ratios (full ÷ floor of the same round). A row that
misses its target says "missed" and why; the run goes on, so that one table shows them all.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.template.base import Template
from django.test.utils import CaptureQueriesContext, _TestState

ROOT = Path(__file__).resolve().parent.parent
RESULTS_JSON = ROOT / "bench" / "results.json"
RESULTS_MD = ROOT / "BENCHMARKS.md"


@dataclass
class Row:
    operation: str
    floor: str  # what the floor is
    target: str  # the target, in words
    queries: int
    median_ms: float
    floor_median_ms: float
    ratio: float  # median of the per-pair ratios
    met: bool
    reason: str = ""
    notes: dict[str, Any] = field(default_factory=dict)


ROWS: list[Row] = []

# The `max_ratio` of a row measured as a reference, without a target of its own.
REFERENCE = float("inf")


@contextmanager
def as_served() -> Iterator[None]:
    """Templates rendered by Django's own renderer, as a server renders them.

    The test environment (pytest-django's, for the test client's `response.context`) replaces
    `Template._render` with one that sends a signal for every template and include rendered,
    and the test client copies the whole context at each: 5–10 ms a page of rows, none of it
    done in production. Timings are taken without it; the query counts and the tests' own
    assertions on `response.context` are taken with it."""
    saved = getattr(_TestState, "saved_data", None)
    if saved is None:  # no test environment: already as served
        yield
        return
    instrumented = Template._render
    Template._render = saved.template_render  # type: ignore[method-assign]
    try:
        yield
    finally:
        Template._render = instrumented  # type: ignore[method-assign]


def interleaved(
    full: Callable[[], object], floor: Callable[[], object], rounds: int = 7
) -> tuple[list[float], list[float]]:
    """The times of `floor` and `full`, one after the other, `rounds` times (each warmed once),
    templates rendered as served (`as_served`)."""
    floors, fulls = [], []
    with as_served():
        floor()
        full()
        for _ in range(rounds):
            start = time.perf_counter()
            floor()
            floors.append(time.perf_counter() - start)
            start = time.perf_counter()
            full()
            fulls.append(time.perf_counter() - start)
    return fulls, floors


def rolled_back(function: Callable[..., object], *args: Any, **kwargs: Any) -> Callable[[], object]:
    """`function` run in a transaction undone afterwards: each round starts from the same
    data (a sweep's ledger rows, a sending's marks)."""

    def run() -> object:
        with transaction.atomic():
            result = function(*args, **kwargs)
            transaction.set_rollback(True)
        return result

    return run


def count_queries(operation: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        operation()
    return len(queries.captured_queries)


def measure(
    operation: str,
    *,
    full: Callable[[], object],
    floor: Callable[[], object],
    floor_is: str,
    max_ratio: float,
    max_queries: int | None = None,
    rounds: int = 7,
    notes: dict[str, Any] | None = None,
    target: str = "",
) -> Row:
    """Time `full` against `floor` and record the row; its target is `full` within
    `max_ratio` × `floor` (and at most `max_queries` queries, when given). A row measured as a
    reference for the others (`max_ratio=REFERENCE`) has no target: it is never missed."""
    queries = count_queries(full)
    fulls, floors = interleaved(full, floor, rounds)
    ratio = statistics.median(f / max(fl, 1e-9) for f, fl in zip(fulls, floors, strict=True))
    reasons = []
    if max_ratio == REFERENCE:
        target = target or "none: a reference for the rows above"
        notes = {**(notes or {}), "reference": True}
    elif ratio > max_ratio:
        reasons.append(f"×{ratio:.2f} of its floor, over ×{max_ratio:g}")
    if max_queries is not None and queries > max_queries:
        reasons.append(f"{queries} queries, over {max_queries}")
    target = (target or f"≤ {max_ratio:.3g}× floor") + (
        f", ≤ {max_queries} queries" if max_queries else ""
    )
    row = Row(
        operation=operation,
        floor=floor_is,
        target=target,
        queries=queries,
        median_ms=statistics.median(fulls) * 1000,
        floor_median_ms=statistics.median(floors) * 1000,
        ratio=ratio,
        met=not reasons,
        reason="; ".join(reasons),
        notes=notes or {},
    )
    ROWS.append(row)
    print(
        f"\n{operation}: {row.median_ms:.0f} ms, floor {row.floor_median_ms:.0f} ms, "
        f"×{ratio:.2f}, {queries} queries — {_result(row)}"
    )
    return row


def throughput(
    operation: str,
    *,
    full: Callable[[], dict[str, Any]],
    floor: Callable[[], dict[str, Any]],
    floor_is: str,
    min_share: float,
    rounds: int = 3,
    notes: dict[str, Any] | None = None,
) -> Row:
    """Requests per second of `full` against `floor` under the same load, interleaved; each
    callable runs one load and returns `benchmarks.load.run`'s answer. The row's times are
    milliseconds per request (1 ÷ throughput); its target: at least `min_share` of the floor's
    requests per second, and no error."""
    fulls, floors, errors = [], [], 0
    for _ in range(rounds):
        floor_run, full_run = floor(), full()
        floors.append(floor_run["rps"])
        fulls.append(full_run["rps"])
        errors += full_run["errors"] + floor_run["errors"]
    share = statistics.median(f / max(fl, 1e-9) for f, fl in zip(fulls, floors, strict=True))
    reasons = []
    if share < min_share:
        reasons.append(f"{share:.0%} of its floor's requests/s, under {min_share:.0%}")
    if errors:
        reasons.append(f"{errors} errors")
    row = Row(
        operation=operation,
        floor=floor_is,
        target=f"≥ {min_share:.0%} of the floor's requests/s, 0 errors",
        queries=0,
        median_ms=1000 / max(statistics.median(fulls), 1e-9),
        floor_median_ms=1000 / max(statistics.median(floors), 1e-9),
        ratio=1 / max(share, 1e-9),
        met=not reasons,
        reason="; ".join(reasons),
        notes={**(notes or {}), "rps": fulls, "floor_rps": floors},
    )
    ROWS.append(row)
    print(
        f"\n{operation}: {statistics.median(fulls):.1f} req/s, floor "
        f"{statistics.median(floors):.1f} req/s ({share:.0%}), {errors} errors — "
        f"{'met' if row.met else 'MISSED: ' + row.reason}"
    )
    return row


def _commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 — git from PATH, no input
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return "unknown"
    return done.stdout.strip() or "unknown"


def context() -> dict[str, Any]:
    """Where and when the rows were measured."""
    database = connection.settings_dict["ENGINE"].rsplit(".", 1)[-1]
    version = ""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
    return {
        "date": datetime.datetime.now(tz=datetime.UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "database": f"{database} {version}".strip(),
        "scale": os.environ.get("BENCH_SCALE", "1"),
    }


def kept_rows(rows: list[Row], json_path: Path) -> list[Row]:
    """With BENCH_KEEP=1 (a run of a few benchmarks): the rows of the last results that this
    run did not measure again, each saying which run measured it; else none."""
    if not os.environ.get("BENCH_KEEP") or not json_path.exists():
        return []
    earlier = json.loads(json_path.read_text())
    measured = {row.operation for row in rows}
    kept = []
    for old in earlier["rows"]:
        if old["operation"] in measured:
            continue
        notes = old.get("notes", {})
        notes.setdefault("measured", f"{earlier['date']}, commit {earlier['commit']}")
        kept.append(Row(**{**old, "notes": notes}))
    return kept


def write(rows: list[Row], where: dict[str, Any], json_path: Path, md_path: Path) -> None:
    """The rows as JSON (for tools) and as a Markdown table (for people); with BENCH_KEEP=1,
    after the rows of the last results that this run did not measure (`kept_rows`). The
    Markdown's prose under the table (its `## ` sections) is kept as it was."""
    rows = kept_rows(rows, json_path) + rows
    json_path.parent.mkdir(parents=True, exist_ok=True)
    payload = {**where, "rows": [asdict(row) for row in rows]}
    json_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (PostgreSQL, DEBUG off). Each operation is timed against a "
        "floor measured in the same run, interleaved; the ratio is the median of the per-pair "
        "ratios.",
        "",
        f"- date: {where['date']}",
        f"- commit: {where['commit']}",
        f"- machine: {where['machine']}",
        f"- database: {where['database']}",
        f"- scale: {where['scale']}× (1× = 10,000 patients)",
        "",
        "| operation | queries | median | floor | floor median | ratio | target | result |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        result = _result(row)
        if "measured" in row.notes:
            result += f" (measured {row.notes['measured']})"
        lines.append(
            f"| {row.operation} | {row.queries} | {row.median_ms:.0f} ms | {row.floor} | "
            f"{row.floor_median_ms:.0f} ms | ×{row.ratio:.2f} | {row.target} | {result} |"
        )
    md_path.write_text("\n".join(lines) + "\n" + _prose(md_path))


def _result(row: Row) -> str:
    if row.notes.get("reference"):
        return "reference"
    return "met" if row.met else f"missed: {row.reason}"


def _prose(md_path: Path) -> str:
    """The sections written by hand under the table of `md_path`: from its first `## `."""
    if not md_path.exists():
        return ""
    text = md_path.read_text()
    start = text.find("\n## ")
    return "" if start < 0 else text[start:]
