"""Gunicorn settings for the `web` container: `gunicorn -c gunicorn.conf.py`.

The access log never contains a query string, a referrer or a user agent: query strings may
carry search terms about patients, and referrers carry the query strings of other pages.
"""

import logging
import os
import re

wsgi_app = "labparcours.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# PDF rendering (WeasyPrint) may take a few seconds; anything beyond this is a bug.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak never grows into an outage.
max_requests = 1000
max_requests_jitter = 100
# Heartbeat files in memory rather than on the container's overlay file system.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# No runtime control socket (gunicorn >= 25): nothing uses it, and it needs a writable home.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Remote address, time, method, PATH ONLY (%(U)s, never %(r)s or %(q)s), protocol, status,
# response size, duration in ms. The remote address is the connection's, the reverse proxy's
# behind one: gunicorn does not read X-Forwarded-For. The application resolves the client's
# address itself, from trusted proxies only (labparcours.access.client_ip).
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

_QUERY = re.compile(r"(/[^\s\"?]*)\?\S*")


class _StripQueryString(logging.Filter):
    """Gunicorn's error log names the request URI on a crash: keep its path only."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = ()
        if isinstance(record.msg, str) and "?" in record.msg:
            record.msg = _QUERY.sub(r"\1?…", record.msg)
        return True


def post_fork(server, worker):
    logging.getLogger("gunicorn.error").addFilter(_StripQueryString())
