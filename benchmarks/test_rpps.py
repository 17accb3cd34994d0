"""The RPPS import on a generated extract of 200,000 lines (one in ten a professional of the
programme, as in the national file where most lines are other professions), on PostgreSQL:
the memory it takes does not grow with the file (its peak at 200,000 lines against 20,000),
and its time against the floor of reading and splitting the same file without the database."""

from __future__ import annotations

import csv
import time
import tracemalloc
from pathlib import Path

import pytest
from django.conf import settings

from benchmarks import harness
from teams.rpps import rpps_import
from tests.teams.test_rpps_import import _extract

LINES = 200_000
SMALL = 20_000


def _import(path: Path) -> tuple[float, int]:
    """Seconds and the Python heap's peak (bytes) of one import."""
    tracemalloc.start()
    start = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as extract:
        rpps_import(extract, refused=lambda line: None)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak


def _read(path: Path) -> float:
    start = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as extract:
        for _ in csv.reader(extract, delimiter="|", quoting=csv.QUOTE_NONE):
            pass
    return time.perf_counter() - start


@pytest.mark.django_db
def test_the_rpps_import_streams_a_200000_line_extract(tmp_path: Path) -> None:
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("the benchmark of the RPPS import runs on PostgreSQL (set DATABASE_URL)")
    small = _extract(SMALL, tmp_path / "small.txt")
    large = _extract(LINES, tmp_path / "large.txt")
    _, small_peak = _import(small)
    seconds, peak = _import(large)
    floor = _read(large)
    growth = peak / max(small_peak, 1)
    reasons = (
        [f"peak ×{growth:.2f} from {SMALL:,} to {LINES:,} lines, over ×1.5"] if growth > 1.5 else []
    )
    row = harness.Row(
        operation=f"RPPS import, {LINES:,} lines ({LINES // 10:,} professionals)",
        floor="reading and splitting the same file, without the database",
        target=f"memory flat: peak at {LINES:,} lines ≤ 1.5× the peak at {SMALL:,}",
        queries=0,
        median_ms=seconds * 1000,
        floor_median_ms=floor * 1000,
        ratio=seconds / max(floor, 1e-9),
        met=not reasons,
        reason="; ".join(reasons),
        notes={
            "peak_bytes": peak,
            "peak_bytes_small": small_peak,
            "size_bytes": large.stat().st_size,
        },
    )
    harness.ROWS.append(row)
    print(
        f"\nRPPS import: {LINES} lines in {seconds:.1f} s (reading alone {floor:.1f} s), "
        f"peak {peak / 1e6:.1f} MB against {small_peak / 1e6:.1f} MB at {SMALL} lines"
    )
    assert growth <= 1.5
