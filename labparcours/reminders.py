"""Reminders (relances): the rules that say what is due, and the sweep that records it.

Each rule reads the programme with a few set-based queries (never one per patient) and returns
candidates: who is reminded of what, for which cycle. The sweep writes the candidates to the
ledger (`Reminder`, unique on kind, target, recipient and cycle, so a second sweep adds
nothing), then hands what is not sent yet to the sending tasks in batches. Delays and
frequencies come from the LABPARCOURS_REMINDER_* settings.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from careplans.models import Action, CarePlan, Owner, PlanStatus
from labparcours.models import Reminder, ReminderKind, Role, User
from patients.models import Patient, PatientStatus
from patients.selectors import patient_audience, with_team_counts
from sic.models import (
    KIND_OF_TEAM_ROLE,
    Attendance,
    Contribution,
    ContributionKind,
    ContributionStatus,
    Sic,
    SicStatus,
)
from teams.models import REQUIRED_ROLES, TeamRole, team_incomplete

logger = logging.getLogger(__name__)

# Which kinds each role may receive: the preferences page offers these.
KINDS_BY_ROLE: dict[str, tuple[str, ...]] = {
    Role.ADMIN: (),
    Role.COORDINATOR: (
        ReminderKind.SIC_DUE,
        ReminderKind.SIC_OVERDUE,
        ReminderKind.SIC_TO_RECORD,
        ReminderKind.PLAN_UNANSWERED,
        ReminderKind.TEAM_INCOMPLETE,
    ),
    Role.CLINICIAN: (
        ReminderKind.SIC_DUE,
        ReminderKind.SIC_TO_RECORD,
        ReminderKind.CONTRIBUTION,
        ReminderKind.SIC_TOMORROW,
        ReminderKind.ACTIONS_LATE,
        ReminderKind.MANUAL,
    ),
    Role.PATIENT: (
        ReminderKind.PATIENT_FORM,
        ReminderKind.SIC_TOMORROW,
        ReminderKind.PLAN_TO_ANSWER,
        ReminderKind.ACTIONS_LATE,
        ReminderKind.MANUAL,
    ),
}
KINDS_BY_ROLE[Role.CAREGIVER] = KINDS_BY_ROLE[Role.PATIENT]

Key = tuple[str, str, int, str]


@dataclass(frozen=True)
class Candidate:
    """A reminder that is due now; it becomes a ledger row unless it is there already."""

    kind: str
    recipient_id: int
    patient_id: uuid.UUID
    target_key: str
    cycle: str
    link: str
    context: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> Key:
        return (self.kind, self.target_key, self.recipient_id, self.cycle)

    def as_reminder(self, now: datetime.datetime) -> Reminder:
        return Reminder(
            kind=self.kind,
            recipient_id=self.recipient_id,
            patient_id=self.patient_id,
            target_key=self.target_key,
            cycle=self.cycle,
            link=self.link,
            context=self.context,
            created_at=now,
        )


# --- Small readers shared by the rules -----------------------------------------------------


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day`, in Paris."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _member_users(
    patients: QuerySet, roles: Iterable[str] | None = None
) -> dict[uuid.UUID, list[tuple[str, int]]]:
    """Patient id → [(team role, user id)] of the members of the patients' audience who have
    an account, in one query."""
    members = patient_audience(patients).members.filter(professional__user__isnull=False)
    if roles is not None:
        members = members.filter(role__in=list(roles))
    result: dict[uuid.UUID, list[tuple[str, int]]] = defaultdict(list)
    for patient_id, role, user_id in members.values_list(
        "team__patient_id", "role", "professional__user_id"
    ).order_by("team__patient_id", "role", "pk"):
        result[patient_id].append((role, user_id))
    return result


@dataclass
class PatientSide:
    """The accounts on the patient's side: the patient's and their delegated caregivers'."""

    patient: dict[uuid.UUID, int]
    caregivers: dict[uuid.UUID, list[int]]

    def users(self, patient_id: uuid.UUID) -> list[int]:
        own = [self.patient[patient_id]] if patient_id in self.patient else []
        return own + self.caregivers.get(patient_id, [])


def _patient_side(patients: QuerySet, *, attending: bool = False) -> PatientSide:
    """The patient's side of the audience, with an account, in two queries. `attending`:
    only patients who agreed to attend their SICs."""
    audience = patient_audience(patients, attending=attending)
    own = audience.patients.filter(user__isnull=False)
    caregivers = audience.caregivers.filter(user__isnull=False)
    by_patient: dict[uuid.UUID, list[int]] = defaultdict(list)
    for patient_id, user_id in caregivers.values_list("patient_id", "user_id").order_by("pk"):
        by_patient[patient_id].append(user_id)
    return PatientSide(patient=dict(own.values_list("pk", "user_id")), caregivers=by_patient)


def _included(qs: QuerySet, path: str = "patient") -> QuerySet:
    return qs.filter(**{f"{path}__status": PatientStatus.INCLUDED})


# --- The rules -----------------------------------------------------------------------------


def sics_due(now: datetime.datetime) -> list[Candidate]:
    """A SIC due within N days and not scheduled → the coordinator and the GP, once per due
    date."""
    today = timezone.localdate(now)
    horizon = today + datetime.timedelta(days=settings.LABPARCOURS_REMINDER_SIC_DUE_DAYS)
    sics = _included(Sic.objects.filter(status=SicStatus.PLANNED, due_date__range=(today, horizon)))
    gps = _member_users(sics.values("patient_id"), roles=[TeamRole.GP])
    candidates = []
    for sic_id, patient_id, due, coordinator_id, coordinator_active in sics.values_list(
        "pk", "patient_id", "due_date", "patient__coordinator_id", "patient__coordinator__is_active"
    ):
        recipients = [coordinator_id] if coordinator_active else []
        recipients += [user_id for _role, user_id in gps.get(patient_id, [])]
        link = reverse("sic:detail", args=[sic_id])
        candidates += [
            Candidate(
                ReminderKind.SIC_DUE,
                user_id,
                patient_id,
                f"sic:{sic_id}",
                due.isoformat(),
                link,
                {"date": due.isoformat()},
            )
            for user_id in recipients
        ]
    return candidates


def sics_overdue(now: datetime.datetime) -> list[Candidate]:
    """A SIC past its due date and still not scheduled → the coordinator, every N days from
    the first day late until it is scheduled (the cycle counts the periods)."""
    today = timezone.localdate(now)
    every = settings.LABPARCOURS_REMINDER_OVERDUE_EVERY_DAYS
    sics = _included(
        Sic.objects.filter(
            status=SicStatus.PLANNED, due_date__lt=today, patient__coordinator__is_active=True
        )
    )
    candidates = []
    for sic_id, patient_id, due, coordinator_id in sics.values_list(
        "pk", "patient_id", "due_date", "patient__coordinator_id"
    ):
        days_late = (today - due).days
        period = (days_late - 1) // every
        candidates.append(
            Candidate(
                ReminderKind.SIC_OVERDUE,
                coordinator_id,
                patient_id,
                f"sic:{sic_id}",
                f"{due.isoformat()}/{period}",
                reverse("sic:detail", args=[sic_id]),
                {"date": due.isoformat(), "days": days_late},
            )
        )
    return candidates


def sics_to_record(now: datetime.datetime) -> list[Candidate]:
    """A SIC whose date is over by a day and still not recorded as held → the coordinator and
    the GP, every N days until it is recorded (or cancelled): until then, the next SIC cannot
    become due."""
    every = settings.LABPARCOURS_REMINDER_OVERDUE_EVERY_DAYS
    sics = _included(Sic.objects.to_record(now - datetime.timedelta(days=1)))
    gps = _member_users(sics.values("patient_id"), roles=[TeamRole.GP])
    candidates = []
    for sic_id, patient_id, at, coordinator_id, coordinator_active in sics.values_list(
        "pk",
        "patient_id",
        "scheduled_at",
        "patient__coordinator_id",
        "patient__coordinator__is_active",
    ):
        day = timezone.localdate(at)
        period = ((timezone.localdate(now) - day).days - 1) // every
        recipients = [coordinator_id] if coordinator_active else []
        recipients += [user_id for _role, user_id in gps.get(patient_id, [])]
        candidates += [
            Candidate(
                ReminderKind.SIC_TO_RECORD,
                user_id,
                patient_id,
                f"sic:{sic_id}",
                f"{day.isoformat()}/{period}",
                reverse("sic:hold", args=[sic_id]),
                {"date": day.isoformat()},
            )
            for user_id in recipients
        ]
    return candidates


def _threshold_passed(days_left: int) -> int | None:
    """The tightest "N days before" threshold reached: with 7 and 2, J-7 from 7 days before,
    J-2 from 2 days before (a late sweep sends the latest one only)."""
    passed = [n for n in settings.LABPARCOURS_REMINDER_CONTRIBUTION_DAYS_BEFORE if days_left <= n]
    return min(passed) if passed else None


def contributions_missing(now: datetime.datetime) -> list[Candidate]:
    """A contribution not submitted N days before its scheduled SIC → its author; the patient
    experience form → the patient and their caregivers. One cycle per threshold."""
    today = timezone.localdate(now)
    horizon = max(settings.LABPARCOURS_REMINDER_CONTRIBUTION_DAYS_BEFORE, default=0)
    sics = _included(
        Sic.objects.filter(
            status=SicStatus.SCHEDULED,
            scheduled_at__gt=now,
            scheduled_at__lt=start_of(today + datetime.timedelta(days=horizon + 1)),
        )
    )
    authors = _member_users(sics.values("patient_id"), roles=KIND_OF_TEAM_ROLE)
    patient_side = _patient_side(sics.values("patient_id"))
    submitted = set(
        Contribution.objects.filter(sic__in=sics, status=ContributionStatus.SUBMITTED).values_list(
            "sic_id", "kind", "author_id"
        )
    )
    form_done = {
        sic_id for sic_id, kind, _ in submitted if kind == ContributionKind.PATIENT_EXPERIENCE
    }
    candidates = []
    for sic_id, patient_id, at in sics.values_list("pk", "patient_id", "scheduled_at"):
        day = timezone.localdate(at)
        threshold = _threshold_passed((day - today).days)
        if threshold is None:
            continue
        cycle = f"{day.isoformat()}/J-{threshold}"
        for role, user_id in authors.get(patient_id, []):
            kind = KIND_OF_TEAM_ROLE[role]
            if (sic_id, kind, user_id) in submitted:
                continue
            candidates.append(
                Candidate(
                    ReminderKind.CONTRIBUTION,
                    user_id,
                    patient_id,
                    f"sic:{sic_id}:{kind}",
                    cycle,
                    reverse("sic:contribute", args=[sic_id, kind]),
                    {"date": day.isoformat(), "contribution": kind},
                )
            )
        if sic_id in form_done:
            continue
        link = reverse("sic:contribute", args=[sic_id, ContributionKind.PATIENT_EXPERIENCE])
        candidates += [
            Candidate(
                ReminderKind.PATIENT_FORM,
                user_id,
                patient_id,
                f"sic:{sic_id}",
                cycle,
                link,
                {"date": day.isoformat()},
            )
            for user_id in patient_side.users(patient_id)
        ]
    return candidates


def sics_tomorrow(now: datetime.datetime) -> list[Candidate]:
    """A SIC tomorrow → every invited member still in the team, and the patient (and their
    caregivers) when they agreed to attend, with the video link."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    sics = _included(
        Sic.objects.filter(
            status=SicStatus.SCHEDULED,
            scheduled_at__gte=start_of(tomorrow),
            scheduled_at__lt=start_of(tomorrow + datetime.timedelta(days=1)),
        )
    )
    invited: dict[int, list[int]] = defaultdict(list)
    audience = patient_audience(sics.values("patient_id"))
    attendances = Attendance.objects.filter(
        sic__in=sics,
        membership__in=audience.members,
        membership__professional__user__isnull=False,
    ).order_by("pk")
    for sic_id, user_id in attendances.values_list("sic_id", "membership__professional__user_id"):
        invited[sic_id].append(user_id)
    patient_side = _patient_side(sics.values("patient_id"), attending=True)
    candidates = []
    for sic_id, patient_id, at, video_url in sics.values_list(
        "pk", "patient_id", "scheduled_at", "video_url"
    ):
        local = timezone.localtime(at)
        cycle = local.isoformat(timespec="minutes")
        context = {
            "date": local.date().isoformat(),
            "time": local.strftime("%H:%M"),
            "video_url": video_url,
        }
        recipients = [
            (user_id, reverse("sic:detail", args=[sic_id])) for user_id in invited[sic_id]
        ]
        recipients += [
            (user_id, reverse("patients:my_record")) for user_id in patient_side.users(patient_id)
        ]
        candidates += [
            Candidate(
                ReminderKind.SIC_TOMORROW,
                user_id,
                patient_id,
                f"sic:{sic_id}",
                cycle,
                link,
                context,
            )
            for user_id, link in recipients
        ]
    return candidates


def plans_unanswered(now: datetime.datetime) -> list[Candidate]:
    """A care plan proposed to the patient and not answered: after N days → the patient (and
    their caregivers), after M days → the coordinator. One cycle per proposal."""
    today = timezone.localdate(now)

    def proposed_before(days: int) -> QuerySet:
        # Proposed on day D is due from D + days: proposed before the day after today - days.
        limit = start_of(today - datetime.timedelta(days=days - 1))
        return _included(CarePlan.objects.filter(status=PlanStatus.PROPOSED, proposed_at__lt=limit))

    def cycle_and_context(proposed_at: datetime.datetime, days: int) -> tuple[str, dict]:
        local = timezone.localtime(proposed_at)
        return local.isoformat(timespec="seconds"), {"date": local.date().isoformat(), "days": days}

    candidates = []
    patient_days = settings.LABPARCOURS_REMINDER_PLAN_PATIENT_DAYS
    for_patients = proposed_before(patient_days)
    patient_side = _patient_side(for_patients.values("patient_id"))
    for plan_id, patient_id, proposed_at in for_patients.values_list(
        "pk", "patient_id", "proposed_at"
    ):
        cycle, context = cycle_and_context(proposed_at, patient_days)
        candidates += [
            Candidate(
                ReminderKind.PLAN_TO_ANSWER,
                user_id,
                patient_id,
                f"plan:{plan_id}",
                cycle,
                reverse("careplans:my_plan"),
                context,
            )
            for user_id in patient_side.users(patient_id)
        ]
    coordinator_days = settings.LABPARCOURS_REMINDER_PLAN_COORDINATOR_DAYS
    for_coordinators = proposed_before(coordinator_days).filter(
        patient__coordinator__is_active=True
    )
    for plan_id, patient_id, proposed_at, coordinator_id in for_coordinators.values_list(
        "pk", "patient_id", "proposed_at", "patient__coordinator_id"
    ):
        cycle, context = cycle_and_context(proposed_at, coordinator_days)
        candidates.append(
            Candidate(
                ReminderKind.PLAN_UNANSWERED,
                coordinator_id,
                patient_id,
                f"plan:{plan_id}",
                cycle,
                reverse("careplans:detail", args=[plan_id]),
                context,
            )
        )
    return candidates


def actions_late(now: datetime.datetime) -> list[Candidate]:
    """Actions of the plan in force past their date and not done → their owner, once a week
    (the cycle is the ISO week), one row per owner and patient with the count."""
    today = timezone.localdate(now)
    year, week, _ = today.isocalendar()
    cycle = f"{year}-W{week:02d}"
    actions = _included(Action.objects.in_force().late(today), "plan__patient")
    patients = actions.values("plan__patient_id")
    patient_side = _patient_side(patients)
    members = patient_audience(patients).members.filter(professional__user__isnull=False)
    counts: dict[tuple[int, uuid.UUID, str], int] = defaultdict(int)
    rows = actions.annotate(
        reachable=Exists(members.filter(pk=OuterRef("membership_id")))
    ).values_list("owner", "plan__patient_id", "membership__professional__user_id", "reachable")
    for owner, patient_id, member_user, reachable in rows:
        if owner == Owner.MEMBER:
            if reachable:
                counts[(member_user, patient_id, reverse("careplans:my_actions"))] += 1
        elif owner == Owner.PATIENT and patient_id in patient_side.patient:
            counts[
                (patient_side.patient[patient_id], patient_id, reverse("careplans:my_plan"))
            ] += 1
        elif owner == Owner.CAREGIVER:
            for user_id in patient_side.caregivers.get(patient_id, []):
                counts[(user_id, patient_id, reverse("careplans:my_plan"))] += 1
    return [
        Candidate(
            ReminderKind.ACTIONS_LATE,
            user_id,
            patient_id,
            f"actions:{patient_id}",
            cycle,
            link,
            {"count": count},
        )
        for (user_id, patient_id, link), count in counts.items()
    ]


def teams_incomplete(now: datetime.datetime) -> list[Candidate]:
    """A care team still missing a required role N days after inclusion → the coordinator,
    once per inclusion."""
    today = timezone.localdate(now)
    limit = today - datetime.timedelta(days=settings.LABPARCOURS_REMINDER_TEAM_INCOMPLETE_DAYS)
    patients = (
        with_team_counts(Patient.objects.included())
        .filter(inclusion_date__lte=limit, coordinator__is_active=True)
        .filter(team_incomplete())
    )
    counts = [f"n_{role}" for role in REQUIRED_ROLES]
    candidates = []
    for patient_id, included_on, coordinator_id, *numbers in patients.values_list(
        "pk", "inclusion_date", "coordinator_id", *counts
    ):
        missing = [role.value for role, n in zip(REQUIRED_ROLES, numbers, strict=True) if not n]
        candidates.append(
            Candidate(
                ReminderKind.TEAM_INCOMPLETE,
                coordinator_id,
                patient_id,
                f"team:{patient_id}",
                included_on.isoformat(),
                reverse("teams:team", args=[patient_id]),
                {"missing": missing, "days": (today - included_on).days},
            )
        )
    return candidates


RULES = (
    sics_due,
    sics_overdue,
    sics_to_record,
    contributions_missing,
    sics_tomorrow,
    plans_unanswered,
    actions_late,
    teams_incomplete,
)


def due_reminders(now: datetime.datetime) -> list[Candidate]:
    """Every reminder due now, by every rule, each once."""
    unique: dict[Key, Candidate] = {}
    for rule in RULES:
        for candidate in rule(now):
            unique.setdefault(candidate.key, candidate)
    return list(unique.values())


# --- The sweep -----------------------------------------------------------------------------


@dataclass
class SweepResult:
    due: int = 0  # candidates found by the rules
    recorded: int = 0  # new rows in the ledger
    skipped: int = 0  # due, but already sent (or already waiting for the daily digest)
    queued: int = 0  # unsent rows handed to sending (new ones and earlier failures)
    cancelled: int = 0  # unsent rows that are no longer due
    sent: int = 0  # sent in this process (inline sweeps only)
    digest: int = 0  # kept for the daily digest (inline sweeps only)
    failed: int = 0  # failed in this process, retried by a later sweep (inline only)


def reminders_sweep(*, now: datetime.datetime | None = None, inline: bool = False) -> SweepResult:
    """Record what is due in the ledger, then send what is not sent: through Celery in batches
    (after the commit), or here in this process when `inline` (the management command)."""
    now = now or timezone.now()
    candidates = due_reminders(now)
    result = SweepResult(due=len(candidates))
    with transaction.atomic():
        existing = _existing_states(candidates)
        new = [c for c in candidates if c.key not in existing]
        # In key order: two sweeps inserting the same rows wait for each other, never deadlock.
        new.sort(key=lambda c: (c.kind, c.target_key, c.recipient_id, c.cycle))
        Reminder.objects.bulk_create([c.as_reminder(now) for c in new], ignore_conflicts=True)
        result.recorded = len(new)
        result.skipped = sum(1 for c in candidates if existing.get(c.key) == "done")
        batches = _batches_to_send(now, {c.key for c in candidates}, result)
        if not inline:
            transaction.on_commit(lambda: _enqueue(batches), robust=True)
    if inline:
        from labparcours.notifications import reminders_send

        for batch in batches:
            report = reminders_send(batch)
            result.sent += report.sent
            result.digest += report.digest
            result.failed += report.failed
    logger.info(
        "Reminder sweep: %s due, %s recorded, %s skipped, %s queued, %s no longer due",
        result.due,
        result.recorded,
        result.skipped,
        result.queued,
        result.cancelled,
    )
    return result


def _existing_states(candidates: list[Candidate]) -> dict[Key, str]:
    """Key → "done" (sent, or handed to the digest) or "open", for candidates already in the
    ledger; one query over their targets and cycles."""
    if not candidates:
        return {}
    rows = Reminder.objects.filter(
        target_key__in={c.target_key for c in candidates}, cycle__in={c.cycle for c in candidates}
    ).values_list("kind", "target_key", "recipient_id", "cycle", "sent_at", "channel")
    return {
        (kind, target, recipient, cycle): "done" if sent_at or channel == "digest" else "open"
        for kind, target, recipient, cycle, sent_at, channel in rows
    }


def _batches_to_send(now: datetime.datetime, due: set[Key], result: SweepResult) -> list[list[int]]:
    """The unsent rows still due (and manual ones), grouped in batches that keep each
    recipient's rows together; rows no longer due are closed without being sent."""
    rows = Reminder.objects.sendable(now).values_list(
        "pk", "kind", "target_key", "recipient_id", "cycle"
    )
    keep: list[tuple[int, int]] = []
    stale: list[int] = []
    for pk, kind, target, recipient, cycle in rows.order_by("recipient_id", "pk"):
        if kind == ReminderKind.MANUAL or (kind, target, recipient, cycle) in due:
            keep.append((recipient, pk))
        else:
            stale.append(pk)
    if stale:
        # Conditional: a row a worker claimed meanwhile is left to that worker.
        result.cancelled = (
            Reminder.objects.sendable(now).filter(pk__in=stale).update(cancelled_at=now)
        )
    result.queued = len(keep)
    return list(_chunks(keep, settings.LABPARCOURS_REMINDER_BATCH_SIZE))


def _chunks(rows: list[tuple[int, int]], size: int) -> Iterator[list[int]]:
    """Batches of about `size` ids, never splitting one recipient's rows (one e-mail each)."""
    batch: list[int] = []
    previous = None
    for recipient, pk in rows:
        if len(batch) >= size and recipient != previous:
            yield batch
            batch = []
        batch.append(pk)
        previous = recipient
    if batch:
        yield batch


def _enqueue(batches: list[list[int]]) -> None:
    from labparcours.tasks import send_reminder_batch

    for index, batch in enumerate(batches):
        try:
            send_reminder_batch.delay(batch)
        except Exception:
            # The broker is down: the rows stay unsent in the ledger for the next sweep.
            logger.exception(
                "Could not queue reminders; %s batches left for the next sweep",
                len(batches) - index,
            )
            return


# --- Manual reminders ----------------------------------------------------------------------


class Topic:
    """What a reminder sent by hand is about; it decides the link."""

    SIC = "sic"
    PLAN = "plan"
    GENERAL = "general"

    CHOICES = (
        (SIC, _("Prepare the coming SIC")),
        (PLAN, _("The care plan")),
        (GENERAL, _("Something waits in Lab Parcours")),
    )


def manual_recipients(patient: Patient) -> list[tuple[User, str]]:
    """Who the coordinator may remind about this patient: the team members with an account
    (when the patient shares with the team), the patient and their delegated caregivers."""
    patients = Patient.objects.filter(pk=patient.pk).values("pk")
    members = _member_users(patients)
    side = _patient_side(patients)
    roles = {user_id: TeamRole(role).label for role, user_id in members.get(patient.pk, [])}
    for user_id in side.caregivers.get(patient.pk, []):
        roles.setdefault(user_id, Role.CAREGIVER.label)
    if patient.pk in side.patient:
        roles[side.patient[patient.pk]] = Role.PATIENT.label
    users = User.objects.filter(pk__in=roles).order_by("last_name", "first_name", "pk")
    return [(user, str(roles[user.pk])) for user in users]


def manual_link(*, patient: Patient, recipient: User, topic: str) -> str:
    if recipient.role in {Role.PATIENT, Role.CAREGIVER}:
        return (
            reverse("careplans:my_plan") if topic == Topic.PLAN else reverse("patients:my_record")
        )
    if topic == Topic.PLAN:
        return reverse("careplans:my_actions")
    if topic == Topic.SIC:
        sic = Sic.objects.open().filter(patient=patient).first()
        if sic is not None:
            return reverse("sic:detail", args=[sic.pk])
    return reverse("patients:detail", args=[patient.pk])


def reminder_send_manual(*, patient: Patient, recipient: User, topic: str, by: User) -> Reminder:
    """Write a reminder by hand in the ledger (its own cycle: the moment), then send it."""
    now = timezone.now()
    reminder = Reminder.objects.create(
        kind=ReminderKind.MANUAL,
        recipient=recipient,
        patient=patient,
        target_key=f"patient:{patient.pk}:{topic}",
        cycle=now.isoformat(timespec="microseconds"),
        link=manual_link(patient=patient, recipient=recipient, topic=topic),
        context={"topic": topic},
        created_by=by,
        created_at=now,
    )
    transaction.on_commit(lambda: _enqueue([[reminder.pk]]), robust=True)
    return reminder
