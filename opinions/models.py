"""Specialist opinions (avis spécialisés): a team asks a specialist — of the team, or of the
directory — a quick question about a patient, with chosen attachments, and the specialist
answers in the application.

A specialist outside the team reads the request through a time-limited grant: only the
question, its attachments and the patient's identity, until the request is closed and at the
latest `LABPARCOURS_OPINION_GRANT_DAYS` days after its deadline. The grant is a condition of
the query (`OpinionRequestQuerySet.visible_to`): nothing needs to revoke it.
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from labparcours.errors import InvalidTransition
from labparcours.models import User
from labparcours.uploads import GeneratedName, private_storage
from patients.models import Patient


class Urgency(models.TextChoices):
    """How soon the answer is needed; the deadline is stored at the moment of asking."""

    WITHIN_48_HOURS = "48h", _("Within 48 hours")
    WITHIN_7_DAYS = "7d", _("Within 7 days")

    @property
    def delay(self) -> datetime.timedelta:
        return {"48h": datetime.timedelta(hours=48), "7d": datetime.timedelta(days=7)}[self.value]


class OpinionStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the answer")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


def grant_end() -> ExpressionWrapper:
    """When the grant of the asked specialist ends at the latest: N days after the deadline."""
    days = datetime.timedelta(days=settings.LABPARCOURS_OPINION_GRANT_DAYS)
    return ExpressionWrapper(F("due_at") + days, output_field=models.DateTimeField())


class OpinionRequestQuerySet(models.QuerySet["OpinionRequest"]):
    def granted_to(self, user: User) -> OpinionRequestQuerySet:
        """The requests asked of `user` that their grant still covers: not closed, and not
        past N days after the deadline. Computed at each read: no job revokes it."""
        return self.alias(grant_ends_at=grant_end()).filter(
            specialist__user=user,
            status__in=[OpinionStatus.OPEN, OpinionStatus.ANSWERED],
            grant_ends_at__gt=timezone.now(),
        )

    def visible_to(self, user: User) -> OpinionRequestQuerySet:
        """The requests `user` may see: those of the patients in their scope (the team, the
        programme), and those asked of them while their grant lasts. Each row says
        `via_grant` when the reader sees it only through the grant (outside the team).

        The patient's side is in the scope of their own patient: `opinions.rules` refuses
        them (403) what is written between professionals."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        in_scope = Patient.objects.visible_to(user)
        granted = self.granted_to(user).values("pk")
        if not in_scope.query.where:  # the whole programme
            return self.annotate(via_grant=models.Value(False))
        team = Exists(in_scope.filter(pk=OuterRef("patient_id")))
        return self.filter(team | Q(pk__in=granted)).annotate(
            via_grant=ExpressionWrapper(~team, output_field=models.BooleanField())
        )

    def open(self) -> OpinionRequestQuerySet:
        return self.filter(status=OpinionStatus.OPEN)

    def pinned_between(
        self, after: datetime.datetime | None, until: datetime.datetime | None
    ) -> OpinionRequestQuerySet:
        """The answers pinned « À discuter en SIC » after `after` and up to `until`."""
        rows = self.filter(answer_pinned_at__isnull=False)
        if after is not None:
            rows = rows.filter(answer_pinned_at__gt=after)
        if until is not None:
            rows = rows.filter(answer_pinned_at__lte=until)
        return rows


class OpinionRequest(models.Model):
    """A specialist opinion (avis spécialisé): a question about a patient to a specialist of
    the team or of the directory, with an urgency (its deadline), answered in the application.

    open → answered → closed; open → closed (withdrawn before any answer). The asker or the
    coordinator closes it; the answer may be pinned to the next SIC (« À discuter en SIC »)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="opinions")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    specialist = models.ForeignKey(
        "teams.Professional",
        on_delete=models.PROTECT,
        related_name="opinions_asked",
        verbose_name=_("specialist"),
    )
    question = models.TextField(_("question"))
    urgency = models.CharField(_("urgency"), max_length=4, choices=Urgency.choices)
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    due_at = models.DateTimeField(_("answer expected by"))
    status = models.CharField(
        _("status"), max_length=10, choices=OpinionStatus.choices, default=OpinionStatus.OPEN
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer_pinned_at = models.DateTimeField(_("pinned to the SIC at"), null=True, blank=True)
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = OpinionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("specialist opinion")
        verbose_name_plural = _("specialist opinions")
        ordering = ("-asked_at", "-pk")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(status__in=OpinionStatus.values), name="opinion_known_status"
            ),
            models.CheckConstraint(
                condition=Q(urgency__in=Urgency.values), name="opinion_known_urgency"
            ),
            models.CheckConstraint(condition=~Q(question=""), name="opinion_has_question"),
            models.CheckConstraint(
                condition=Q(due_at__gt=F("asked_at")), name="opinion_due_after_asked"
            ),
            # An answer is whole: its text, its moment and its author, after the question.
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answered_by__isnull=True, answer="")
                | (
                    Q(answered_at__isnull=False, answered_by__isnull=False)
                    & ~Q(answer="")
                    & Q(answered_at__gte=F("asked_at"))
                ),
                name="opinion_answer_whole",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(answered_at__isnull=False),
                name="opinion_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=~Q(status="open") | Q(answered_at__isnull=True, closed_at__isnull=True),
                name="opinion_open_is_untouched",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="closed", closed_at__isnull=False, closed_by__isnull=False)
                    | (~Q(status="closed") & Q(closed_at__isnull=True, closed_by__isnull=True))
                ),
                name="opinion_closed_has_date_and_author",
            ),
            models.CheckConstraint(
                condition=Q(answer_pinned_at__isnull=True, pinned_by__isnull=True)
                | Q(
                    answer_pinned_at__isnull=False,
                    pinned_by__isnull=False,
                    answered_at__isnull=False,
                ),
                name="opinion_pinned_is_an_answer",
            ),
        ]
        indexes: ClassVar = [
            # The coordinator's open requests, oldest first; the sweep's rules.
            models.Index(
                fields=["asked_at", "id"], condition=Q(status="open"), name="opinion_open_oldest"
            ),
            models.Index(fields=["specialist", "status"], name="opinion_by_specialist"),
            models.Index(fields=["patient", "-asked_at"], name="opinion_by_patient"),
        ]

    def __str__(self) -> str:
        return gettext("Opinion %(pk)s for %(initials)s") % {
            "pk": self.pk,
            "initials": self.patient.initials,
        }

    # --- The state machine -------------------------------------------------------------------

    def record_answer(self, *, by: User, text: str) -> None:
        """open → answered: the specialist's answer, its moment and author."""
        if self.status != OpinionStatus.OPEN:
            raise InvalidTransition(
                gettext("This request is %(status)s: it can no longer be answered.")
                % {"status": self.get_status_display().lower()}
            )
        if not text.strip():
            raise InvalidTransition(gettext("Write the answer."), code="empty_answer")
        self.status = OpinionStatus.ANSWERED
        self.answer = text.strip()
        self.answered_at = timezone.now()
        self.answered_by = by

    def close(self, *, by: User) -> None:
        """open → closed (withdrawn) or answered → closed: the grant of an outside
        specialist ends with it."""
        if self.status == OpinionStatus.CLOSED:
            raise InvalidTransition(gettext("This request is already closed."))
        self.status = OpinionStatus.CLOSED
        self.closed_at = timezone.now()
        self.closed_by = by

    def pin(self, *, by: User) -> None:
        """« À discuter en SIC »: the answer goes to the next SIC's card."""
        if self.answered_at is None:
            raise InvalidTransition(gettext("Only an answer can be pinned to the SIC."))
        if self.answer_pinned_at is not None:
            raise InvalidTransition(gettext("This answer is already pinned to the SIC."))
        self.answer_pinned_at = timezone.now()
        self.pinned_by = by

    def unpin(self) -> None:
        if self.answer_pinned_at is None:
            raise InvalidTransition(gettext("This answer is not pinned to the SIC."))
        self.answer_pinned_at = None
        self.pinned_by = None

    # --- What the pages show -----------------------------------------------------------------

    @property
    def is_withdrawn(self) -> bool:
        return self.status == OpinionStatus.CLOSED and self.answered_at is None

    @property
    def is_late(self) -> bool:
        return self.status == OpinionStatus.OPEN and self.due_at <= timezone.now()

    @property
    def time_to_answer(self) -> datetime.timedelta | None:
        return None if self.answered_at is None else self.answered_at - self.asked_at

    @property
    def time_to_answer_label(self) -> str:
        """« répondu en 20 h », « répondu en 3 jours », « répondu en 25 min »."""
        return answered_in(self.time_to_answer) if self.time_to_answer is not None else ""

    @property
    def waiting_for(self) -> datetime.timedelta:
        """How long the request has waited (up to its answer or closure)."""
        end = self.answered_at or self.closed_at or timezone.now()
        return end - self.asked_at

    @property
    def age_label(self) -> str:
        """« 20 h », « 9 jours »: how long it has waited, in the unit a reader expects."""
        return duration_label(self.waiting_for)


def duration_label(delay: datetime.timedelta) -> str:
    """A delay in the unit a reader expects: minutes under an hour, hours under two days,
    then days."""
    minutes = max(0, int(delay.total_seconds() // 60))
    if minutes < 60:
        return gettext("%(n)s min") % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return gettext("%(n)s h") % {"n": hours}
    days = hours // 24
    return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}


def answered_in(delay: datetime.timedelta) -> str:
    return gettext("answered in %(delay)s") % {"delay": duration_label(delay)}


class OpinionAttachment(models.Model):
    """A file the asker chose to send with the question (pièce jointe): a letter, a lab
    result, an ECG. Checked by the one upload validator, stored privately, served only to
    those who see the request."""

    request = models.ForeignKey(
        OpinionRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("file"), upload_to=GeneratedName("opinions/attachments"), storage=private_storage
    )
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("opinion attachment")
        verbose_name_plural = _("opinion attachments")
        ordering = ("added_at", "pk")

    def __str__(self) -> str:
        return self.download_name

    @property
    def download_name(self) -> str:
        """A generated stem: no name typed by the client survives (serve_upload adds the
        extension from the content)."""
        return f"avis-{self.request_id}-piece-{self.pk}"

    @property
    def kind_label(self) -> str:
        return {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}.get(
            self.content_type, "—"
        )
