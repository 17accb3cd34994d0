"""Care plans (plan de soins personnalisé): "who does what", decided at the SIC, validated by
the patient. Plans are versioned; only a validated plan is in force."""

from __future__ import annotations

import calendar
import datetime
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from careplans.rules import can_answer_for_patient, can_record_validation
from labparcours.errors import InvalidTransition, NotAllowed
from labparcours.uploads import GeneratedName, private_storage
from teams.rules import can_lead_team

if TYPE_CHECKING:
    from labparcours.models import User


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed to the patient")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    VALIDATED = "validated", _("Validated — in force")
    SUPERSEDED = "superseded", _("Superseded")
    ARCHIVED = "archived", _("Archived — the patient left the programme")


OPEN_PLAN_STATUSES = (PlanStatus.DRAFT, PlanStatus.PROPOSED, PlanStatus.CHANGES_REQUESTED)
EDITABLE_STATUSES = (PlanStatus.DRAFT, PlanStatus.CHANGES_REQUESTED)


class ValidationMethod(models.TextChoices):
    ONLINE = "online", _("Online, by the patient")
    PHONE = "phone", _("By phone, recorded by the coordinator")
    PAPER = "paper", _("On paper, scanned by the coordinator")


class CarePlanQuerySet(models.QuerySet["CarePlan"]):
    def visible_to(self, user: User) -> CarePlanQuerySet:
        from patients.models import Patient

        return Patient.objects.rows_of_visible(self, user)

    def in_force(self) -> CarePlanQuerySet:
        return self.filter(status=PlanStatus.VALIDATED)

    def open(self) -> CarePlanQuerySet:
        return self.filter(status__in=OPEN_PLAN_STATUSES)


class CarePlan(models.Model):
    """One version of a patient's care plan (plan de soins)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="care_plans"
    )
    version = models.PositiveIntegerField(_("version"))
    sic = models.ForeignKey(
        "sic.Sic",
        verbose_name=_("from the SIC"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="care_plans",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    proposed_at = models.DateTimeField(_("proposed on"), null=True, blank=True)
    changes_comment = models.TextField(_("the patient's comment"), blank=True)
    changes_requested_at = models.DateTimeField(null=True, blank=True)
    changes_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changes asked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changes_answer = models.TextField(_("the answer to the patient"), blank=True)
    changes_answered_at = models.DateTimeField(null=True, blank=True)
    changes_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    validated_at = models.DateTimeField(_("validated on"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    validation_method = models.CharField(
        _("how"), max_length=10, choices=ValidationMethod.choices, blank=True
    )
    validation_scan = models.FileField(
        _("scanned signed sheet"),
        upload_to=GeneratedName("careplans/scans"),
        storage=private_storage,
        blank=True,
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(_("archived on"), null=True, blank=True)

    history = HistoricalRecords()
    objects = CarePlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")
        ordering = ("patient", "-version")
        indexes: ClassVar = [
            # « Demandes de modification » on the dashboard, oldest first: the few plans whose
            # changes are asked, read in order, not every open version of the programme.
            models.Index(
                fields=["changes_requested_at", "id"],
                condition=Q(status="changes_requested"),
                name="careplan_changes_asked",
            ),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["patient", "version"], name="careplan_version_once"),
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status="validated"),
                name="careplan_one_in_force",
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status__in=["draft", "proposed", "changes_requested"]),
                name="careplan_one_open_version",
            ),
            models.CheckConstraint(
                condition=~Q(status="validated")
                | (Q(validated_at__isnull=False) & ~Q(validation_method="")),
                name="careplan_validated_says_how",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Care plan v%(version)s of %(patient)s") % {
            "version": self.version,
            "patient": self.patient,
        }

    @property
    def scan_filename(self) -> str:
        """The name the signed sheet is downloaded under: nothing of the patient in it."""
        return f"plan-de-soins-v{self.version}-feuille-signee"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def ensure_editable(self) -> None:
        if not self.is_editable:
            raise InvalidTransition(
                gettext("This plan can no longer be changed: make a new version of it instead.")
            )

    def propose(self) -> None:
        """draft / changes requested → proposed to the patient."""
        if self.status not in EDITABLE_STATUSES:
            raise InvalidTransition(gettext("Only a draft or a revised plan can be proposed."))
        if not self.goals.exists() or not self.actions.exists():
            raise InvalidTransition(
                gettext("A plan needs at least one goal and one action before it is proposed.")
            )
        self.status = PlanStatus.PROPOSED
        self.proposed_at = timezone.now()
        self.save(update_fields=["status", "proposed_at"])

    def request_changes(self, *, by: User, comment: str) -> None:
        """proposed → changes requested, with the patient's words."""
        if self.status != PlanStatus.PROPOSED:
            raise InvalidTransition(gettext("Only a plan proposed to the patient can be answered."))
        if not can_answer_for_patient(by):
            raise NotAllowed(
                gettext("Only the patient, or their caregiver, can ask for changes."),
                code="not_the_patient",
            )
        if not comment.strip():
            raise InvalidTransition(gettext("Please say what you would like to change."))
        self.status = PlanStatus.CHANGES_REQUESTED
        self.changes_comment = comment.strip()
        self.changes_requested_at = timezone.now()
        self.changes_requested_by = by
        # A new request waits for a new answer (the history keeps the earlier ones).
        self.changes_answer, self.changes_answered_at, self.changes_answered_by = "", None, None
        self.save(
            update_fields=[
                "status",
                "changes_comment",
                "changes_requested_at",
                "changes_requested_by",
                "changes_answer",
                "changes_answered_at",
                "changes_answered_by",
            ]
        )

    def answer_changes(self, *, by: User, answer: str) -> None:
        """changes requested: the team's answer to the patient, kept with their request and
        shown to them (the plan is then revised and proposed again)."""
        if self.status != PlanStatus.CHANGES_REQUESTED:
            raise InvalidTransition(
                gettext("Only a plan the patient asked to change can be answered.")
            )
        if not answer.strip():
            raise InvalidTransition(gettext("Write your answer to the patient."))
        self.changes_answer = answer.strip()
        self.changes_answered_at = timezone.now()
        self.changes_answered_by = by
        self.save(update_fields=["changes_answer", "changes_answered_at", "changes_answered_by"])

    @property
    def was_revised(self) -> bool:
        """Proposed again after the patient asked for changes."""
        return self.changes_requested_at is not None

    @transaction.atomic
    def validate(
        self, *, by: User, method: str = ValidationMethod.ONLINE, scan: object = None
    ) -> None:
        """proposed → validated (in force); the plan in force before it is superseded — the
        two rows written together or not at all.

        Online, only the patient or their delegated caregiver validates. The coordinator may
        record a validation given by phone or on paper (with the scanned sheet). Pages and API
        record it through `careplans.services.careplan_validation_record`. A scanned sheet
        goes with a validation on paper only: with another, it is refused rather than kept in
        the patient's record as the proof of a validation it is not.
        """
        if self.status != PlanStatus.PROPOSED:
            raise InvalidTransition(
                gettext("Only a plan proposed to the patient can be validated.")
            )
        method = ValidationMethod(method)
        if method == ValidationMethod.ONLINE and not can_answer_for_patient(by):
            raise NotAllowed(
                gettext("Only the patient, or their caregiver, can validate the plan."),
                code="not_the_patient",
            )
        if method != ValidationMethod.ONLINE and not can_record_validation(by):
            raise NotAllowed(
                gettext("Only the coordinator records a validation by phone or on paper."),
                code="not_the_coordinator",
            )
        if method == ValidationMethod.PAPER and not scan:
            raise ValidationError(
                {"scan": gettext("Attach the scanned sheet signed by the patient.")},
                code="required",
            )
        if method != ValidationMethod.PAPER and scan:
            raise ValidationError(
                {"scan": gettext("A scanned sheet goes only with a validation on paper.")},
                code="not_on_paper",
            )
        now = timezone.now()
        CarePlan.objects.filter(patient_id=self.patient_id, status=PlanStatus.VALIDATED).update(
            status=PlanStatus.SUPERSEDED, superseded_at=now
        )
        self.status = PlanStatus.VALIDATED
        self.validated_at = now
        self.validated_by = by
        self.validation_method = method
        if scan:
            self.validation_scan = scan
        self.save()

    def archive(self) -> None:
        """In force, or a version in the making → archived: the patient left the programme
        (death, move); the plan stays readable, nobody follows it any more."""
        if self.status in (PlanStatus.SUPERSEDED, PlanStatus.ARCHIVED):
            raise InvalidTransition(gettext("Only the current plan can be archived."))
        self.status = PlanStatus.ARCHIVED
        self.archived_at = timezone.now()
        self.save(update_fields=["status", "archived_at"])


class Goal(models.Model):
    """A goal of the plan, written with the patient, in their own words."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(_("goal"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return self.text


class Owner(models.TextChoices):
    MEMBER = "member", _("A member of the team")
    PATIENT = "patient", _("The patient")
    CAREGIVER = "caregiver", _("The caregiver")
    PROVIDER = "provider", _("A supplementary-care provider")


class ActionStatus(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


OPEN_ACTION_STATUSES = (ActionStatus.TODO, ActionStatus.IN_PROGRESS)


class RepeatUnit(models.TextChoices):
    DAY = "day", _("days")
    WEEK = "week", _("weeks")
    MONTH = "month", _("months")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, on the month's last day when it is shorter (31 Jan → 28
    Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


class ActionQuerySet(models.QuerySet["Action"]):
    def visible_to(self, user: User) -> ActionQuerySet:
        """Actions of the plans of the patients in `user`'s scope (Patient.visible_to)."""
        return self.filter(plan__in=CarePlan.objects.visible_to(user))

    def of_included_patients(self) -> ActionQuerySet:
        """Actions of patients still in the programme: an exited patient's plan is history,
        readable by the team, but no longer work to do."""
        from patients.models import PatientStatus

        return self.filter(plan__patient__status=PatientStatus.INCLUDED)

    def in_force(self) -> ActionQuerySet:
        return self.filter(plan__status=PlanStatus.VALIDATED)

    def owned_by(self, user: User) -> ActionQuerySet:
        """The actions a professional carries, through their active memberships."""
        return self.filter(
            owner=Owner.MEMBER,
            membership__professional__user=user,
            membership__left_at__isnull=True,
        )

    def late(self, today: object = None) -> ActionQuerySet:
        """One-off actions past their due date. A recurring action is followed occurrence
        by occurrence: it is never late as a whole."""
        today = today or timezone.localdate()
        return self.filter(
            status__in=OPEN_ACTION_STATUSES, due_date__lt=today, repeat_every__isnull=True
        )


class Action(models.Model):
    """An action of the plan: what, who, when or how often, and how far it has gone."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="actions")
    what = models.CharField(_("what"), max_length=300)
    owner = models.CharField(_("who"), max_length=20, choices=Owner.choices)
    membership = models.ForeignKey(
        "teams.Membership",
        verbose_name=_("team member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="care_plan_actions",
    )
    provider = models.CharField(
        _("provider"), max_length=150, blank=True, help_text=_("e.g. dietitian, APA teacher")
    )
    care_provider = models.ForeignKey(
        "budget.CareProvider",
        verbose_name=_("provider from the directory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="care_plan_actions",
    )
    when = models.CharField(_("when / how often"), max_length=120, blank=True)
    due_date = models.DateField(
        _("due date"), null=True, blank=True, help_text=_("For a recurring action: the first time.")
    )
    repeat_every = models.PositiveSmallIntegerField(_("repeat every"), null=True, blank=True)
    repeat_unit = models.CharField(_("unit"), max_length=5, choices=RepeatUnit.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.TODO
    )
    done_at = models.DateTimeField(null=True, blank=True)
    decision = models.ForeignKey(
        "sic.Decision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ("position", "pk")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(owner="member") | Q(membership__isnull=False),
                name="action_member_named",
            ),
            models.CheckConstraint(
                condition=~Q(owner="provider") | ~Q(provider=""),
                name="action_provider_named",
            ),
            models.CheckConstraint(
                condition=Q(care_provider__isnull=True) | Q(owner="provider"),
                name="action_directory_provider_carries_it",
            ),
            models.CheckConstraint(
                condition=Q(repeat_every__isnull=True, repeat_unit="")
                | (Q(repeat_every__gte=1) & ~Q(repeat_unit="") & Q(due_date__isnull=False)),
                name="action_repeat_says_how_often_from_when",
            ),
        ]

    def __str__(self) -> str:
        return self.what

    def can_be_followed_by(self, user: User) -> bool:
        """Mark it done or dropped: who carries it, or who leads the team."""
        own = self.membership is not None and self.membership.professional.user_id == user.pk
        return own or can_lead_team(user, self.plan.patient)

    @property
    def who(self) -> str:
        member = self.membership if self.owner == Owner.MEMBER else None
        return self.who_label(
            owner=self.owner,
            member=None if member is None else str(member.professional),
            provider=self.provider,
        )

    @staticmethod
    def who_label(*, owner: str, member: str | None, provider: str) -> str:
        """Who carries an action, in words: the team member (`member`, their name, when the
        action is a member's), the provider, or the owner's label (the patient…)."""
        if owner == Owner.MEMBER and member is not None:
            return member
        if owner == Owner.PROVIDER:
            return provider
        try:
            return str(Owner(owner).label)
        except ValueError:  # outside the choices: shown as it is, as get_owner_display does
            return owner

    @property
    def is_recurring(self) -> bool:
        return self.repeat_every is not None

    @property
    def repeat_label(self) -> str:
        """« tous les jours », « toutes les 2 semaines »…; empty for a one-off action."""
        n = self.repeat_every
        if n is None:
            return ""
        if self.repeat_unit == RepeatUnit.DAY:
            text = ngettext("every day", "every %(n)d days", n)
        elif self.repeat_unit == RepeatUnit.WEEK:
            text = ngettext("every week", "every %(n)d weeks", n)
        else:
            text = ngettext("every month", "every %(n)d months", n)
        return text % {"n": n}

    def _rhythm(self) -> tuple[datetime.date, int, int]:
        """A recurring action's first date, its step, and the step's length in days (0 for
        months, which are stepped on the calendar)."""
        if self.due_date is None or self.repeat_every is None:
            raise InvalidTransition(gettext("This action is not recurring."))
        days = {RepeatUnit.DAY: 1, RepeatUnit.WEEK: 7}.get(RepeatUnit(self.repeat_unit), 0)
        return self.due_date, self.repeat_every, days

    def occurrence(self, index: int) -> datetime.date:
        """The date of the `index`-th time of a recurring action (0: its first)."""
        start, every, days = self._rhythm()
        if not days:
            return add_months(start, index * every)
        return start + datetime.timedelta(days=index * every * days)

    def occurrence_index(self, day: datetime.date) -> int:
        """The last occurrence due on or before `day` (0 before the first)."""
        start, every, days = self._rhythm()
        if day <= start:
            return 0
        if days:
            return (day - start).days // (every * days)
        index = ((day.year - start.year) * 12 + day.month - start.month) // every
        return index - 1 if self.occurrence(index) > day else index

    def done_days(self) -> set[datetime.date]:
        """The occurrences already done (prefetch `occurrences` for a list)."""
        return {o.due_on for o in self.occurrences.all()}

    @property
    def next_occurrence(self) -> datetime.date | None:
        """The occurrence to do now: the current period's, or the one after it when that one
        is done already. Missed periods are not owed: the action goes on from today."""
        return self._next_occurrence() if self.is_recurring else None

    def _next_occurrence(self) -> datetime.date:
        done = self.done_days()
        index = self.occurrence_index(timezone.localdate())
        while self.occurrence(index) in done:
            index += 1
        return self.occurrence(index)

    @property
    def last_done_on(self) -> datetime.date | None:
        return max(self.done_days(), default=None)

    @property
    def is_late(self) -> bool:
        return (
            not self.is_recurring
            and self.status in OPEN_ACTION_STATUSES
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )

    @property
    def can_mark_done(self) -> bool:
        """Open, and for a recurring action its current occurrence not done yet."""
        if self.status not in OPEN_ACTION_STATUSES:
            return False
        due_on = self.next_occurrence
        return due_on is None or due_on <= timezone.localdate()

    @property
    def can_undo_done(self) -> bool:
        """Marked done today: it can still be undone (a slip of the finger), until midnight."""
        today = timezone.localdate()
        if self.is_recurring:
            return any(timezone.localdate(o.done_at) == today for o in self.occurrences.all())
        return (
            self.status == ActionStatus.DONE
            and self.done_at is not None
            and timezone.localdate(self.done_at) == today
        )

    def _ensure_followed(self) -> None:
        if self.plan.status not in {PlanStatus.VALIDATED, *EDITABLE_STATUSES}:
            raise InvalidTransition(gettext("Only the actions of a plan in force are followed."))

    def set_status(self, status: str) -> None:
        """Follow an action of the plan in force (the plan's content does not change)."""
        self._ensure_followed()
        self.status = ActionStatus(status)
        self.done_at = timezone.now() if status == ActionStatus.DONE else None
        self.save(update_fields=["status", "done_at"])

    def mark_done(self, *, by: User) -> None:
        """Done: a one-off action as a whole, a recurring one for its next occurrence."""
        self._ensure_followed()
        if not self.can_mark_done:
            if self.status == ActionStatus.DONE:
                raise InvalidTransition(gettext("This action is already done."))
            if self.status == ActionStatus.DROPPED:
                raise InvalidTransition(gettext("This action is no longer followed."))
            raise InvalidTransition(
                gettext("Already done for now: next time on %(day)s.")
                % {"day": formats.date_format(self._next_occurrence(), "j F Y")}
            )
        if not self.is_recurring:
            self.set_status(ActionStatus.DONE)
            return
        ActionOccurrence.objects.create(action=self, due_on=self._next_occurrence(), done_by=by)

    @transaction.atomic
    def undo_done(self) -> None:
        """Take back a "done" given today; older ones stay (they may have been acted upon)."""
        self._ensure_followed()
        if not self.can_undo_done:
            raise InvalidTransition(gettext("Only what was marked done today can be undone."))
        if self.is_recurring:
            latest = max(self.occurrences.all(), key=lambda o: o.done_at)
            latest.delete()
            return
        self.set_status(ActionStatus.TODO)


class ActionOccurrence(models.Model):
    """One time a recurring action was done (e.g. this week's weighing)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="occurrences")
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), default=timezone.now)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("occurrence done")
        verbose_name_plural = _("occurrences done")
        ordering = ("action", "due_on")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["action", "due_on"], name="occurrence_done_once"),
        ]

    def __str__(self) -> str:
        return f"{self.action} — {self.due_on:%d/%m/%Y}"
