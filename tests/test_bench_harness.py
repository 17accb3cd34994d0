"""The benchmark's harness runs end to end in the suite (without judging time), so that it
never rots: a measure against a floor, its row, the JSON and the Markdown it writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import harness
from tests.conftest import World, client_for


@pytest.fixture
def rows(monkeypatch: pytest.MonkeyPatch) -> list[harness.Row]:
    fresh: list[harness.Row] = []
    monkeypatch.setattr(harness, "ROWS", fresh)
    return fresh


def test_a_page_is_measured_against_its_floor_and_written(
    world: World, rows: list[harness.Row], tmp_path: Path
) -> None:
    client = client_for(world.coordinator)
    row = harness.measure(
        "coordinator dashboard",
        full=lambda: client.get("/coordination/"),
        floor=lambda: client.get("/healthz/"),
        floor_is="a trivial view",
        max_ratio=1_000_000,
        max_queries=0,  # surely missed: the row must say so, and why
        rounds=2,
    )
    assert rows == [row]
    assert row.queries > 0
    assert not row.met
    assert "queries, over 0" in row.reason
    harness.write(rows, harness.context(), tmp_path / "results.json", tmp_path / "BENCH.md")
    written = json.loads((tmp_path / "results.json").read_text())
    assert written["rows"][0]["operation"] == "coordinator dashboard"
    assert written["commit"]
    table = (tmp_path / "BENCH.md").read_text()
    assert "| coordinator dashboard |" in table
    assert "missed: " in table


def test_a_reference_row_has_no_target_and_is_never_missed(
    db: None, rows: list[harness.Row], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What every answer pays is measured like the others and written as a reference: its
    ratio is shown, it is neither met nor missed, and a later partial run keeps it so."""
    row = harness.measure(
        "a page that shows nothing",
        full=lambda: sum(range(20_000)),
        floor=lambda: sum(range(10)),
        floor_is="its SQL",
        max_ratio=harness.REFERENCE,
        rounds=2,
    )
    assert row.ratio > 3  # far over any target: still not missed
    assert row.met
    assert row.target.startswith("none")
    json_path, md_path = tmp_path / "results.json", tmp_path / "BENCH.md"
    where = {
        "date": "2026-12-07",
        "commit": "abc1234",
        "machine": "x",
        "database": "y",
        "scale": "1",
    }
    harness.write(rows, where, json_path, md_path)
    assert "| reference |" in md_path.read_text()
    monkeypatch.setenv("BENCH_KEEP", "1")
    harness.write([], where, json_path, md_path)  # a later run of other rows
    assert "| reference (measured " in md_path.read_text()


def test_a_load_from_a_second_client_is_measured_against_its_floor(
    rows: list[harness.Row],
) -> None:
    """The load generator counts answers and errors; the throughput row compares them."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from benchmarks import load

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            status = 200 if self.path == "/ok/" else 500
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        fine = load.run(f"{base}/ok/", seconds=0.3, concurrency=2, headers={})
        broken = load.run(f"{base}/broken/", seconds=0.3, concurrency=2, headers={})
        row = harness.throughput(
            "a page under load",
            full=lambda: broken,
            floor=lambda: fine,
            floor_is="a trivial view",
            min_share=0.25,
            rounds=1,
        )
    finally:
        server.shutdown()
    assert fine["requests"] > 0
    assert fine["errors"] == 0
    assert broken["requests"] == 0
    assert broken["error_kinds"] == ["500"]
    assert rows == [row]
    assert not row.met
    assert "errors" in row.reason


def test_a_partial_run_keeps_the_rows_it_did_not_measure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def row(operation: str, ms: float) -> harness.Row:
        return harness.Row(operation, "floor", "target", 3, ms, 1.0, ms, True)

    where = {
        "date": "2026-12-01",
        "commit": "abc1234",
        "machine": "m",
        "database": "d",
        "scale": "1",
    }
    results, table = tmp_path / "results.json", tmp_path / "BENCH.md"
    harness.write([row("dashboard", 30), row("API", 20)], where, results, table)
    monkeypatch.setenv("BENCH_KEEP", "1")
    harness.write([row("API", 10)], {**where, "date": "2026-12-06"}, results, table)
    rows = {r["operation"]: r for r in json.loads(results.read_text())["rows"]}
    assert rows["API"]["median_ms"] == 10
    assert rows["dashboard"]["median_ms"] == 30
    assert rows["dashboard"]["notes"]["measured"] == "2026-12-01, commit abc1234"
    assert "(measured 2026-12-01, commit abc1234)" in table.read_text()


def test_the_prose_under_the_table_survives_a_new_run(tmp_path: Path) -> None:
    row = harness.Row("dashboard", "floor", "target", 3, 30.0, 1.0, 30.0, True)
    where = {"date": "2026-12-01", "commit": "abc", "machine": "m", "database": "d", "scale": "1"}
    table = tmp_path / "BENCH.md"
    harness.write([row], where, tmp_path / "results.json", table)
    table.write_text(table.read_text() + "\n## The access log\n\nDropped by month.\n")
    harness.write([row], {**where, "date": "2026-12-06"}, tmp_path / "results.json", table)
    text = table.read_text()
    assert "- date: 2026-12-06" in text
    assert text.endswith("| met |\n\n## The access log\n\nDropped by month.\n")


def test_pages_are_timed_as_served_without_the_test_clients_instrumentation(
    world: World,
) -> None:
    """The test environment sends a signal for every template rendered, and the test client
    copies the context at each: production does neither, and the timings leave both out,
    while the test client's `response.context` still works outside a measure."""
    from django.test.signals import template_rendered

    client = client_for(world.coordinator)
    rendered: list[str] = []

    def seen(sender: object, template: object, **kwargs: object) -> None:
        rendered.append(str(getattr(template, "name", "")))

    template_rendered.connect(seen)
    try:
        with harness.as_served():
            response = client.get("/coordination/")
        assert response.status_code == 200
        assert rendered == []
        assert response.context is None
        response = client.get("/coordination/")
        assert rendered  # the test environment is back once the measure is over
        assert response.context is not None
    finally:
        template_rendered.disconnect(seen)
