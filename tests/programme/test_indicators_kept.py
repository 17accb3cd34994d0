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


def test_the_programme_staff_share_the_figures_kept_and_another_filter_set_computes_its_own(
    world: World,
) -> None:
    grow(world, 30)
    coordinator = client_for(world.coordinator)
    _, computing = _view(coordinator)
    # The admin sees the same whole programme: the coordinator's figures serve her too.
    shared, other_reader = _view(client_for(world.admin))
    assert other_reader < computing - 20
    assert _denominator(shared) == 10
    _, other_filters = _view(coordinator, "/indicateurs/?parcours=ic")
    _, kept = _view(coordinator)
    assert other_filters > kept + 20


def test_the_default_view_is_computed_ahead_each_hour_and_read_by_its_first_reader(
    world: World, settings
) -> None:
    from programme.tasks import warm_indicators

    grow(world, 30)
    assert warm_indicators.delay().get() is True
    first, reading = _view(client_for(world.coordinator))
    assert reading < 20  # the first reader of the hour reads the figures ready
    assert _denominator(first) == 10
    page = first.content.decode()
    assert "ceux de cette période sont calculés chaque heure" in page
    assert "recalculer=1" in page
    # Kept until the next run, beyond the readers' ten minutes (within the day: at midnight
    # the default period moves, and the next run computes the new one).
    now = timezone.localtime()
    midnight = datetime.datetime.combine(now.date() + datetime.timedelta(days=1), datetime.time())
    until_midnight = timezone.make_aware(midnight) - now - datetime.timedelta(seconds=30)
    with time_machine.travel(now + min(datetime.timedelta(minutes=59), until_midnight)):
        _, later = _view(client_for(world.admin))
    assert later < 20
    # Another filter set is computed at its reader's request, as before.
    _, filtered = _view(client_for(world.coordinator), "/indicateurs/?parcours=ic")
    assert filtered > 20
    assert "indicators-warm" in settings.CELERY_BEAT_SCHEDULE


def test_without_a_staff_account_there_is_nothing_to_compute_ahead(db) -> None:
    from programme.tasks import warm_indicators

    assert warm_indicators() is False


def test_the_funders_report_is_computed_afresh(world: World) -> None:
    grow(world, 30)
    client = client_for(world.coordinator)
    _view(client)
    grow(world, 30)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/indicateurs/rapport/?format=xlsx")
    assert response.status_code == 200
    assert len(queries.captured_queries) > 20
