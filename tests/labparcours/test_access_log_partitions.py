"""On PostgreSQL the access log is partitioned by month (UTC): a read lands in its month's
partition, or in the default one when its month has none; the upkeep makes the coming months
ready; the purge drops the months wholly past the retention and deletes the rest row by row;
the append-only guard holds on every partition."""

from __future__ import annotations

import contextlib
import datetime
import logging
from collections.abc import Iterator

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from labparcours import partitions
from labparcours.models import AccessLogEntry, AccessLogPurge
from labparcours.paging import _estimated_rows
from labparcours.partitions import (
    MONTHS_AHEAD,
    Partition,
    access_log_partitions,
    add_months,
    ensure_access_log_partitions,
    month_of,
    month_start,
)
from labparcours.retention import PURGE_FLAG, access_log_purge
from tests.conftest import World

pytestmark = pytest.mark.django_db

TABLE = AccessLogEntry._meta.db_table
DEFAULT = f"{TABLE}_default"
DAY = datetime.timedelta(days=1)


def read(world: World, at: datetime.datetime) -> AccessLogEntry:
    return AccessLogEntry.objects.create(patient=world.own, user=world.gp, what="patient", at=at)


def sql(statement: str, params: list[object] | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def partition_of(entry: AccessLogEntry) -> str:
    [(name,)] = sql(f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s", [entry.pk])  # noqa: S608
    return name


def add_month(month: datetime.date) -> None:
    sql("SELECT labparcours_accesslogentry_add_month(%s)", [month])


def this_month() -> datetime.date:
    return month_of(timezone.now())


def test_it_counts_months_in_utc() -> None:
    assert add_months(datetime.date(2026, 11, 1), 2) == datetime.date(2027, 1, 1)
    assert add_months(datetime.date(2026, 1, 1), -1) == datetime.date(2025, 12, 1)
    paris_new_year = datetime.datetime(2027, 1, 1, 0, 30, tzinfo=datetime.timezone(DAY / 24))
    assert month_of(paris_new_year) == datetime.date(2026, 12, 1)
    assert Partition(datetime.date(2026, 12, 1)).end == month_start(datetime.date(2027, 1, 1))


def test_the_table_is_partitioned_by_month_with_a_default_partition(needs_postgres) -> None:
    assert sql("SELECT pg_get_partkeydef(%s::regclass)", [TABLE]) == [("RANGE (at)",)]
    assert sql(
        "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE oid = %s::regclass", [DEFAULT]
    ) == [("DEFAULT",)]
    ensure_access_log_partitions()
    months = [p.month for p in access_log_partitions()]
    assert this_month() in months
    assert add_months(this_month(), MONTHS_AHEAD) in months
    assert sql(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'p'",
        [TABLE],
    ) == [("PRIMARY KEY (id, at)",)]


def test_a_read_of_this_month_lands_in_its_partition(needs_postgres, world: World) -> None:
    ensure_access_log_partitions()
    entry = read(world, timezone.now())
    assert partition_of(entry) == Partition(this_month()).name
    assert AccessLogEntry.objects.get(pk=entry.pk).what == "patient"


def test_a_read_in_1990_lands_in_the_default_partition(needs_postgres, world: World) -> None:
    entry = read(world, datetime.datetime(1990, 5, 17, 10, tzinfo=datetime.UTC))
    assert partition_of(entry) == DEFAULT
    later = read(world, timezone.now())
    assert later.pk > entry.pk  # one sequence for every partition


def test_the_upkeep_creates_the_coming_months_once(needs_postgres) -> None:
    ahead = MONTHS_AHEAD + 3
    wanted = [add_months(this_month(), n) for n in range(ahead + 1)]
    missing = sorted(set(wanted) - {p.month for p in access_log_partitions()})
    assert wanted[-1] in missing
    assert ensure_access_log_partitions(months_ahead=ahead) == missing
    assert set(wanted) <= {p.month for p in access_log_partitions()}
    assert ensure_access_log_partitions(months_ahead=ahead) == []


def test_the_upkeep_makes_past_months_ready_for_back_dated_reads(needs_postgres) -> None:
    since = timezone.now() - 100 * DAY
    ensure_access_log_partitions(since=since)
    months = {p.month for p in access_log_partitions()}
    assert {add_months(month_of(since), n) for n in range(4)} <= months
    assert add_months(this_month(), MONTHS_AHEAD) in months


def test_the_upkeep_leaves_a_month_the_default_partition_holds_there(
    needs_postgres, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    far = add_months(this_month(), MONTHS_AHEAD + 5)
    early = read(world, month_start(far) + 3 * DAY)
    assert partition_of(early) == DEFAULT
    with caplog.at_level(logging.WARNING, logger="labparcours.partitions"):
        created = ensure_access_log_partitions(months_ahead=MONTHS_AHEAD + 6)
    assert far not in created
    assert add_months(far, 1) in created
    assert f"default partition holds rows of {far:%Y-%m}" in caplog.text
    assert partition_of(early) == DEFAULT


def test_the_purge_drops_old_months_whole_and_deletes_the_boundary_rows(
    needs_postgres, world: World, settings
) -> None:
    settings.LABPARCOURS_ACCESS_LOG_RETENTION_DAYS = 200
    now = timezone.now()
    cutoff = now - 200 * DAY
    boundary = month_of(cutoff)
    old = [add_months(boundary, -n) for n in (3, 2, 1)]
    for n in range(-3, 8):
        add_month(add_months(boundary, n))
    dropped = [read(world, month_start(month) + 10 * DAY) for month in old for _ in range(2)]
    dropped += [
        read(world, month_start(boundary) + (cutoff - month_start(boundary)) / 2),
        read(world, datetime.datetime(1990, 5, 17, 10, tzinfo=datetime.UTC)),
    ]
    kept = [read(world, cutoff + DAY), read(world, now - 179 * DAY), read(world, now)]
    assert partition_of(dropped[0]) == Partition(old[0]).name

    purge = access_log_purge()

    assert purge.deleted == len(dropped) == 8
    assert AccessLogPurge.objects.get().deleted == 8
    assert not AccessLogEntry.objects.filter(pk__in=[e.pk for e in dropped]).exists()
    assert AccessLogEntry.objects.filter(pk__in=[e.pk for e in kept]).count() == len(kept)
    months = {p.month for p in access_log_partitions()}
    assert not months & set(old)
    assert boundary in months


def test_the_purge_never_drops_a_month_younger_than_the_floor(needs_postgres, world: World) -> None:
    month = month_of(timezone.now() - 182 * DAY)
    add_month(month)
    young = read(world, timezone.now() - 182 * DAY)
    assert access_log_purge().deleted == 0
    assert AccessLogEntry.objects.filter(pk=young.pk).exists()
    assert month in {p.month for p in access_log_partitions()}


def _in_transaction(*statements: tuple[str, list[object]]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for statement, params in statements:
            cursor.execute(statement, params)


def test_postgresql_drops_a_month_only_for_the_purge_and_only_past_the_floor(
    needs_postgres,
) -> None:
    old = month_of(timezone.now() - 400 * DAY)
    add_month(old)
    drop = ("SELECT labparcours_accesslogentry_drop_month(%s)", [old])
    with pytest.raises(DatabaseError, match="only the retention purge"):
        _in_transaction(drop)
    purging = ("SELECT set_config(%s, 'on', true)", [PURGE_FLAG])
    young = ("SELECT labparcours_accesslogentry_drop_month(%s)", [this_month()])
    with pytest.raises(DatabaseError, match="older than 180 days"):
        _in_transaction(purging, young)
    assert this_month() in {p.month for p in access_log_partitions()}
    _in_transaction(purging, drop)
    assert old not in {p.month for p in access_log_partitions()}


@pytest.mark.owner
@pytest.mark.parametrize("where", ["partition", "default partition", "table"])
def test_postgresql_refuses_an_update_or_a_delete_in_every_partition(
    needs_postgres, world: World, where: str
) -> None:
    ensure_access_log_partitions()
    at = datetime.datetime(1990, 5, 17, tzinfo=datetime.UTC) if "default" in where else None
    entry = read(world, at or timezone.now())
    table = {"table": TABLE}.get(where, partition_of(entry))
    purging = ("SELECT set_config(%s, 'on', true)", [PURGE_FLAG])
    update = (f"UPDATE {table} SET what = 'nothing' WHERE id = %s", [entry.pk])  # noqa: S608
    delete = (f"DELETE FROM {table} WHERE id = %s", [entry.pk])  # noqa: S608
    with pytest.raises(DatabaseError, match="append-only"):
        _in_transaction(update)
    with pytest.raises(DatabaseError, match="append-only"):
        _in_transaction(delete)
    if at is None:  # a read of today: the purge itself may not delete it
        with pytest.raises(DatabaseError, match="append-only"):
            _in_transaction(purging, delete)
    assert AccessLogEntry.objects.get(pk=entry.pk).what == "patient"


@contextlib.contextmanager
def busy_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Another session reading the access log, in a transaction it keeps open: no partition
    can be created nor dropped until it ends (waited for 0.1 s, here)."""
    import psycopg2

    monkeypatch.setattr(partitions, "LOCK_TIMEOUT", "100ms")
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
        yield
    finally:
        other.close()


def test_the_upkeep_leaves_the_coming_months_to_the_next_night_when_the_table_is_busy(
    needs_postgres, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with busy_table(monkeypatch), caplog.at_level(logging.WARNING, "labparcours.partitions"):
        assert ensure_access_log_partitions(months_ahead=MONTHS_AHEAD + 2) == []
    assert "the table stayed busy" in caplog.text


def test_the_purge_leaves_an_old_month_to_the_next_night_when_the_table_is_busy(
    needs_postgres,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The month is created in this test's transaction, which then holds the table's lock: the
    # lock timeout itself is the upkeep's test above; here, what the purge does with it.
    old = month_of(timezone.now() - 400 * DAY)
    add_month(old)
    entry = read(world, month_start(old) + 10 * DAY)
    briefly = partitions._briefly

    def busy(sql: str, params: list[object]) -> object:
        if "drop_month" in sql:
            raise partitions._LockTimeout
        return briefly(sql, params)

    monkeypatch.setattr(partitions, "_briefly", busy)
    with caplog.at_level(logging.WARNING, "labparcours.partitions"):
        assert access_log_purge().deleted == 0
    assert f"{old:%Y-%m} is left for the next purge" in caplog.text
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()
    assert old in {p.month for p in access_log_partitions()}


@pytest.mark.owner
def test_the_admins_estimate_of_the_log_adds_up_its_partitions(
    needs_postgres, world: World
) -> None:
    ensure_access_log_partitions()
    for _ in range(3):
        read(world, timezone.now())
    read(world, datetime.datetime(1990, 5, 17, tzinfo=datetime.UTC))
    # Autovacuum analyses the partitions, never the partitioned table itself.
    for (name,) in sql("SELECT relid::text FROM pg_partition_tree(%s) WHERE isleaf", [TABLE]):
        sql(f"ANALYZE {name}")
    assert _estimated_rows(AccessLogEntry.objects.all()) == AccessLogEntry.objects.count() >= 4


def test_each_read_logged_writes_one_index_on_the_patient(needs_postgres) -> None:
    """The (patient, -at) index serves every lookup by patient; no index of the patient alone
    is written besides it, on the table or on any of its months."""
    on_patient = sql(
        "SELECT indexdef FROM pg_indexes WHERE tablename LIKE 'labparcours_accesslogentry%%'"
        " AND indexdef LIKE '%%(patient_id%%'"
    )
    assert on_patient
    assert all("(patient_id, at DESC)" in indexdef for (indexdef,) in on_patient)
