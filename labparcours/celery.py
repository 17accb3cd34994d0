"""The Celery application: the worker runs tasks, beat runs the periodic sweeps."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labparcours.settings")

app = Celery("labparcours")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
