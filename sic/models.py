"""The SIC (Synthèse Interprofessionnelle Concertée): a 20-minute video meeting of a
patient's team, twice a year, prepared by contributions, ending in decisions."""

from __future__ import annotations

import calendar
import datetime
import functools
import operator
import secrets
import uuid
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from labparcours.errors import InvalidTransition, NotAllowed
from labparcours.permissions import is_patient_side
from sic.rules import can_write_patient_form
from sic.validators import MAX_DURATION_MINUTES, MIN_DURATION_MINUTES, validate_video_url

if TYPE_CHECKING:
    from labparcours.models import User
    from patients.models import Patient


class SicStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (SicStatus.PLANNED, SicStatus.SCHEDULED)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or that month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class SicWhen(NamedTuple):
    """The one date a SIC is shown with, on pages, e-mails and PDFs: the day it was held,
    else the day and time it is scheduled for, else the day it is due around."""

    kind: str  # "held", "scheduled" or "due"
    at: datetime.datetime | datetime.date  # a local date and time, or a date when due

    def __str__(self) -> str:
        # Django's formats "j F Y" and "l j F Y, H:i", written out: a list shows one per row,
        # and `dateformat.format` parses its format string again for each.
        at = self.at
        months, weekdays = _calendar_names(get_language())
        day = f"{at.day} {months[at.month]} {at.year}"
        if self.kind == "held":
            return gettext("held on %(date)s") % {"date": day}
        if self.kind == "scheduled":
            assert isinstance(at, datetime.datetime)  # noqa: S101 — a time when scheduled
            return f"{weekdays[at.weekday()]} {day}, {at.hour:02d}:{at.minute:02d}"
        return gettext("around %(date)s") % {"date": day}


@functools.cache
def _calendar_names(language: str | None) -> tuple[dict[int, str], dict[int, str]]:
    """Django's month and weekday names (`MONTHS`, `WEEKDAYS`) in `language`, the active one."""
    return {n: str(name) for n, name in MONTHS.items()}, {
        n: str(name) for n, name in WEEKDAYS.items()
    }


def new_room_name() -> str:
    return f"labparcours-{secrets.token_urlsafe(18)}"


class SicQuerySet(models.QuerySet["Sic"]):
    def visible_to(self, user: User) -> SicQuerySet:
        from patients.models import Patient

        return Patient.objects.rows_of_visible(self, user)

    def open(self) -> SicQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def not_scheduled(self) -> SicQuerySet:
        """Planned SICs that have no date yet."""
        return self.filter(status=SicStatus.PLANNED)

    def overdue(self, today: datetime.date | None = None) -> SicQuerySet:
        """Open SICs whose due date has passed (a point de rupture)."""
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def to_record(self, now: datetime.datetime | None = None) -> SicQuerySet:
        """Scheduled SICs whose time is over but that nobody recorded as held (a point de
        rupture: the next SIC cannot become due until this one is recorded)."""
        return self.filter(status=SicStatus.SCHEDULED, scheduled_at__lt=now or timezone.now())

    def due_within(self, days: int, today: datetime.date | None = None) -> SicQuerySet:
        today = today or timezone.localdate()
        return self.open().filter(due_date__range=(today, today + datetime.timedelta(days=days)))

    def record_prepared(self) -> int:
        """Write `prepared` of these SICs that are held, from their contributions: one UPDATE
        (a SIC recorded as held, a data set written in bulk). Returns how many were written."""
        return self.filter(status=SicStatus.HELD).update(
            prepared=prepared_kinds(Contribution.objects.all())
        )


class Sic(models.Model):
    """One SIC of one patient, from "due" (planned) to held or cancelled."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="sics")
    status = models.CharField(
        _("status"), max_length=20, choices=SicStatus.choices, default=SicStatus.PLANNED
    )
    due_date = models.DateField(_("due date"))
    scheduled_at = models.DateTimeField(_("date and time"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=20,
        validators=[
            MinValueValidator(MIN_DURATION_MINUTES),
            MaxValueValidator(MAX_DURATION_MINUTES),
        ],
    )
    video_url = models.URLField(
        _("video link"), max_length=500, blank=True, validators=[validate_video_url]
    )
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    ics_sequence = models.PositiveIntegerField(default=0, editable=False)
    held_at = models.DateTimeField(_("held on"), null=True, blank=True)
    patient_present = models.BooleanField(_("patient present"), null=True, blank=True)
    caregiver_present = models.BooleanField(_("caregiver present"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The kinds of contribution submitted by the time the SIC was held, a bit each
    # (`KIND_BIT`), written when it is recorded as held (`record_prepared`). It cannot go
    # stale: a contribution can no longer change once its SIC is held, and one submitted
    # after the moment it was held does not count. The indicators read it (what each SIC
    # was prepared with) instead of the contributions, once per SIC and kind.
    prepared = models.PositiveSmallIntegerField(default=0, editable=False)

    # `prepared` is derived from the contributions, which keep their own history.
    history = HistoricalRecords(excluded_fields=["minutes", "prepared"])
    objects = SicQuerySet.as_manager()

    class Meta:
        verbose_name = _("SIC")
        verbose_name_plural = _("SICs")
        ordering = ("due_date", "pk")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status__in=["planned", "scheduled"]),
                name="sic_one_open_per_patient",
            ),
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(scheduled_at__isnull=False),
                name="sic_scheduled_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(held_at__isnull=False),
                name="sic_held_has_date",
            ),
        ]
        # The calendar and the API page through SICs in these orders: read in index order and
        # cut by LIMIT, instead of sorting every SIC of the programme for each page.
        indexes: ClassVar = [
            models.Index(fields=["due_date", "id"], name="sic_by_due_date"),
            models.Index(fields=["-held_at"], condition=Q(status="held"), name="sic_held_latest"),
            # The calendar's figures on every tab (overdue, due within 30 days, past but not
            # recorded): the open SICs in that range only, not every open SIC of the programme.
            models.Index(
                fields=["due_date", "id"],
                condition=Q(status__in=["planned", "scheduled"]),
                name="sic_open_by_due_date",
            ),
            models.Index(
                fields=["scheduled_at"],
                condition=Q(status="scheduled"),
                name="sic_scheduled_by_time",
            ),
        ]

    def __str__(self) -> str:
        return gettext("SIC of %(patient)s, %(when)s") % {
            "patient": self.patient,
            "when": self.when,
        }

    @property
    def when(self) -> SicWhen:
        """Held on, else scheduled for, else due around: the date that tells the truth now
        (a held SIC is not "due" any more, a scheduled one is not "around" its due date)."""
        if self.status == SicStatus.HELD and self.held_at is not None:
            return SicWhen("held", timezone.localtime(self.held_at))
        if self.scheduled_at is not None:
            return SicWhen("scheduled", timezone.localtime(self.scheduled_at))
        return SicWhen("due", self.due_date)

    @property
    def has_started(self) -> bool:
        """Its scheduled time has come: from then on it may be recorded as held."""
        return self.scheduled_at is not None and self.scheduled_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < timezone.localdate()

    @property
    def awaits_record(self) -> bool:
        """Its time is over and it is still not recorded as held (or cancelled)."""
        return (
            self.status == SicStatus.SCHEDULED
            and self.scheduled_at is not None
            and self.scheduled_at < timezone.now()
        )

    @property
    def ends_at(self) -> datetime.datetime | None:
        if self.scheduled_at is None:
            return None
        return self.scheduled_at + datetime.timedelta(minutes=self.duration_minutes)

    def schedule(
        self, *, at: datetime.datetime, duration_minutes: int = 20, video_url: str = ""
    ) -> None:
        """planned → scheduled, or a new date for a scheduled SIC (the history keeps the old)."""
        if not self.is_open:
            raise InvalidTransition(gettext("Only a planned or scheduled SIC can be scheduled."))
        if timezone.is_naive(at):
            raise ValueError("A SIC's date must be aware.")
        if self.status == SicStatus.SCHEDULED:
            self.ics_sequence += 1
        self.status = SicStatus.SCHEDULED
        self.scheduled_at = at
        self.duration_minutes = duration_minutes
        self.video_url = video_url or self.video_url or self.default_video_url()
        self.save()

    def default_video_url(self) -> str:
        return f"{settings.LABPARCOURS_VIDEO_BASE_URL.rstrip('/')}/{new_room_name()}"

    def hold(
        self,
        *,
        minutes: str,
        patient_present: bool,
        caregiver_present: bool = False,
        held_at: datetime.datetime | None = None,
    ) -> None:
        """scheduled → held, once its time has come, with the minutes; the next SIC becomes
        due from the day it was really held (`held_at`, by default its scheduled time)."""
        self.ensure_holdable()
        if held_at is not None and timezone.is_naive(held_at):
            raise ValueError("A SIC's date must be aware.")
        self.status = SicStatus.HELD
        self.held_at = held_at or self.scheduled_at
        self.minutes = minutes
        self.patient_present = patient_present
        self.caregiver_present = caregiver_present
        self.save()
        Sic.objects.filter(pk=self.pk).record_prepared()
        self.refresh_from_db(fields=["prepared"])

    def ensure_holdable(self) -> None:
        """Refuse to record a SIC that is not scheduled, or whose time has not come: held
        "on the 1st" for a SIC of the 15th, the next one would be due from a day to come."""
        if self.status != SicStatus.SCHEDULED:
            raise InvalidTransition(gettext("Only a scheduled SIC can be recorded as held."))
        if not self.has_started:
            raise InvalidTransition(
                gettext(
                    "This SIC is scheduled for %(date)s: it can be recorded once it has "
                    "taken place. If it took place earlier, reschedule it first."
                )
                % {"date": self.when},
                code="not_started",
            )

    def cancel(self, *, reason: str) -> None:
        """planned/scheduled → cancelled; the next SIC stays due at the same date."""
        if not self.is_open:
            raise InvalidTransition(gettext("Only a planned or scheduled SIC can be cancelled."))
        if not reason.strip():
            raise InvalidTransition(gettext("Please give a reason for cancelling."))
        self.status = SicStatus.CANCELLED
        self.cancel_reason = reason.strip()
        self.cancelled_at = timezone.now()
        self.ics_sequence += 1
        self.save()


def next_due_date(patient: Patient) -> datetime.date | None:
    """When the patient's next SIC is due: six months after the last one held, or a few
    weeks after inclusion when none was held yet. Cancelled SICs do not count."""
    if patient.inclusion_date is None:
        return None
    last_held = (
        Sic.objects.filter(patient=patient, status=SicStatus.HELD).order_by("-held_at").first()
    )
    if last_held is None:
        return patient.inclusion_date + datetime.timedelta(
            days=settings.LABPARCOURS_FIRST_SIC_DELAY_DAYS
        )
    held_on = timezone.localtime(last_held.held_at).date()
    return add_months(held_on, settings.LABPARCOURS_SIC_INTERVAL_MONTHS)


class Response(models.TextChoices):
    INVITED = "invited", _("No answer yet")
    CONFIRMED = "confirmed", _("Will attend")
    DECLINED = "declined", _("Cannot attend")


class Attendance(models.Model):
    """A team member's invitation to a SIC: their answer, then whether they attended."""

    sic = models.ForeignKey(Sic, on_delete=models.CASCADE, related_name="attendances")
    membership = models.ForeignKey(
        "teams.Membership", on_delete=models.PROTECT, related_name="attendances"
    )
    response = models.CharField(
        _("answer"), max_length=20, choices=Response.choices, default=Response.INVITED
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    present = models.BooleanField(_("present"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ("membership__role", "pk")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["sic", "membership"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.membership.professional} — {self.get_response_display()}"

    def answer(self, *, attending: bool) -> None:
        if not self.sic.is_open:
            raise InvalidTransition(gettext("This SIC is no longer open."))
        self.response = Response.CONFIRMED if attending else Response.DECLINED
        self.responded_at = timezone.now()
        self.save(update_fields=["response", "responded_at"])


class Decision(models.Model):
    """A decision taken at the SIC; each may become an action of the care plan."""

    sic = models.ForeignKey(Sic, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("decision"), max_length=500)
    owner = models.CharField(_("who"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return self.text


class ContributionKind(models.TextChoices):
    GP_SUMMARY = "gp_summary", _("GP's summary (mini topo)")
    MEDICATION_REVIEW = "medication_review", _("Medication review")
    NURSING_ASSESSMENT = "nursing_assessment", _("In-depth nursing assessment")
    SPECIALIST_OPINION = "specialist_opinion", _("Specialist's opinion")
    PATIENT_EXPERIENCE = "patient_experience", _("Patient experience form")


# Which member of the team writes which contribution.
KIND_OF_TEAM_ROLE = {
    "gp": ContributionKind.GP_SUMMARY,
    "pharmacist": ContributionKind.MEDICATION_REVIEW,
    "nurse": ContributionKind.NURSING_ASSESSMENT,
    "specialist": ContributionKind.SPECIALIST_OPINION,
}


class ContributionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


# Each kind of contribution is a bit of `Sic.prepared`. The bits are stored: never change one;
# a new kind takes the next free bit (a test holds that each kind has its own).
KIND_BIT: dict[str, int] = {
    ContributionKind.GP_SUMMARY: 1,
    ContributionKind.MEDICATION_REVIEW: 2,
    ContributionKind.NURSING_ASSESSMENT: 4,
    ContributionKind.SPECIALIST_OPINION: 8,
    ContributionKind.PATIENT_EXPERIENCE: 16,
}


def prepared_kinds(contributions: models.QuerySet[Any]) -> Coalesce:
    """What `Sic.prepared` holds, for the SIC of the row: the kinds of its `contributions`
    submitted by the time it was held, as one number (a bit per kind, `KIND_BIT`). Takes the
    contributions' queryset so that a migration can pass its own model's."""
    bits = [
        Max(Case(When(kind=kind, then=Value(bit)), default=Value(0)))
        for kind, bit in KIND_BIT.items()
    ]
    kinds = (
        contributions.filter(
            sic=OuterRef("pk"),
            status=ContributionStatus.SUBMITTED,
            submitted_at__lte=OuterRef("held_at"),
        )
        .order_by()
        .values("sic")
        .annotate(kinds=functools.reduce(operator.add, bits))  # distinct bits: + is |
        .values("kinds")
    )
    return Coalesce(Subquery(kinds, output_field=models.IntegerField()), Value(0))


class ContributionQuerySet(models.QuerySet["Contribution"]):
    def visible_to(self, user: User) -> ContributionQuerySet:
        """Submitted contributions of visible SICs, and one's own drafts. The patient's side
        sees only the patient's own form: the professionals' notes are for the team."""
        qs = self.filter(sic__in=Sic.objects.visible_to(user)).filter(
            Q(status=ContributionStatus.SUBMITTED) | Q(author=user)
        )
        if is_patient_side(user):
            qs = qs.filter(kind=ContributionKind.PATIENT_EXPERIENCE)
        return qs


class Contribution(models.Model):
    """The paid preparation of a SIC by one member (contribution), or the patient's
    experience form; a structured content per kind, drafted then submitted."""

    sic = models.ForeignKey(Sic, on_delete=models.PROTECT, related_name="contributions")
    kind = models.CharField(_("kind"), max_length=30, choices=ContributionKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contributions"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Who typed it, when not the author (the coordinator for the patient)."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ContributionStatus.choices,
        default=ContributionStatus.DRAFT,
    )
    content = models.JSONField(_("content"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ("kind", "pk")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["sic", "kind", "author"], name="contribution_one_per_author_and_kind"
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False),
                name="contribution_submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.author}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ContributionStatus.SUBMITTED

    def is_writer(self, user: User) -> bool:
        """Its author; for the patient's form also the caregiver and the coordinator, who
        may type it on the patient's behalf."""
        if user.pk == self.author_id:
            return True
        return self.kind == ContributionKind.PATIENT_EXPERIENCE and can_write_patient_form(user)

    def can_edit(self, user: User) -> bool:
        """Writers amend it until the SIC is held (or cancelled)."""
        return self.sic.is_open and self.is_writer(user)

    def save_content(self, *, content: dict, by: User, submit: bool) -> None:
        if not self.is_writer(by):
            raise NotAllowed(gettext("This contribution is not yours to write."), code="not_author")
        if not self.sic.is_open:
            raise InvalidTransition(gettext("This contribution can no longer be changed."))
        self.content = content
        self.entered_by = by
        if submit and not self.is_submitted:
            self.status = ContributionStatus.SUBMITTED
            self.submitted_at = timezone.now()
        self.save()
