"""With the broker down, saving still works and no request waits long on it: reminders wait in
the ledger for the next sweep, a SIC's invitations are sent by the request itself."""

from __future__ import annotations

import time
from contextlib import contextmanager

import pytest
from django.core import mail
from kombu.exceptions import OperationalError

from careplans.services import careplan_propose
from labparcours.celery import app
from reminders.models import Reminder
from reminders.sweep import reminders_sweep
from sic.models import SicStatus
from sic.services import sic_ensure_planned, sic_schedule
from tests.conftest import World, soon
from tests.factories import make_plan

pytestmark = pytest.mark.django_db


def refuse(*args: object, **kwargs: object) -> None:
    raise OperationalError("Error 111 connecting to the broker. Connection refused.")


@contextmanager
def dead_broker():
    """The Celery app pointed at a port where nothing listens, tasks no longer eager; then
    the app as it was (its settings read from Django's again, its connection pools back)."""
    pools = app._pool, app.amqp._producer_pool
    app.conf.broker_url, app.conf.task_always_eager = "redis://127.0.0.1:9/0", False
    app._pool = app.amqp._producer_pool = None  # new connections, to the dead address
    try:
        yield
    finally:
        for key in ("broker_url", "task_always_eager"):
            app.conf.changes.pop(key, None)
        app._pool, app.amqp._producer_pool = pools


def test_publishing_to_a_dead_broker_fails_fast() -> None:
    from reminders.tasks import send_reminder_batch

    with dead_broker():
        start = time.perf_counter()
        with pytest.raises(OperationalError):
            send_reminder_batch.delay([1])
        assert time.perf_counter() - start < 5
    assert app.conf.task_always_eager  # the tests' setting again, for the next tests


def test_a_sic_is_scheduled_and_its_invitations_sent_without_the_broker(
    world: World, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr("sic.tasks.send_sic_invitations.delay", refuse)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sic = sic_schedule(sic=sic_ensure_planned(patient=world.own), at=soon(10, 14))
    sic.refresh_from_db()
    assert sic.status == SicStatus.SCHEDULED
    invited = {address for message in mail.outbox for address in message.to}
    assert world.gp.email in invited
    assert all(message.attachments for message in mail.outbox)  # the calendar file


def test_reminders_wait_in_the_ledger_and_leave_with_the_next_sweep(
    world: World, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    plan = make_plan(world)
    monkeypatch.setattr("reminders.tasks.send_reminder_batch.delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        careplan_propose(plan=plan, by=world.coordinator)
    plan.refresh_from_db()
    assert plan.status == "proposed"
    waiting = Reminder.objects.filter(kind="plan_proposed", sent_at__isnull=True)
    assert waiting.exists()
    monkeypatch.undo()  # the broker is back
    mail.outbox.clear()
    reminders_sweep(inline=True)
    assert not waiting.exists()
    assert world.patient_user.email in {a for m in mail.outbox for a in m.to}


def test_with_redis_the_cache_is_bounded_as_the_broker(tmp_path) -> None:
    """Redis is the cache too (rate limits, the dashboard's figures): a Redis that does not
    answer fails those requests in seconds rather than holding them."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    probe = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.CACHES['default'].get('OPTIONS')))"
    )
    result = subprocess.run(  # noqa: S603 — our own interpreter and code
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parents[2],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "labparcours.settings",
            "LABPARCOURS_VAR_DIR": str(tmp_path),
            "REDIS_URL": "redis://127.0.0.1:6399/3",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    options = json.loads(result.stdout.strip().splitlines()[-1])
    assert options == {"socket_connect_timeout": 2, "socket_timeout": 5}
