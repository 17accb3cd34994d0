"""Cross-cutting data: the user and their role, the access log."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labparcours.access_labels import read_label
from labparcours.choices import display
from labparcours.ledger import AppendOnlyModel, AppendOnlyQuerySet


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
    phone = models.CharField(
        _("work phone"),
        max_length=30,
        blank=True,
        help_text=_("Shown to the patients a coordinator follows, to call her."),
    )
    # Bumped to end every session of the user at once (deactivation): part of the sessions'
    # authentication hash, like the password.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # The stubs type AbstractUser.objects as contrib's UserManager; Django documents a
    # custom manager for a custom user model (here: the e-mail is the login).
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ("last_name", "first_name", "email")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.lower()
        ending = self._deactivated()
        if ending:
            self.session_epoch += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "session_epoch"}
        super().save(*args, **kwargs)
        if ending:
            # At once, not at the tokens' expiry: a deactivated account reads nothing more.
            ApiToken.objects.filter(user=self, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )

    def _deactivated(self) -> bool:
        """Whether this save turns an active account inactive."""
        if self.is_active or self._state.adding or self.pk is None:
            return False
        return type(self).objects.filter(pk=self.pk, is_active=True).exists()

    def get_session_auth_hash(self) -> str:
        """The password's hash, as Django's, and the session epoch once bumped: a password
        change ends the other sessions, a deactivation ends them all (even if the account
        is reactivated later). Epoch 0 keeps Django's own hash: sessions open before this
        existed stay valid."""
        if not self.session_epoch:
            return super().get_session_auth_hash()
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "labparcours.User.get_session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            algorithm="sha256",
        ).hexdigest()

    def profession_or_role(self) -> str:
        """What the user is, as a patient is told: their profession when they are in the
        directory (« Médecin généraliste »), else their role (« Coordinatrice »)."""
        try:
            return display(self.professional, "profession")
        except ObjectDoesNotExist:
            return display(self, "role")


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


class AccessLogEntry(AppendOnlyModel):
    """One read of a patient's data (journal des accès): who, when, what, from where.

    The patient (and their caregiver) can read the entries about them. Append-only: never
    changed, deleted only by the retention purge (`labparcours.retention`).
    """

    # No index of its own: the (patient, -at) index below leads with it (one index fewer to
    # write on every read logged, the busiest insert of the application).
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="access_log", db_index=False
    )
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    what = models.CharField(_("what was read"), max_length=120)
    # A list (a dashboard, an export) shows many patients at once: the patient is told "your
    # name was in a list", grouped, rather than one line per page of the list.
    listed = models.BooleanField(_("seen in a list"), default=False)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ("-at",)
        indexes: ClassVar = [models.Index(fields=["patient", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} → {self.patient_id} ({self.what})"

    @property
    def what_label(self) -> str:
        return read_label(self.what)

    @property
    def reader_role(self) -> str:
        """What the reader is, as the patient is shown: their profession, else their role."""
        return self.user.profession_or_role()


class AccessLogPurge(AppendOnlyModel):
    """One run of the access log's retention purge: when, what it deleted (rows read before
    `cutoff`), so that a gap in the log is explained."""

    at = models.DateTimeField(default=timezone.now)
    cutoff = models.DateTimeField(_("reads before"))
    deleted = models.PositiveIntegerField(_("rows deleted"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log purge")
        verbose_name_plural = _("access log purges")
        ordering = ("-at",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}: {self.deleted} (< {self.cutoff:%Y-%m-%d})"


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
