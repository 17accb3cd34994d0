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
