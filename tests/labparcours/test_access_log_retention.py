"""The access log is a ledger: nobody changes or deletes a read, whatever the door, except the
retention purge, which deletes only what is past the retention and says what it did."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from labparcours.ledger import LedgerIsAppendOnly
from labparcours.models import AccessLogEntry, AccessLogPurge
from labparcours.retention import PURGE_FLAG, access_log_purge, check_retention
from tests.conftest import World

pytestmark = pytest.mark.django_db


def read(world: World, *, days_ago: int) -> AccessLogEntry:
    return AccessLogEntry.objects.create(
        patient=world.own,
        user=world.gp,
        what="patient",
        at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def test_it_refuses_to_change_or_delete_a_read_through_the_orm(world: World) -> None:
    entry = read(world, days_ago=1)
    entry.what = "nothing"
    with pytest.raises(LedgerIsAppendOnly):
        entry.save()
    with pytest.raises(LedgerIsAppendOnly):
        entry.delete()
    with pytest.raises(LedgerIsAppendOnly):
        AccessLogEntry.objects.filter(pk=entry.pk).update(what="nothing")
    with pytest.raises(LedgerIsAppendOnly):
        AccessLogEntry.objects.filter(pk=entry.pk).delete()
    assert AccessLogEntry.objects.get(pk=entry.pk).what == "patient"


def test_the_purge_deletes_only_reads_past_the_retention_and_records_it(
    world: World, settings
) -> None:
    settings.LABPARCOURS_ACCESS_LOG_RETENTION_DAYS = 200
    old = [read(world, days_ago=201), read(world, days_ago=400)]
    kept = [read(world, days_ago=199), read(world, days_ago=0)]
    purge = access_log_purge()
    assert purge.deleted == 2
    assert not AccessLogEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AccessLogEntry.objects.filter(pk__in=[e.pk for e in kept]).count() == 2
    assert AccessLogPurge.objects.get().cutoff == purge.cutoff
    assert (timezone.now() - purge.cutoff).days == 200


def test_the_purge_never_goes_below_six_months(world: World, settings) -> None:
    settings.LABPARCOURS_ACCESS_LOG_RETENTION_DAYS = 30  # refused at start-up, and here too
    entry = read(world, days_ago=100)
    assert access_log_purge().deleted == 0
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()
    assert [error.id for error in check_retention()] == ["labparcours.E010"]


def test_the_command_says_what_it_purged(world: World, capsys) -> None:
    read(world, days_ago=365)
    call_command("purge_access_log")
    assert "1 access-log rows deleted" in capsys.readouterr().out
    assert AccessLogPurge.objects.get().deleted == 1


def _sql(*statements: tuple[str, list[object]]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for statement, params in statements:
            cursor.execute(statement, params)


@pytest.mark.owner
def test_postgresql_refuses_an_update_or_a_delete_in_sql(needs_postgres, world: World) -> None:
    entry = read(world, days_ago=400)
    table = AccessLogEntry._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"):
        _sql((f"UPDATE {table} SET what = 'nothing' WHERE id = %s", [entry.pk]))  # noqa: S608
    with pytest.raises(DatabaseError, match="append-only"):
        _sql((f"DELETE FROM {table} WHERE id = %s", [entry.pk]))  # noqa: S608
    assert AccessLogEntry.objects.get(pk=entry.pk).what == "patient"


def test_postgresql_lets_the_purge_delete_old_reads_only(needs_postgres, world: World) -> None:
    old, young = read(world, days_ago=400), read(world, days_ago=100)
    table = AccessLogEntry._meta.db_table
    purging = ("SELECT set_config(%s, 'on', true)", [PURGE_FLAG])
    _sql(purging, (f"DELETE FROM {table} WHERE id = %s", [old.pk]))  # noqa: S608
    with pytest.raises(DatabaseError, match="append-only"):
        _sql(purging, (f"DELETE FROM {table} WHERE id = %s", [young.pk]))  # noqa: S608
    assert list(AccessLogEntry.objects.filter(pk__in=[old.pk, young.pk])) == [young]


@pytest.mark.parametrize("path", ["/patients/{pk}/", "/api/v1/patients/{pk}/"])
def test_a_read_whose_trace_cannot_be_written_is_not_served(
    world: World, monkeypatch, path: str
) -> None:
    from django.test import Client

    def fail(*args: object, **kwargs: object) -> None:
        raise DatabaseError("the access log is unreachable")

    client = Client(raise_request_exception=False)
    client.force_login(world.gp)
    assert client.get(path.format(pk=world.own.pk), secure=True).status_code == 200
    monkeypatch.setattr("labparcours.access.insert_rows", fail)
    response = client.get(path.format(pk=world.own.pk), secure=True)
    assert response.status_code == 500
    assert world.own.last_name not in response.content.decode()
