"""The Celery application: the worker runs tasks, beat runs the periodic sweeps."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labparcours.settings")

app = Celery("labparcours")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _name_the_redbeat_settings(sender: Celery, **kwargs: object) -> None:
    """celery-redbeat reads its settings (CELERY_REDBEAT_* in settings.py) through the
    namespace, but checks by their bare names that they were set: without these it falls back
    to the broker's URL and options with a warning (and, it says, will stop reading them)."""
    for name in ("redbeat_redis_url", "redbeat_redis_options"):
        if name in sender.conf:
            sender.conf[name] = sender.conf[name]


@worker_init.connect
@beat_init.connect
def _refuse_to_start_without_a_secret_key(**kwargs: object) -> None:
    from labparcours.startup import require_secret_key

    require_secret_key()


def ensure_broker_folders() -> None:
    """The embedded file-system broker needs its folders before the first message."""
    if not str(app.conf.broker_url).startswith("filesystem"):
        return
    options = app.conf.broker_transport_options
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
