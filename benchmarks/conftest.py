"""The benchmark reuses the test suite's settings and fixtures, and writes the harness's rows
(`bench/results.json`, `BENCHMARKS.md`) when the session ends."""

from __future__ import annotations

import pytest

from benchmarks import harness

pytest_plugins = ["tests.conftest"]


@pytest.fixture(scope="session", autouse=True)
def _write_results(django_db_setup, django_db_blocker):
    yield
    if harness.ROWS:
        with django_db_blocker.unblock():
            where = harness.context()
        harness.write(harness.ROWS, where, harness.RESULTS_JSON, harness.RESULTS_MD)
        print(f"\nbenchmark rows written to {harness.RESULTS_JSON} and {harness.RESULTS_MD}")
