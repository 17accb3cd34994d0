"""The team's secure thread (fil sécurisé) around each patient, and the thread with the
patient: messages, their corrections, attachments, mentions and read receipts.

Messages are never deleted: an author corrects one within `EDIT_WINDOW`, the previous text
kept as a revision. Who may read and write is in `threads.rules`, over the access scope.
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labparcours.uploads import ACCEPTED, GeneratedName, private_storage

# How long an author may correct a message after posting it.
EDIT_WINDOW = datetime.timedelta(minutes=15)


class Audience(models.TextChoices):
    """Who a thread is for: the professionals only, or the professionals with the patient."""

    TEAM = "team", _("Team thread")
    PATIENT = "patient", _("Thread with the patient")


# The audience as it reads in a page's address.
AUDIENCE_SLUGS = {Audience.TEAM: "equipe", Audience.PATIENT: "patient"}
SLUG_AUDIENCES = {slug: audience for audience, slug in AUDIENCE_SLUGS.items()}


class Thread(models.Model):
    """A thread (fil de discussion) of one patient: the team's (équipe) or the one with the
    patient and their caregiver (fil avec le patient). One of each per patient."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="threads"
    )
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["patient", "audience"], name="thread_once_per_audience"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=["team", "patient"]), name="thread_known_audience"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} — {self.patient}"

    @property
    def slug(self) -> str:
        return AUDIENCE_SLUGS[Audience(self.audience)]


class Message(models.Model):
    """A message of a thread (message): plain text, shown escaped with its links; never
    deleted, corrected by its author within 15 minutes (« modifié »), pinned to the next
    SIC's preparation (« À discuter en SIC »)."""

    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="thread_messages"
    )
    text = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    edited_at = models.DateTimeField(_("corrected at"), null=True, blank=True)
    pinned_at = models.DateTimeField(_("pinned for the SIC at"), null=True, blank=True)
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ("pk",)
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(pinned_at__isnull=True, pinned_by__isnull=True)
                | Q(pinned_at__isnull=False, pinned_by__isnull=False),
                name="message_pinned_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(edited_at__isnull=True) | Q(edited_at__gte=models.F("created_at")),
                name="message_edited_after_sent",
            ),
        ]
        indexes: ClassVar = [
            # A page of a thread is read by key from its newest message down.
            models.Index(fields=["thread", "-id"], name="message_by_thread"),
            models.Index(
                fields=["pinned_at"], condition=Q(pinned_at__isnull=False), name="message_pinned"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} — {self.author}"

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None

    @property
    def is_pinned(self) -> bool:
        return self.pinned_at is not None

    def editable_until(self) -> datetime.datetime:
        return self.created_at + EDIT_WINDOW

    def may_still_be_edited(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) < self.editable_until()


class MessageRevision(models.Model):
    """A previous text of a corrected message (historique des modifications): what it said
    until `replaced_at`."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="revisions")
    text = models.TextField(_("previous text"), blank=True)
    replaced_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        verbose_name = _("message revision")
        verbose_name_plural = _("message revisions")
        ordering = ("message", "replaced_at", "pk")

    def __str__(self) -> str:
        return f"#{self.message_id} @ {self.replaced_at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    """A file attached to a message (pièce jointe): a PDF or a photo checked by the one upload
    validator, in the private storage; a photo has a thumbnail re-encoded from it (aperçu),
    the only image shown in a page. The original is only ever downloaded."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(
        _("file"), upload_to=GeneratedName("threads/files"), storage=private_storage
    )
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    thumbnail = models.FileField(
        _("thumbnail"),
        upload_to=GeneratedName("threads/thumbnails"),
        storage=private_storage,
        blank=True,
    )
    thumbnail_width = models.PositiveSmallIntegerField(null=True, blank=True)
    thumbnail_height = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ("pk",)
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(content_type__in=list(ACCEPTED)), name="attachment_accepted_type"
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type} ({self.size} B)"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Mention(models.Model):
    """A member named in a message with « @ » (mention): they are told."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="thread_mentions"
    )

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["message", "user"], name="mention_once"),
        ]

    def __str__(self) -> str:
        return f"@{self.user} in #{self.message_id}"


class ReadReceipt(models.Model):
    """How far a participant has read a thread (accusé de lecture): every message up to
    `last_read` included. One per thread and reader; it only moves forward."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_receipts"
    )
    last_read = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["thread", "user"], name="receipt_once_per_reader"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → #{self.last_read_id}"
