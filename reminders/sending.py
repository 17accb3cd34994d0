"""Sending reminders: in-app notifications, e-mails and the daily digest.

A sending task claims its ledger rows with a conditional update, so that two workers never
send the same row; then, per recipient and per their preference, it creates the in-app
notification, and sends one e-mail (or leaves the rows for the daily digest). Each e-mail's
rows are marked sent as soon as the mail server has accepted it, with one UPDATE conditional
on the claim: the queries of a batch grow with its e-mails (one per recipient), not with its
reminders. A failed e-mail leaves its rows unsent, with a retry time, for a later sweep (the
failures of a batch written together, one UPDATE per attempt count and error).

At least once: a worker killed between the mail server's acceptance of an e-mail and that
UPDATE leaves the e-mail's rows claimed and unsent; once the claim expires
(`LABPARCOURS_REMINDER_CLAIM_MINUTES`) a sweep sends that one e-mail again. The rows of the
e-mails already accepted are marked sent, the rest are sent once: a kill costs at most the
e-mail in flight in each worker process, never a lost reminder (`scripts/drill_reminders.py`).

E-mails carry the patient's initials and a link to the page to act on, never health details.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import DateTimeField, F, Value
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from labparcours.bulk import insert_select
from labparcours.mail import render_text
from labparcours.models import User
from reminders import registry
from reminders.models import Channel, Notification, NotificationPreference, Reminder

logger = logging.getLogger(__name__)


# --- What a reminder says ------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """A reminder in words: a title, a sentence, the page to act on (and a video link)."""

    title: str
    text: str
    link: str
    video_url: str = ""

    @property
    def url(self) -> str:
        return settings.SITE_URL + self.link


def message_for(reminder: Reminder, *, name: str = "") -> Message:
    """The words of a reminder, in the active language, from its kind in the registry: the
    patient's initials, or `name` instead where it may be read (the bell of a reader in the
    patient's scope; never an e-mail); to the patient themself, the kind's own words
    (« Your care plan… »)."""
    kind = registry.kind(reminder.kind)
    video_url = reminder.context.get("video_url", "")
    if kind.own_text is not None and reminder.recipient_id == reminder.patient.user_id:
        title = str(kind.own_title or kind.title)
        return Message(title, kind.own_text(reminder.context), reminder.link, video_url)
    who = name or reminder.patient.initials
    return Message(
        title=str(kind.title) % {"initials": who},
        text=kind.text(reminder.context, who),
        link=reminder.link,
        video_url=video_url,
    )


def reminder_email(
    recipient: User, reminders: list[Reminder], *, digest: bool = False
) -> EmailMultiAlternatives:
    """One e-mail for one recipient: a single reminder, or a list (several due at once, or
    the daily digest). French, plain text and HTML."""
    with translation.override(settings.LANGUAGE_CODE):
        messages = [message_for(reminder) for reminder in reminders]
        if digest:
            subject = _("[Lab Parcours] Your daily digest: %(count)s reminders") % {
                "count": len(messages)
            }
        elif len(messages) == 1:
            subject = "[Lab Parcours] " + messages[0].title
        else:
            subject = _("[Lab Parcours] %(count)s reminders") % {"count": len(messages)}
        context = {
            "messages": messages,
            "digest": digest,
            "preferences_url": settings.SITE_URL + reverse("notification_preferences"),
            "notifications_url": settings.SITE_URL + reverse("notifications"),
        }
        text = render_text("emails/reminder.txt", context)
        html = render_to_string("emails/reminder.html", context)
    email = EmailMultiAlternatives(subject, text, to=[recipient.email])
    email.attach_alternative(html, "text/html")
    return email


# --- Sending -------------------------------------------------------------------------------


@dataclass
class SendReport:
    sent: int = 0  # rows marked sent (e-mail or in-app only)
    digest: int = 0  # rows kept for the daily digest
    failed: int = 0  # rows whose e-mail failed; retried by a later sweep
    taken_elsewhere: int = 0  # rows another worker had claimed, or already sent


def channel_for(preferences: dict[tuple[int, str], str], reminder: Reminder) -> str:
    """The recipient's choice for the kind (e-mail at once without one); the bell only for a
    kind whose e-mail is sent otherwise."""
    if not registry.kind(reminder.kind).by_email:
        return Channel.IN_APP
    return preferences.get((reminder.recipient_id, reminder.kind), Channel.EMAIL)


def reminders_send(reminder_ids: Iterable[int]) -> SendReport:
    """Claim these rows, then notify in the app and e-mail each recipient per their choice."""
    ids = list(reminder_ids)
    now = timezone.now()
    token = Reminder.objects.sendable(now).filter(pk__in=ids).claim(now)
    if token is None:
        return SendReport(taken_elsewhere=len(ids))
    rows, recipients = _claimed(token, "recipient_id", "created_at", "pk")
    report = SendReport(taken_elsewhere=len(ids) - len(rows))
    _notify_in_app(token, now)
    preferences = NotificationPreference.objects.channels({r.recipient_id for r in rows})
    by_channel: dict[str, list[Reminder]] = {
        Channel.EMAIL: [],
        Channel.IN_APP: [],
        Channel.DIGEST: [],
    }
    for row in rows:
        by_channel[channel_for(preferences, row)].append(row)
    report.sent += Reminder.objects.filter(
        pk__in=[r.pk for r in by_channel[Channel.IN_APP]], claim_token=token
    ).update(sent_at=now, channel=Channel.IN_APP)
    report.digest += Reminder.objects.filter(
        pk__in=[r.pk for r in by_channel[Channel.DIGEST]], claim_token=token
    ).update(channel=Channel.DIGEST, claimed_at=None, claim_token=None)
    sent, report.failed = _email(by_channel[Channel.EMAIL], recipients, token=token, digest=False)
    report.sent += sent
    return report


# What a reminder's message and its sending read of a row (`message_for`, `_failed`): the
# patient's initials and account, not their record.
_MESSAGE_FIELDS = (
    "kind",
    "recipient_id",
    "link",
    "context",
    "attempts",
    "patient__first_name",
    "patient__last_name",
    "patient__user_id",
)


def _claimed(token: uuid.UUID, *ordering: str) -> tuple[list[Reminder], dict[int, User]]:
    """The rows claimed with `token`, and their recipients, each read once rather than joined
    to each of their rows: two queries, whatever the rows."""
    rows = list(
        Reminder.objects.filter(claim_token=token)
        .select_related("patient")
        .only(*_MESSAGE_FIELDS)
        .order_by(*ordering)
    )
    return rows, User.objects.in_bulk({row.recipient_id for row in rows})


def _notify_in_app(token: uuid.UUID, now: datetime.datetime) -> None:
    """A notification for each row claimed with `token`, written by the database (a row
    notified at an earlier attempt keeps its notification)."""
    # In the rows' order (their ids, and the bell's order among notifications of one
    # moment, follow the reminders'), not the ledger's default order.
    rows = (
        Reminder.objects.filter(claim_token=token)
        .order_by("recipient_id", "created_at", "pk")
        .values_list("recipient_id", "pk", Value(now, output_field=DateTimeField()))
    )
    insert_select(Notification, ("user", "reminder", "created_at"), rows, ignore_conflicts=True)


def _email(
    rows: list[Reminder], recipients: dict[int, User], *, token: uuid.UUID, digest: bool
) -> tuple[int, int]:
    """One e-mail per recipient (the rows come ordered by recipient), each marked sent at once
    (one UPDATE per e-mail); then the failures released together. (rows marked sent, rows
    failed)."""
    sent = 0
    failed: list[tuple[list[Reminder], Exception]] = []
    channel = Channel.DIGEST if digest else Channel.EMAIL
    connection = get_connection()
    _open(connection)
    try:
        for recipient_id, rows_of_one in groupby(rows, key=lambda r: r.recipient_id):
            group = list(rows_of_one)
            error = _send(recipients[recipient_id], group, connection=connection, digest=digest)
            if error is not None:
                failed.append((group, error))
                continue
            # Accepted by the mail server: marked before the next e-mail, so that a worker
            # killed now sends this one again at most, not the whole batch.
            sent += Reminder.objects.filter(pk__in=[r.pk for r in group], claim_token=token).update(
                sent_at=timezone.now(), channel=channel
            )
    finally:
        connection.close()
    _failed(failed, token=token, digest=digest)
    return sent, sum(len(group) for group, _error in failed)


def _open(connection: BaseEmailBackend) -> None:
    """One connection to the mail server for the whole batch (left closed, each e-mail opens
    and closes its own: a TLS handshake and a login per e-mail). A server that does not answer
    is not an error here: each e-mail then fails on its own and waits for its retry."""
    try:
        connection.open()
    except Exception as exc:  # the e-mails report it, row by row
        logger.warning("Mail server unreachable before a batch: %s", type(exc).__name__)


def _send(
    recipient: User, group: list[Reminder], *, connection: BaseEmailBackend, digest: bool
) -> Exception | None:
    """Send one recipient's e-mail; the failure, if any (the rows are left for a retry). After a
    failure the connection is opened again, so that the next e-mail does not fail on a
    connection the server dropped."""
    try:
        email = reminder_email(recipient, group, digest=digest)
        email.connection = connection
        email.send()
    except Exception as exc:  # any failure leaves the rows for a retry
        with contextlib.suppress(Exception):
            connection.close()
        _open(connection)
        return exc
    return None


def _failed(
    failures: list[tuple[list[Reminder], Exception]], *, token: uuid.UUID, digest: bool
) -> None:
    """Release the rows with a retry time that doubles with each failure: one UPDATE per
    attempt count and error (a mail server down fails a whole batch the same way)."""
    retries: dict[tuple[int, str], list[int]] = defaultdict(list)
    for group, error in failures:
        attempts = max(r.attempts for r in group) + 1
        retries[(attempts, f"{type(error).__name__}: {error}"[:500])] += [r.pk for r in group]
        logger.warning(
            "Reminder e-mail failed (%s, attempt %s) for reminders %s: %s",
            "digest" if digest else "direct",
            attempts,
            [r.pk for r in group],
            type(error).__name__,
        )
    for (attempts, error_text), ids in retries.items():
        delay = datetime.timedelta(
            minutes=settings.LABPARCOURS_REMINDER_RETRY_MINUTES * 2 ** (attempts - 1)
        )
        Reminder.objects.filter(pk__in=ids, claim_token=token).update(
            attempts=F("attempts") + 1,
            last_error=error_text,
            next_attempt_at=timezone.now() + delay,
            claimed_at=None,
            claim_token=None,
        )


# --- The daily digest ----------------------------------------------------------------------


def digest_recipients(now: datetime.datetime | None = None) -> list[int]:
    """Users with reminders waiting for their daily digest."""
    now = now or timezone.now()
    return list(
        Reminder.objects.awaiting_digest(now)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def reminders_send_digest(user_id: int) -> SendReport:
    """One e-mail with every reminder of this user waiting for the digest."""
    now = timezone.now()
    token = Reminder.objects.awaiting_digest(now).filter(recipient_id=user_id).claim(now)
    if token is None:
        return SendReport()
    rows, recipients = _claimed(token, "created_at", "pk")
    sent, failed = _email(rows, recipients, token=token, digest=True)
    return SendReport(sent=sent, failed=failed)
