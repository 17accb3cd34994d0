"""Cross-cutting data: the user and their role, the access log."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user is in the programme; it decides their home page and their scope."""

    ADMIN = "admin", _("Programme management")
    COORDINATOR = "coordinator", _("Coordinator")
    CLINICIAN = "clinician", _("Health professional")
    PATIENT = "patient", _("Patient")
    CAREGIVER = "caregiver", _("Caregiver")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.ADMIN)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who logs in (utilisateur): the e-mail address is the login."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PATIENT)
    is_patient_partner = models.BooleanField(
        _("patient partner"),
        default=False,
        help_text=_("A patient who co-builds the programme (feedback, evaluation)."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ("last_name", "first_name", "email")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.lower()
        super().save(*args, **kwargs)


class ApiToken(models.Model):
    """A personal API token (jeton d'API): created by its owner from a signed-in session,
    valid until it expires or its owner revokes it.

    Only a hash of the key is stored; the key is shown once, at creation.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        import hashlib

        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token valid for LABPARCOURS_API_TOKEN_DAYS and return it with its clear
        key, which is never stored."""
        import secrets

        from django.conf import settings

        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=key[:8],
            key_hash=cls.hash_key(key),
            expires_at=timezone.now()
            + datetime.timedelta(days=settings.LABPARCOURS_API_TOKEN_DAYS),
        )
        return token, key

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class AccessLogEntry(models.Model):
    """One read of a patient's data (journal des accès): who, when, what, from where.

    The patient (and their caregiver) can read the entries about them.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="access_log"
    )
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    what = models.CharField(_("what was read"), max_length=120)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ("-at",)
        indexes: ClassVar = [models.Index(fields=["patient", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} → {self.patient_id} ({self.what})"

    @property
    def what_label(self) -> str:
        from labparcours.access import read_label

        return read_label(self.what)

    @property
    def reader_role(self) -> str:
        """What the reader is, as the patient is shown: their profession, else their role."""
        try:
            return str(self.user.professional.get_profession_display())
        except ObjectDoesNotExist:
            return str(self.user.get_role_display())


class InvitationKind(models.TextChoices):
    PROFESSIONAL = "professional", _("Health professional")
    PATIENT = "patient", _("Patient")
    CAREGIVER = "caregiver", _("Caregiver")


class Invitation(models.Model):
    """An e-mail invitation to create a login linked to a directory entry, a patient or a
    caregiver. Accepting it creates the user; only a hash of the token is stored."""

    kind = models.CharField(max_length=20, choices=InvitationKind.choices)
    email = models.EmailField(_("e-mail address"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    professional = models.ForeignKey(
        "teams.Professional", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    caregiver = models.ForeignKey(
        "patients.Caregiver", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.email}"

    @property
    def is_usable(self) -> bool:
        from django.utils import timezone

        return self.accepted_at is None and self.expires_at > timezone.now()


# --- Reminders (relances) ------------------------------------------------------------------


class ReminderKind(models.TextChoices):
    """What a reminder is about; each user chooses a channel per kind."""

    SIC_DUE = "sic_due", _("SIC due soon and not scheduled")
    SIC_OVERDUE = "sic_overdue", _("SIC overdue")
    SIC_TO_RECORD = "sic_to_record", _("SIC past but not recorded")
    CONTRIBUTION = "contribution", _("Contribution to submit before a SIC")
    PATIENT_FORM = "patient_form", _("Patient experience form to fill in")
    SIC_TOMORROW = "sic_tomorrow", _("SIC tomorrow")
    PLAN_TO_ANSWER = "plan_to_answer", _("Care plan waiting for the patient's answer")
    PLAN_UNANSWERED = "plan_unanswered", _("Care plan left unanswered by the patient")
    ACTIONS_LATE = "actions_late", _("Care-plan actions past their date")
    TEAM_INCOMPLETE = "team_incomplete", _("Care team still incomplete")
    MANUAL = "manual", _("Reminder sent by the coordinator")


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

    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices)
    recipient = models.ForeignKey(
        User, verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="reminders"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="reminders"
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
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    cancelled_at = models.DateTimeField(
        _("no longer due on"), null=True, blank=True, help_text=_("Not sent: no longer due.")
    )

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ("-created_at", "-pk")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["kind", "target_key", "recipient", "cycle"], name="reminder_once"
            ),
            models.CheckConstraint(
                condition=models.Q(sent_at__isnull=True) | models.Q(cancelled_at__isnull=True),
                name="reminder_sent_or_cancelled",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["patient", "-created_at"]),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at__isnull=True, cancelled_at__isnull=True),
                name="reminder_unsent",
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

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    reminder = models.OneToOneField(Reminder, on_delete=models.CASCADE, related_name="notification")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(_("read on"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
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
    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    objects = NotificationPreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        ordering = ("user", "kind")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()}: {self.get_channel_display()}"
