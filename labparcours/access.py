"""The access log: every read of a patient's data leaves a trace the patient can read."""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable, Iterable, Sequence
from typing import cast

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db.models import (
    BooleanField,
    DateTimeField,
    GenericIPAddressField,
    IntegerField,
    Model,
    QuerySet,
    Value,
)
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from labparcours.bulk import insert_rows, insert_select
from labparcours.models import AccessLogEntry, User

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as exc:
        raise ImproperlyConfigured(f"LABPARCOURS_TRUSTED_PROXIES: {exc}") from exc


def check_trusted_proxies(**kwargs: object) -> list[checks.CheckMessage]:
    """A mistyped LABPARCOURS_TRUSTED_PROXIES stops the start, not the first request."""
    try:
        _networks(tuple(settings.LABPARCOURS_TRUSTED_PROXIES))
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="labparcours.E001")]
    return []


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client, for the access log and the login rate limits.

    Neither gunicorn nor Django reads X-Forwarded-For: REMOTE_ADDR is whoever opened the
    connection. When that is a trusted reverse proxy (LABPARCOURS_TRUSTED_PROXIES), the
    client is the right-most X-Forwarded-For address that is not itself a trusted proxy:
    each proxy appends the address it was reached from, and anything to the left of the
    first untrusted one was written by the client, who may forge it. From any other
    address, X-Forwarded-For is ignored.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = _networks(tuple(settings.LABPARCOURS_TRUSTED_PROXIES))
    if remote is None or not trusted:
        return remote

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        return address is not None and any(address in network for network in trusted)

    if not is_trusted(_address(remote)):
        return remote
    client = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:  # garbled: nothing further left can be believed
            break
        client = str(address)
        if not is_trusted(address):
            break
    return client


def log_access(
    request: HttpRequest,
    patients: Model | Iterable[Model],
    what: str,
    *,
    listed: bool | None = None,
) -> None:
    """Record that `request.user` read `what` about each patient (one patient, or several).

    One patient is a read of their record; several (a page of a list, an export) are `listed`:
    each still gets its row, and the patient's own view of the log groups them. `listed`
    says it where the shape does not (an API list that shows one row, an admin change list).

    Under `AccessLogMiddleware` (every request the site serves), the reads wait for the
    answer and are written with the request's other reads in one query; elsewhere at once.
    """
    if listed is None:
        listed = not isinstance(patients, Model)
    items = [patients] if isinstance(patients, Model) else patients
    log_access_keys(request, [p.pk for p in items], what, listed=listed)


def log_access_keys(
    request: HttpRequest, patient_keys: Sequence[object], what: str, *, listed: bool
) -> None:
    """`log_access` for patients known by their keys only (a page of SICs names its
    patients by `patient_id`): the log reads nothing else of them."""
    if not patient_keys:
        return
    ip = client_ip(request)
    # Every caller is behind a login (a page, the API, the admin): the reader is a User.
    user = cast(User, request.user)
    now = timezone.now()
    entries = [(key, user.pk, now, what[:120], listed, ip) for key in patient_keys]
    pending = getattr(request, _PENDING, None)
    if pending is None:
        insert_rows(AccessLogEntry, _COLUMNS, entries)
    else:
        pending.extend(entries)


_PENDING = "_access_log_pending"
# An entry as `log_access` keeps it until it is written: the values of these fields.
_COLUMNS = ("patient", "user", "at", "what", "listed", "ip_address")


def log_access_query(request: HttpRequest, patient_ids: QuerySet, what: str) -> None:
    """Record that `request.user` read `what` about every patient whose id `patient_ids`
    (a queryset of `values_list(<patient id>, flat=True)`) holds, in one INSERT … SELECT,
    however many they are: an export of the whole programme is one query, and no list of
    ids travels through Python. Written at once: call it once the answer is sure to show
    the data (its input validated). Always a list read (`listed`)."""
    user = cast(User, request.user)
    # Each patient once: the patients whose id is among `patient_ids` (a semi-join), rather
    # than a DISTINCT over every row of `patient_ids` (a year of indemnity lines names each
    # patient sixteen times: sorting them all cost more than writing the log).
    patients = AccessLogEntry._meta.get_field("patient").related_model._base_manager
    rows = (
        patients.filter(pk__in=patient_ids.order_by())
        .order_by()
        .annotate(
            _user=Value(user.pk, output_field=IntegerField()),
            _at=Value(timezone.now(), output_field=DateTimeField()),
            _what=Value(what[:120]),
            _listed=Value(True, output_field=BooleanField()),
            _ip=Value(client_ip(request), output_field=GenericIPAddressField()),
        )
        .values_list("pk", "_user", "_at", "_what", "_listed", "_ip")
    )
    insert_select(AccessLogEntry, ("patient", "user", "at", "what", "listed", "ip_address"), rows)


def shown(status_code: int) -> bool:
    """Whether an answer showed what the view read: a success, a redirect after a write, or a
    form shown again with its errors (400). A refusal (401, 403, 404…) or an error shows
    nothing, even when the view fetched the patient before refusing."""
    return status_code <= 400


class AccessLogMiddleware:
    """Writes a request's reads once its answer is known, and only when it `shown` them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pending: list[tuple[object, ...]] = []
        setattr(request, _PENDING, pending)
        response = self.get_response(request)
        if pending and shown(response.status_code):
            insert_rows(AccessLogEntry, _COLUMNS, pending)
        return response
