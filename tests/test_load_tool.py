"""The load tool's arithmetic (benchmarks/load.py), on given latencies, nothing timed: the 95th
percentile, the figures of a mix per label and overall, and runs pooled per role, as the load
drill (scripts/drill_load.py) prints them."""

from __future__ import annotations

import pytest

from benchmarks.load import Target, percentile, pool, summarise


@pytest.mark.parametrize(
    ("values", "p95"),
    [
        (list(range(1, 21)), 19),  # 95% of 20 values: the 19th
        (list(range(100, 0, -1)), 95),  # order does not matter
        (list(range(1, 11)), 10),  # 9.5 values round up to the 10th
        ([7.0], 7.0),
    ],
)
def test_it_takes_the_nearest_rank_percentile(values: list[float], p95: float) -> None:
    assert percentile(values, 95) == p95


def test_it_has_no_percentile_without_values() -> None:
    assert percentile([], 95) is None


def test_it_gives_the_figures_of_each_label_and_of_the_whole_mix() -> None:
    latencies = {
        "coordinator dashboard": [0.010] * 19 + [0.500],
        "patient my record": [0.020] * 10,
    }
    errors = {"patient my record": ["302", "302"], "GP patient": ["500"]}

    answer = summarise(latencies, errors, elapsed=2.0, examples=["GP patient /p/1/ 500"])

    assert answer["requests"] == 30
    assert answer["rps"] == 15.0  # the successful requests only
    assert answer["errors"] == 3
    assert answer["error_kinds"] == ["302", "500"]
    assert answer["error_examples"] == ["GP patient /p/1/ 500"]
    assert answer["p95_ms"] == pytest.approx(20)  # the 29th of 30: a 20 ms one
    coordinator = answer["labels"]["coordinator dashboard"]
    assert coordinator["requests"] == 20
    assert coordinator["p50_ms"] == pytest.approx(10)
    assert coordinator["p95_ms"] == pytest.approx(10)  # the 19th of 20; the 20th is the slow one
    assert answer["labels"]["patient my record"]["errors"] == 2
    assert answer["labels"]["GP patient"] == {
        "requests": 0,
        "errors": 1,
        "error_kinds": ["500"],
        "rps": 0.0,
        "p50_ms": None,
        "p95_ms": None,
    }
    assert "raw" not in answer


def test_it_pools_runs_per_role_rather_than_averaging_their_percentiles() -> None:
    first = summarise({"GP home": [0.010] * 10, "GP SIC": [0.030] * 10}, {}, elapsed=1.0, raw=True)
    second = summarise(
        {"GP home": [0.100] * 20, "nurse home": [0.050] * 4},
        {"nurse home": ["302"]},
        elapsed=3.0,
        examples=["nurse home /mes-patients/ 302"],
        raw=True,
    )

    pooled = pool([first, second], group=lambda label: label.split(" ", 1)[0])

    gp = pooled["labels"]["GP"]
    assert gp["requests"] == 40
    assert gp["rps"] == 10.0  # 40 requests over the two runs' 4 seconds
    assert gp["p95_ms"] == pytest.approx(100)  # half of the GP's requests took 100 ms
    assert gp["p50_ms"] == pytest.approx(65)  # between the 20th (30 ms) and the 21st (100 ms)
    assert pooled["labels"]["nurse"]["errors"] == 1
    assert pooled["requests"] == 44
    assert pooled["errors"] == 1
    assert pooled["error_examples"] == ["nurse home /mes-patients/ 302"]


def test_a_plan_entry_carries_its_session_cookie() -> None:
    target = Target.from_json({"label": "GP home", "path": "/mes-patients/", "cookie": "s=1"})
    assert target == Target(path="/mes-patients/", label="GP home", headers={"Cookie": "s=1"})
    assert Target.from_json({"path": "/healthz/"}).headers == {}
