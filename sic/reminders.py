"""What the SICs remind people of: a SIC to schedule (due soon, then overdue), a SIC to
record, the contributions and the experience form to submit, the SIC of tomorrow, found by
rules; and the events of a SIC, told when they happen: its invitation (and cancellation) under
the bell of everyone invited, each contribution submitted to the coordinator.

Each kind is registered with its rule (see `reminders.registry`); the rules read the SICs
through their own querysets, so "overdue" here is `Sic.objects.overdue()`, as everywhere.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import JSONObject, TruncDate
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labparcours.links import page, pages
from labparcours.models import Role, User
from labparcours.roles import CARE_WORKERS, PATIENT_SIDE
from patients.models import PatientStatus
from patients.recipients import coordinator_of, member_users, patient_side
from patients.selectors import patient_audience
from reminders.events import reminders_notify, reminders_resolve
from reminders.registry import Candidate, Kind, Selection, day, every_period, register, start_of
from reminders.sql import DaysSince, joined, page_sql, target, text
from sic.models import (
    KIND_OF_TEAM_ROLE,
    Attendance,
    Contribution,
    ContributionKind,
    ContributionStatus,
    Sic,
    SicQuerySet,
    SicStatus,
)
from teams.models import Membership, TeamRole


def _of_included(sics: SicQuerySet) -> SicQuerySet:
    return sics.filter(patient__status=PatientStatus.INCLUDED)


def _to_coordinator_and_gp(
    sics: SicQuerySet, kind: Kind, link: str, cycle_of: Any, context_of: Any, when: str
) -> list[Candidate]:
    """One candidate for the patient's coordinator (when active) and each GP of the team."""
    gps = member_users(sics.values("patient_id"), roles=[TeamRole.GP])
    sic_page = pages(link, int)
    candidates = []
    for sic_id, patient_id, at, coordinator_id, coordinator_active in sics.values_list(
        "pk", "patient_id", when, "patient__coordinator_id", "patient__coordinator__is_active"
    ):
        recipients = [coordinator_id] if coordinator_active else []
        recipients += [user_id for _role, user_id in gps.get(patient_id, [])]
        candidates += [
            Candidate(
                kind.key,
                user_id,
                patient_id,
                f"sic:{sic_id}",
                cycle_of(at),
                sic_page(sic_id),
                context_of(at),
            )
            for user_id in recipients
        ]
    return candidates


# --- A SIC due soon and not scheduled -------------------------------------------------------

SIC_DUE = Kind(
    key="sic_due",
    label=gettext_lazy("SIC due soon and not scheduled"),
    roles=CARE_WORKERS,
    title=gettext_lazy("SIC to schedule — %(initials)s"),
    text=lambda context, initials: (
        _("The SIC of patient %(initials)s is due on %(date)s and is not scheduled yet.")
        % {"initials": initials, "date": day(context["date"])}
    ),
)


def sics_due(now: datetime.datetime) -> Selection:
    """A SIC due within N days and not scheduled → the coordinator and the GP, once per due
    date. Written by the database."""
    today = timezone.localdate(now)
    days = settings.LABPARCOURS_REMINDER_SIC_DUE_DAYS
    sics = _of_included(Sic.objects.due_within(days, today).not_scheduled()).order_by()
    sic = text("pk")
    columns = {
        "kind": Value(SIC_DUE.key),
        "target": target("sic", sic),
        "cycle": text("due_date"),
        "link": page_sql("sic:detail", (int, sic)),
        "context": JSONObject(date=text("due_date")),
    }
    gps = patient_audience(sics.values("patient_id")).members.filter(
        professional__user__isnull=False, role=TeamRole.GP
    )
    coordinators = sics.filter(patient__coordinator__is_active=True)
    return Selection(
        (
            _selected(coordinators, columns, "patient__coordinator_id"),
            _selected(
                sics.filter(patient__care_team__memberships__in=gps),
                columns,
                "patient__care_team__memberships__professional__user_id",
            ),
        )
    )


def _selected(sics: SicQuerySet, columns: dict[str, Any], recipient: str) -> QuerySet:
    """The ledger's columns (`registry.SELECTED`) of rows about SICs, to `recipient`."""
    return sics.values_list(
        columns["kind"],
        columns["target"],
        recipient,
        columns["cycle"],
        "patient_id",
        columns["link"],
        columns["context"],
    )


register(SIC_DUE, find=sics_due)


# --- A SIC overdue and still not scheduled --------------------------------------------------

SIC_OVERDUE = Kind(
    key="sic_overdue",
    label=gettext_lazy("SIC overdue"),
    roles=(Role.COORDINATOR,),
    title=gettext_lazy("SIC overdue — %(initials)s"),
    text=lambda context, initials: (
        _("The SIC of patient %(initials)s was due on %(date)s and is still not scheduled.")
        % {"initials": initials, "date": day(context["date"])}
    ),
)


def sics_overdue(now: datetime.datetime) -> Selection:
    """An overdue SIC that is not scheduled yet → the coordinator, every N days from the first
    day late until it is scheduled (the cycle counts the periods: `every_period`). Written by
    the database."""
    today = timezone.localdate(now)
    every = settings.LABPARCOURS_REMINDER_OVERDUE_EVERY_DAYS
    sics = _of_included(
        Sic.objects.overdue(today).not_scheduled().filter(patient__coordinator__is_active=True)
    ).order_by()
    late = DaysSince(today, "due_date")
    # Overdue: a day late at least, so the division of non-negative numbers is `//`.
    period = ExpressionWrapper((late - 1) / every, output_field=IntegerField())
    sic = text("pk")
    columns = {
        "kind": Value(SIC_OVERDUE.key),
        "target": target("sic", sic),
        "cycle": joined(text("due_date"), "/", text(period)),
        "link": page_sql("sic:detail", (int, sic)),
        "context": JSONObject(date=text("due_date"), days=late),
    }
    return Selection((_selected(sics, columns, "patient__coordinator_id"),))


register(SIC_OVERDUE, find=sics_overdue)


# --- A SIC past but not recorded ------------------------------------------------------------

SIC_TO_RECORD = Kind(
    key="sic_to_record",
    label=gettext_lazy("SIC past but not recorded"),
    roles=CARE_WORKERS,
    title=gettext_lazy("SIC to record — %(initials)s"),
    text=lambda context, initials: (
        _(
            "The SIC of patient %(initials)s took place on %(date)s: please record the "
            "attendance, the minutes and the decisions."
        )
        % {"initials": initials, "date": day(context["date"])}
    ),
)


def sics_to_record(now: datetime.datetime) -> list[Candidate]:
    """A SIC whose date is over by a day and still not recorded as held → the coordinator and
    the GP, every N days until it is recorded (or cancelled): until then, the next SIC cannot
    become due."""
    today = timezone.localdate(now)
    every = settings.LABPARCOURS_REMINDER_OVERDUE_EVERY_DAYS
    sics = _of_included(Sic.objects.to_record(now - datetime.timedelta(days=1)))

    def cycle(at: datetime.datetime) -> str:
        held_on = timezone.localdate(at)
        return f"{held_on.isoformat()}/{every_period(held_on, today, every)}"

    return _to_coordinator_and_gp(
        sics,
        SIC_TO_RECORD,
        "sic:hold",
        cycle_of=cycle,
        context_of=lambda at: {"date": timezone.localdate(at).isoformat()},
        when="scheduled_at",
    )


register(SIC_TO_RECORD, find=sics_to_record)


# --- Contributions and the experience form before a SIC -------------------------------------


def _contribution_text(context: Mapping[str, Any], initials: str) -> str:
    return _(
        "Your contribution (%(contribution)s) to the SIC of patient %(initials)s on "
        "%(date)s has not been submitted yet."
    ) % {
        "contribution": ContributionKind(context["contribution"]).label,
        "initials": initials,
        "date": day(context["date"]),
    }


CONTRIBUTION = Kind(
    key="contribution",
    label=gettext_lazy("Contribution to submit before a SIC"),
    roles=(Role.CLINICIAN,),
    title=gettext_lazy("Contribution to submit — %(initials)s"),
    text=_contribution_text,
)
PATIENT_FORM = Kind(
    key="patient_form",
    label=gettext_lazy("Patient experience form to fill in"),
    roles=PATIENT_SIDE,
    title=gettext_lazy("Experience form to fill in — %(initials)s"),
    text=lambda context, initials: (
        _(
            "The patient experience form for the SIC of %(date)s (patient %(initials)s) has not "
            "been filled in yet. It helps the team prepare the meeting with you."
        )
        % {"initials": initials, "date": day(context["date"])}
    ),
    own_title=gettext_lazy("Your experience form to fill in"),
    own_text=lambda context: (
        _(
            "Your experience form for the SIC of %(date)s has not been filled in yet. It helps "
            "your team prepare the meeting with you."
        )
        % {"date": day(context["date"])}
    ),
)


def contributions_missing(now: datetime.datetime) -> Selection:
    """A contribution not submitted N days before its scheduled SIC → its author; the patient
    experience form → the patient and their caregivers. One cycle per threshold: the tightest
    "N days before" reached (with 7 and 2, J-7 from 7 days before, J-2 from 2 days before; a
    late sweep sends the latest one only). Written by the database."""
    today = timezone.localdate(now)
    thresholds = sorted(settings.LABPARCOURS_REMINDER_CONTRIBUTION_DAYS_BEFORE)
    horizon = max(thresholds, default=0)
    held_on = TruncDate("scheduled_at")
    days_left = ExpressionWrapper(DaysSince(today, held_on) * -1, output_field=IntegerField())
    tightest = Case(
        *(When(LessThanOrEqual(days_left, n), then=Value(n)) for n in thresholds),
        output_field=IntegerField(),
    )
    sics = (
        _of_included(
            Sic.objects.filter(
                status=SicStatus.SCHEDULED,
                scheduled_at__gt=now,
                scheduled_at__lt=start_of(today + datetime.timedelta(days=horizon + 1)),
            )
        )
        .annotate(threshold=tightest)
        .filter(threshold__isnull=False)
        .order_by()
    )
    sic = text("pk")
    cycle = joined(text(held_on), "/J-", text("threshold"))
    submitted = Contribution.objects.filter(sic=OuterRef("pk"), status=ContributionStatus.SUBMITTED)
    authors = patient_audience(sics.values("patient_id")).members.filter(
        professional__user__isnull=False
    )
    author = "patient__care_team__memberships__professional__user_id"
    selections = []
    for role, kind in KIND_OF_TEAM_ROLE.items():
        # In one filter: the author's exclusion reads the membership of this row.
        to_write = sics.filter(
            Q(patient__care_team__memberships__in=authors.filter(role=role)),
            ~Exists(submitted.filter(kind=kind, author_id=OuterRef(author))),
        )
        columns = {
            "kind": Value(CONTRIBUTION.key),
            "target": target("sic", sic, Value(kind)),
            "cycle": cycle,
            "link": page_sql("sic:contribute", (int, sic), (str, Value(kind))),
            "context": JSONObject(date=text(held_on), contribution=Value(kind)),
        }
        selections.append(_selected(to_write, columns, author))
    form = ContributionKind.PATIENT_EXPERIENCE
    no_form = sics.exclude(Exists(submitted.filter(kind=form)))
    audience = patient_audience(no_form.values("patient_id"))
    columns = {
        "kind": Value(PATIENT_FORM.key),
        "target": target("sic", sic),
        "cycle": cycle,
        "link": page_sql("sic:contribute", (int, sic), (str, Value(form))),
        "context": JSONObject(date=text(held_on)),
    }
    patients = audience.patients.filter(user__isnull=False)
    caregivers = audience.caregivers.filter(user__isnull=False)
    selections += [
        _selected(no_form.filter(patient__in=patients), columns, "patient__user_id"),
        _selected(
            no_form.filter(patient__caregivers__in=caregivers),
            columns,
            "patient__caregivers__user_id",
        ),
    ]
    return Selection(tuple(selections))


register(CONTRIBUTION, PATIENT_FORM, find=contributions_missing)


def invited_members(sic_ids: list[int]) -> dict[int, list[int]]:
    """SIC id → the accounts of the members invited to it who are still in the patient's
    audience (a member who left the team, or a patient who stopped sharing, is told nothing).
    For a few SICs, by their ids: their attendances are probed by SIC, never joined whole."""
    invited: dict[int, list[int]] = defaultdict(list)
    audience = patient_audience(Sic.objects.filter(pk__in=sic_ids).values("patient_id"))
    attendances = Attendance.objects.filter(
        sic_id__in=sic_ids,
        membership__in=audience.members,
        membership__professional__user__isnull=False,
    ).order_by("pk")
    for sic_id, user_id in attendances.values_list("sic_id", "membership__professional__user_id"):
        invited[sic_id].append(user_id)
    return invited


# --- The SIC of tomorrow --------------------------------------------------------------------

SIC_TOMORROW = Kind(
    key="sic_tomorrow",
    label=gettext_lazy("SIC tomorrow"),
    roles=(Role.CLINICIAN, *PATIENT_SIDE),
    title=gettext_lazy("SIC tomorrow — %(initials)s"),
    text=lambda context, initials: (
        _("The SIC of patient %(initials)s takes place tomorrow, %(date)s at %(time)s, by video.")
        % {"initials": initials, "date": day(context["date"]), "time": context["time"]}
    ),
    own_title=gettext_lazy("Your SIC is tomorrow"),
    own_text=lambda context: (
        _("Your SIC takes place tomorrow, %(date)s at %(time)s, by video.")
        % {"date": day(context["date"]), "time": context["time"]}
    ),
)


def sics_tomorrow(now: datetime.datetime) -> list[Candidate]:
    """A SIC tomorrow → every invited member still in the team, and the patient (and their
    caregivers) when they agreed to attend, with the video link."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    sics = _of_included(
        Sic.objects.filter(
            status=SicStatus.SCHEDULED,
            scheduled_at__gte=start_of(tomorrow),
            scheduled_at__lt=start_of(tomorrow + datetime.timedelta(days=1)),
        )
    )
    rows = list(sics.values_list("pk", "patient_id", "scheduled_at", "video_url"))
    if not rows:
        return []
    # Tomorrow's few SICs by their ids, not by a nested selection the planner would join to
    # every attendance of the programme.
    ids = [sic_id for sic_id, *_ in rows]
    invited = invited_members(ids)
    side = patient_side(Sic.objects.filter(pk__in=ids).values("patient_id"), attending=True)
    sic_page, my_record = pages("sic:detail", int), page("patients:my_record")
    candidates = []
    for sic_id, patient_id, at, video_url in rows:
        local = timezone.localtime(at)
        cycle = local.isoformat(timespec="minutes")
        context = {
            "date": local.date().isoformat(),
            "time": local.strftime("%H:%M"),
            "video_url": video_url,
        }
        recipients = [(user_id, sic_page(sic_id)) for user_id in invited[sic_id]]
        recipients += [(user_id, my_record) for user_id in side.users(patient_id)]
        candidates += [
            Candidate(SIC_TOMORROW.key, user_id, patient_id, f"sic:{sic_id}", cycle, link, context)
            for user_id, link in recipients
        ]
    return candidates


register(SIC_TOMORROW, find=sics_tomorrow)


# --- Events of a SIC: scheduled, cancelled, held; a contribution submitted ------------------
#
# Written at the moment by `sic.services` (see `reminders.events`). The invitation and its
# cancellation go to the bell only: their e-mail is the calendar invitation of
# `sic.notifications`, which every invited person receives already.


def sic_target(sic: Sic) -> str:
    return f"sic:{sic.pk}"


def _sic_targets(sic: Sic) -> list[str]:
    """The SIC and each of its contributions: what the SIC's end makes done."""
    return [sic_target(sic), *(f"sic:{sic.pk}:{kind}" for kind in ContributionKind.values)]


def _invited_text(context: Mapping[str, Any], initials: str) -> str:
    if context.get("rescheduled"):
        text = _(
            "The SIC of patient %(initials)s is moved to %(date)s at %(time)s, by video. The "
            "new calendar invitation was sent by e-mail."
        )
    else:
        text = _(
            "You are invited to the SIC of patient %(initials)s on %(date)s at %(time)s, by "
            "video. The calendar invitation was sent by e-mail."
        )
    return text % {"initials": initials, "date": day(context["date"]), "time": context["time"]}


SIC_INVITED = Kind(
    key="sic_invited",
    label=gettext_lazy("Invitation to a SIC"),
    roles=(Role.CLINICIAN, *PATIENT_SIDE),
    title=gettext_lazy("Invitation to the SIC — %(initials)s"),
    text=_invited_text,
    by_hand=True,
    by_email=False,
    own_title=gettext_lazy("Invitation to your SIC"),
    own_text=lambda context: (
        (
            _(
                "Your SIC is moved to %(date)s at %(time)s, by video. The new calendar "
                "invitation was sent by e-mail."
            )
            if context.get("rescheduled")
            else _(
                "You are invited to your SIC on %(date)s at %(time)s, by video. The calendar "
                "invitation was sent by e-mail."
            )
        )
        % {"date": day(context["date"]), "time": context["time"]}
    ),
)
SIC_CANCELLED = Kind(
    key="sic_cancelled",
    label=gettext_lazy("SIC cancelled"),
    roles=(Role.CLINICIAN, *PATIENT_SIDE),
    title=gettext_lazy("SIC cancelled — %(initials)s"),
    text=lambda context, initials: (
        _("The SIC of patient %(initials)s planned on %(date)s at %(time)s is cancelled.")
        % {"initials": initials, "date": day(context["date"]), "time": context["time"]}
    ),
    by_hand=True,
    by_email=False,
    own_title=gettext_lazy("Your SIC is cancelled"),
    own_text=lambda context: (
        _("Your SIC planned on %(date)s at %(time)s is cancelled.")
        % {"date": day(context["date"]), "time": context["time"]}
    ),
)


def _contribution_submitted_text(context: Mapping[str, Any], initials: str) -> str:
    return _(
        "New contribution for the SIC of patient %(initials)s (%(date)s): %(contribution)s. "
        "%(received)s of %(expected)s received."
    ) % {
        "contribution": ContributionKind(context["contribution"]).label,
        "initials": initials,
        "date": day(context["date"]),
        "received": context["received"],
        "expected": context["expected"],
    }


CONTRIBUTION_SUBMITTED = Kind(
    key="contribution_submitted",
    label=gettext_lazy("Contribution submitted before a SIC"),
    roles=(Role.COORDINATOR,),
    title=gettext_lazy("Contribution received — %(initials)s"),
    text=_contribution_submitted_text,
    by_hand=True,
)
register(SIC_INVITED, SIC_CANCELLED, CONTRIBUTION_SUBMITTED)


def _when(sic: Sic) -> dict[str, str]:
    local = timezone.localtime(sic.scheduled_at)
    return {"date": local.date().isoformat(), "time": local.strftime("%H:%M")}


def _invitees(sic: Sic) -> dict[int, str]:
    """Who the SIC's calendar invitation reaches, with an account: the invited members still
    in the audience (to the SIC's page), the patient and their caregivers when they agreed to
    attend (to their record)."""
    one = Sic.objects.filter(pk=sic.pk)
    to = dict.fromkeys(invited_members([sic.pk])[sic.pk], page("sic:detail", sic.pk))
    side = patient_side(one.values("patient_id"), attending=True)
    to |= dict.fromkeys(side.users(sic.patient_id), page("patients:my_record"))
    return to


def sic_scheduled(sic: Sic, *, rescheduled: bool) -> None:
    """The SIC has a date (or a new one): the reminders to schedule it, and those of its
    former date, are done; everyone invited finds the invitation under the bell."""
    reminders_resolve(
        targets=[sic_target(sic)],
        kinds=[SIC_DUE, SIC_OVERDUE, SIC_TO_RECORD, SIC_TOMORROW, SIC_INVITED],
    )
    reminders_notify(
        kind=SIC_INVITED,
        patient_id=sic.patient_id,
        target_key=sic_target(sic),
        to=_invitees(sic),
        context={**_when(sic), "rescheduled": rescheduled},
        cycle=str(sic.ics_sequence),
    )


def sic_closed(sic: Sic) -> None:
    """The SIC is held or cancelled: every reminder about it and its contributions is done."""
    reminders_resolve(targets=_sic_targets(sic))


def sic_cancelled(sic: Sic) -> None:
    """A scheduled SIC is cancelled: what it asked is done; those it invited are told under
    the bell (their calendar receives the cancellation by e-mail)."""
    sic_closed(sic)
    reminders_notify(
        kind=SIC_CANCELLED,
        patient_id=sic.patient_id,
        target_key=sic_target(sic),
        to=_invitees(sic),
        context=_when(sic),
        cycle=str(sic.ics_sequence),
    )


def attendance_answered(sic: Sic, *, by_user_id: int) -> None:
    """A member answered the invitation: it is done for them."""
    reminders_resolve(targets=[sic_target(sic)], kinds=[SIC_INVITED], recipients=[by_user_id])


def contribution_submitted(contribution: Contribution, *, by: User) -> None:
    """A contribution is submitted: the reminders to write it are done; the patient's
    coordinator sees the preparation progress (received out of expected)."""
    sic = contribution.sic
    if contribution.kind == ContributionKind.PATIENT_EXPERIENCE:
        reminders_resolve(targets=[sic_target(sic)], kinds=[PATIENT_FORM])
    else:
        reminders_resolve(
            targets=[f"sic:{sic.pk}:{contribution.kind}"],
            kinds=[CONTRIBUTION],
            recipients=[contribution.author_id],
        )
    received = Contribution.objects.filter(sic=sic, status=ContributionStatus.SUBMITTED).count()
    writers = Membership.objects.active().filter(
        team__patient_id=sic.patient_id, role__in=KIND_OF_TEAM_ROLE
    )
    when = timezone.localtime(sic.scheduled_at).date() if sic.scheduled_at else sic.due_date
    reminders_notify(
        kind=CONTRIBUTION_SUBMITTED,
        patient_id=sic.patient_id,
        target_key=sic_target(sic),
        to=dict.fromkeys(coordinator_of(sic.patient_id), page("sic:detail", sic.pk)),
        context={
            "contribution": contribution.kind,
            "date": when.isoformat(),
            "received": received,
            "expected": writers.count() + 1,  # the members who write, and the patient's form
        },
        cycle=str(contribution.pk),
        by=by,
    )
