from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from labparcours.celery import app as celery_app
from labparcours.http import AuthenticatedHttpRequest
from labparcours.roles import HOME_URL_NAME


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return redirect(HOME_URL_NAME.get(request.user.role, "account_logout"))


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "unreachable"
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # any failure means "unreachable"
        return False
    return True


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """State of the database and the broker, and nothing else about the installation.

    503 when the database is down (the application cannot serve); a broker outage only
    degrades it: reminders wait in the ledger until the broker is back.
    """
    database, broker = _database_ok(), _broker_ok()
    status = "ok" if database and broker else ("degraded" if database else "error")
    return JsonResponse(
        {
            "status": status,
            "database": "ok" if database else "error",
            "broker": "ok" if broker else "error",
        },
        status=200 if database else 503,
    )
