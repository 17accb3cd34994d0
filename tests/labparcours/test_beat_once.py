"""Beat runs once, however many beat processes start: with Redis, the schedule and a lock live
there (celery-redbeat), and only the beat holding the lock sends. Without Redis (`make run`),
the one beat keeps its schedule in a file. scripts/drill_reminders.py starts two beats at once
on a real Redis and counts the sweeps they sent."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labparcours.settings")
django.setup()
from labparcours.celery import app
conf = app.conf
found = {"scheduler": conf.beat_scheduler, "max_loop": conf.beat_max_loop_interval}
if "redbeat_redis_url" in conf:
    from redbeat.schedulers import RedBeatScheduler, ensure_conf
    redbeat = ensure_conf(app)
    found.update(
        redis=redbeat.redis_url,
        lock_key=redbeat.lock_key,
        lock_timeout=redbeat.lock_timeout,
        options=redbeat.redbeat_redis_options,
        lock_of_a_scheduler=RedBeatScheduler(app, lazy=True).lock_timeout,
    )
print(json.dumps(found))
"""


def beat_settings(tmp_path: Path, **env: str) -> dict:
    """The Celery configuration a beat process would read, with these variables."""
    base = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL"}}
    result = subprocess.run(  # noqa: S603 — our own interpreter and code
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**base, "LABPARCOURS_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "RedBeat will stop falling back" not in result.stderr, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_redis_the_beat_scheduler_is_redbeat_with_its_lock(tmp_path: Path) -> None:
    found = beat_settings(tmp_path, REDIS_URL="redis://127.0.0.1:6399/3")
    assert found["scheduler"] == "redbeat.RedBeatScheduler"
    assert found["redis"] == "redis://127.0.0.1:6399/3"
    assert found["lock_key"] == "labparcours:beat::lock"
    # A beat that died is replaced within the lock's timeout; the holder extends it on every
    # pass, five of which fit in it.
    assert found["lock_timeout"] == found["lock_of_a_scheduler"] == 150
    assert found["max_loop"] * 5 == found["lock_timeout"]
    # Bounded, as the broker's: a beat never hangs on a Redis that does not answer.
    assert found["options"] == {"socket_connect_timeout": 2, "socket_timeout": 5}


def test_the_lock_timeout_is_set_by_the_environment(tmp_path: Path) -> None:
    found = beat_settings(
        tmp_path, REDIS_URL="redis://127.0.0.1:6399/3", LABPARCOURS_BEAT_LOCK_SECONDS="20"
    )
    assert (found["lock_timeout"], found["max_loop"]) == (20, 4)


def test_without_redis_the_one_beat_keeps_the_default_scheduler(tmp_path: Path) -> None:
    found = beat_settings(tmp_path)
    assert found["scheduler"] == "celery.beat:PersistentScheduler"
    assert "lock_key" not in found
