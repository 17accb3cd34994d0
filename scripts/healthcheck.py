"""Container health checks of docker-compose.yml: exit 0 when the service does its job.

    python scripts/healthcheck.py web [URL]   GET /healthz/ answers 2xx (default
                                              http://127.0.0.1:8000/healthz/)
    python scripts/healthcheck.py worker      this container's Celery worker answers a ping
                                              through the broker
    python scripts/healthcheck.py beat        some beat holds the scheduling lock in Redis
                                              (celery-redbeat): the schedule is being kept

The web check uses the standard library only (the image has no curl); its Host header is the
first entry of DJANGO_ALLOWED_HOSTS, since Django answers 400 to a host it does not serve.
"""

from __future__ import annotations

import os
import socket
import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8000/healthz/"


def host_header() -> str:
    hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0].lstrip(".") if hosts else ""
    return host if host and host != "*" else "localhost"


def check_web(url: str = DEFAULT_URL) -> int:
    request = urllib.request.Request(url, headers={"Host": host_header()})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            print(response.status, response.read(200).decode(errors="replace"))
            return 0
    except urllib.error.HTTPError as error:
        print(error.code, error.read(200).decode(errors="replace"), file=sys.stderr)
    except OSError as error:
        print(f"unreachable: {error}", file=sys.stderr)
    return 1


def _celery_app():  # type: ignore[no-untyped-def]
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from labparcours.celery import app

    return app


def check_worker() -> int:
    """The worker of this container (Celery names it celery@<hostname>) answers a ping."""
    name = f"celery@{socket.gethostname()}"
    replies = _celery_app().control.ping(destination=[name], timeout=5)
    if any(name in reply for reply in replies):
        print(f"{name}: pong")
        return 0
    print(f"{name}: no answer", file=sys.stderr)
    return 1


def check_beat() -> int:
    """The lock of celery-redbeat exists: a beat renews it while it schedules; the replicas
    waiting to take over are healthy as long as one of them holds it."""
    from redbeat.schedulers import RedBeatConfig, get_redis

    app = _celery_app()
    key = RedBeatConfig(app).lock_key
    if get_redis(app).exists(key):
        print(f"{key}: held")
        return 0
    print(f"{key}: no beat holds the lock", file=sys.stderr)
    return 1


def main(argv: list[str]) -> int:
    mode = argv[0] if argv else "web"
    if mode.startswith("http"):
        return check_web(mode)
    if mode == "web":
        return check_web(*argv[1:2])
    if mode == "worker":
        return check_worker()
    if mode == "beat":
        return check_beat()
    print(f"unknown check {mode!r}: web, worker or beat", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
