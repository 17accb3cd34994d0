"""The indicators' figures are kept a few minutes per reader and filter set (aggregates over
the whole cohort, seconds at national scale): the page says since when, « Recalculer »
computes them again, another reader or another filter set never reads them, the funder's
report is always computed afresh."""

from __future__ import annotations

import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import World, client_for
from tests.programme.test_indicators_queries import grow


def _view(client, url: str = "/indicateurs/") -> tuple[object, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries.captured_queries)


def _denominator(response, key: str = "followup_7d") -> int:
    board = response.context["board"]
    return next(r for r in board.results if r.indicator.key == key).figure.denominator


def test_a_second_view_reads_the_figures_kept_and_says_since_when(world: World) -> None:
    grow(world, 30)
    client = client_for(world.coordinator)
    first, computing = _view(client)
    again, reading = _view(client)
    assert reading < computing - 20  # the aggregates are not run again
    assert _denominator(again) == _denominator(first) == 10
    assert again.context["board"].computed_at == first.context["board"].computed_at
    page = again.content.decode()
    assert "Chiffres calculés le" in page
    assert "gardés 10 minutes" in page
    assert "recalculer=1" in page


def test_figures_kept_are_computed_again_on_demand_and_once_their_time_is_up(
    world: World,
) -> None:
    grow(world, 30)
    client = client_for(world.coordinator)
    before, _ = _view(client)
    grow(world, 30)
    kept, _ = _view(client)
    assert _denominator(kept) == 10  # kept: the new patients are not counted yet
    fresh, computing = _view(client, "/indicateurs/?recalculer=1")
    assert _denominator(fresh) == 20
    assert computing > 20
    assert fresh.context["board"].computed_at > before.context["board"].computed_at
    grow(world, 30)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        later, _ = _view(client)
    assert _denominator(later) == 30


def test_another_reader_and_another_filter_set_compute_their_own(world: World) -> None:
    grow(world, 30)
    coordinator = client_for(world.coordinator)
    _view(coordinator)
    _, other_reader = _view(client_for(world.admin))
    _, other_filters = _view(coordinator, "/indicateurs/?parcours=ic")
    _, kept = _view(coordinator)
    assert other_reader > kept + 20
    assert other_filters > kept + 20


def test_the_funders_report_is_computed_afresh(world: World) -> None:
    grow(world, 30)
    client = client_for(world.coordinator)
    _view(client)
    grow(world, 30)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/indicateurs/rapport/?format=xlsx")
    assert response.status_code == 200
    assert len(queries.captured_queries) > 20
