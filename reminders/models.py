"""The reminder ledger (relances), the in-app notifications (the bell) and each user's
choice of channel per kind. Generic: the kinds come from the registry (`reminders.registry`),
filled by the domain apps. The tables keep the names they had in `labparcours`."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labparcours.models import User
from reminders.registry import kind_choices


class Channel(models.TextChoices):
    """How a user wants to hear about one kind of reminder. In-app notifications are always
    there; the channel decides the e-mail."""

    EMAIL = "email", _("E-mail at once (and in the app)")
    IN_APP = "in_app", _("In the app only")
    DIGEST = "digest", _("One e-mail a day, a digest (and in the app)")


class ReminderQuerySet(models.QuerySet["Reminder"]):
    def unsent(self) -> ReminderQuerySet:
        return self.filter(sent_at__isnull=True, cancelled_at__isnull=True)

    def sendable(self, now: datetime.datetime) -> ReminderQuerySet:
        """Unsent rows a worker may claim now: not in the digest queue, not claimed by a live
        worker, not waiting for a retry, under the attempt limit."""
        from django.conf import settings

        stale = now - datetime.timedelta(minutes=settings.LABPARCOURS_REMINDER_CLAIM_MINUTES)
        return (
            self.unsent()
            .exclude(channel=Channel.DIGEST)
            .filter(attempts__lt=settings.LABPARCOURS_REMINDER_MAX_ATTEMPTS)
            .filter(models.Q(claimed_at__isnull=True) | models.Q(claimed_at__lt=stale))
            .filter(models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=now))
        )

    def awaiting_digest(self, now: datetime.datetime) -> ReminderQuerySet:
        from django.conf import settings

        stale = now - datetime.timedelta(minutes=settings.LABPARCOURS_REMINDER_CLAIM_MINUTES)
        return (
            self.unsent()
            .filter(channel=Channel.DIGEST)
            .filter(attempts__lt=settings.LABPARCOURS_REMINDER_MAX_ATTEMPTS)
            .filter(models.Q(claimed_at__isnull=True) | models.Q(claimed_at__lt=stale))
        )

    def claim(self, now: datetime.datetime) -> uuid.UUID | None:
        """Take these rows for one worker with a conditional update; the token names what was
        taken (None when another worker got there first).

        Rows another transaction holds are skipped rather than waited for (PostgreSQL), so two
        workers on overlapping batches neither wait nor deadlock; the update re-checks the
        conditions of this queryset, so a row is never taken twice.
        """
        from django.db import transaction

        token = uuid.uuid4()
        with transaction.atomic():
            free = (
                self.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True)
            )
            taken = self.filter(pk__in=list(free)).update(claimed_at=now, claim_token=token)
        return token if taken else None


class Reminder(models.Model):
    """One reminder (relance) in the ledger: what it is about, to whom, for which cycle.

    A row is written before anything is sent, under a uniqueness constraint, then sent, then
    marked sent: a retry, a second worker or a second sweep never sends it twice, and what is
    not marked sent is picked up again by the next sweep.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=kind_choices)
    recipient = models.ForeignKey(
        User, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="reminders"
    )
    # Indexed with its date (Meta.indexes), which answers "this patient's reminders" too.
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="reminders", db_index=False
    )
    target_key = models.CharField(
        _("about"), max_length=80, help_text=_('The object reminded about, e.g. "sic:12".')
    )
    cycle = models.CharField(
        _("cycle"),
        max_length=40,
        help_text=_("Which occurrence: a due date, a week, a threshold before a SIC…"),
    )
    link = models.CharField(_("link"), max_length=300, help_text=_("The page to act on."))
    context = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("What the message needs besides the initials (dates, counts); no health data."),
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(
        _("no longer due on"), null=True, blank=True, help_text=_("Not sent: no longer due.")
    )

    objects = ReminderQuerySet.as_manager()

    class Meta:
        db_table = "labparcours_reminder"
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ("-created_at", "-pk")
        constraints: ClassVar = [
            # Target first: the sweep asks "already in the ledger?" by targets and cycles,
            # which this index answers without reading the rest of the ledger.
            models.UniqueConstraint(
                fields=["target_key", "cycle", "recipient", "kind"], name="reminder_once"
            ),
            models.CheckConstraint(
                condition=models.Q(sent_at__isnull=True) | models.Q(cancelled_at__isnull=True),
                name="reminder_sent_or_cancelled",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["patient", "-created_at"]),
            # Keyed by id: the sweep reads every unsent row from it, and a worker claims its
            # batch's unsent rows by id through it (a probe per id, not a read of every unsent
            # row: its statistics may date from before the sweep added thousands).
            models.Index(
                fields=["id"],
                condition=models.Q(sent_at__isnull=True, cancelled_at__isnull=True),
                name="reminder_unsent",
            ),
            # Partial: only the rows being sent hold a token, and only those written by hand
            # an author; the sweep's rows (neither) add no entry to these two.
            models.Index(
                fields=["claim_token"],
                condition=models.Q(claim_token__isnull=False),
                name="reminder_claimed",
            ),
            models.Index(
                fields=["created_by"],
                condition=models.Q(created_by__isnull=False),
                name="reminder_created_by",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient} ({self.cycle})"

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.kind, self.target_key, self.recipient_id, self.cycle)

    @property
    def state(self) -> str:
        """sent, digest, cancelled, failed, retrying or pending (for the history page)."""
        from django.conf import settings

        if self.sent_at:
            return "sent"
        if self.cancelled_at:
            return "cancelled"
        if self.attempts >= settings.LABPARCOURS_REMINDER_MAX_ATTEMPTS:
            return "failed"
        if self.channel == Channel.DIGEST:
            return "digest"
        return "retrying" if self.attempts else "pending"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def mark_read(self) -> int:
        return self.unread().update(read_at=timezone.now())


class Notification(models.Model):
    """An in-app notification (the bell): one per reminder, read or not by its recipient."""

    # Indexed with read_at (Meta.indexes), which answers "this user's notifications" too.
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    reminder = models.OneToOneField(Reminder, on_delete=models.CASCADE, related_name="notification")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(_("read on"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        db_table = "labparcours_notification"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ("-created_at", "-pk")
        indexes: ClassVar = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.reminder.get_kind_display()}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreferenceQuerySet(models.QuerySet["NotificationPreference"]):
    def channels(self, user_ids: Iterable[int]) -> dict[tuple[int, str], str]:
        """(user id, kind) → channel for the users' explicit choices, in one query."""
        rows = self.filter(user_id__in=list(user_ids)).values_list("user_id", "kind", "channel")
        return {(user_id, kind): channel for user_id, kind, channel in rows}


class NotificationPreference(models.Model):
    """A user's choice of channel for one kind of reminder; without a row: e-mail at once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=kind_choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    objects = NotificationPreferenceQuerySet.as_manager()

    class Meta:
        db_table = "labparcours_notificationpreference"
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        ordering = ("user", "kind")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()}: {self.get_channel_display()}"
