"""A reminder end to end: the sweep in this process queues it on the real Redis broker, a
real Celery worker process sends it and marks it sent in the (test) PostgreSQL database."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from labparcours.celery import app
from reminders.models import Notification, Reminder
from reminders.tasks import send_reminder_batch, sweep_reminders
from tests.conftest import World
from tests.factories import planned_sic
from tests.reminders.conftest import moment
from tests.scripts import load_script

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(needs_redis: str, needs_postgres: None, tmp_path: Path, monkeypatch):
    """A Celery worker on a queue of its own (no other worker of this machine takes our
    messages), with the file e-mail backend; always stopped."""
    queue = f"labparcours-test-{uuid.uuid4().hex[:10]}"
    mails = tmp_path / "mails"
    mails.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": needs_redis,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_BACKEND": "tests.reminders.mail_backend.EmailBackend",
        "EMAIL_FILE_PATH": str(mails),
        "DJANGO_SECRET_KEY": "end-to-end-test-only",
        "DJANGO_DEBUG": "0",
    }
    # The tests run tasks eagerly; this one publishes for real, on the worker's queue.
    monkeypatch.setattr(send_reminder_batch, "queue", queue, raising=False)
    monkeypatch.setattr(send_reminder_batch, "_exec_options", None)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "labparcours",
            "worker",
            "--queues",
            queue,
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield {"mails": mails, "log": tmp_path / "worker.log"}
    finally:
        app.conf.task_always_eager = eager
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        import redis

        redis.Redis.from_url(needs_redis).delete(
            queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
        )


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_reminder_goes_through_redis_and_a_real_worker(fresh_world: World, worker) -> None:
    world = fresh_world
    planned_sic(world.own, due=moment(-3).date())
    assert sweep_reminders() == 2  # queued after the commit, to Redis
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        # The worker logs the task's success after its rows and its e-mail are written: the
        # three are waited for (read at once, the log could still lack the last line).
        done = not Reminder.objects.unsent().exists() and any(worker["mails"].iterdir())
        if done and "succeeded" in worker["log"].read_text():
            break
        time.sleep(0.5)
    log = worker["log"].read_text()
    assert not Reminder.objects.unsent().exists(), log
    assert set(Reminder.objects.values_list("channel", flat=True)) == {"email"}
    assert Notification.objects.filter(user=world.coordinator).count() == 2
    (mail_file,) = list(worker["mails"].iterdir())
    sent = mail_file.read_text()
    assert f"To: {world.coordinator.email}" in sent
    assert world.own.last_name not in sent
    assert "send_reminder_batch" in log
    assert "succeeded" in log
    # The worker's container health check (docker-compose.yml) sees this worker answer.
    assert load_script("healthcheck").check_worker() == 0, log
