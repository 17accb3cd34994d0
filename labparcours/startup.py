"""Checks made when a serving process starts (web server, Celery worker and beat)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    """Refuse to serve without a secret key: sessions, tokens and signatures depend on it.

    Django refuses an empty SECRET_KEY only when it is first read, in the middle of a request;
    reading it here makes the process stop at once, with a message that names the variable.
    """
    cause: ImproperlyConfigured | None = None
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured as exc:
        key, cause = "", exc
    if not key:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (see .env.example)."
        ) from cause
