"""What the envelopes remind people of: a request waiting for the coordinator's decision, an
envelope nearly used up, an approved request still without any session after months, found by
rules; and the events of a request, told when they happen: asked (to the coordinator), decided
(to its prescriber).

Each kind is registered with its rule (see `reminders.registry`); each is sent once per
request or envelope (the ledger of reminders is unique on kind, target, recipient and cycle,
and the cycle of these kinds never changes). The sentences carry the patient's initials and
dates, never a name, an amount or the kind of care.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budget.models import BudgetEnvelope, CareRequestStatus, Expense, SupplementaryCare
from labparcours.links import page, pages
from labparcours.models import Role, User
from labparcours.roles import CARE_WORKERS
from patients.models import PatientStatus
from patients.recipients import coordinator_of, member_users
from reminders.events import reminders_notify, reminders_resolve
from reminders.registry import Candidate, Kind, day, register


def _patient_page(patient_id: uuid.UUID) -> str:
    return page("patients:detail", patient_id)


def _patient_pages() -> Callable[[uuid.UUID], str]:
    """The patients' pages, for the rows of a rule (the URL conf looked up once)."""
    return pages("patients:detail", uuid.UUID)


# --- A request waiting for the coordinator --------------------------------------------------

CARE_WAITING = Kind(
    key="care_waiting",
    label=gettext_lazy("Supplementary care waiting for a decision"),
    roles=(Role.COORDINATOR,),
    title=gettext_lazy("Supplementary care to decide — %(initials)s"),
    text=lambda context, initials: (
        _(
            "A request of supplementary care for patient %(initials)s has been waiting for your "
            "decision since %(date)s."
        )
        % {"initials": initials, "date": day(context["date"])}
    ),
)


def care_waiting(now: datetime.datetime) -> list[Candidate]:
    """A request waiting for more than N days (7) → the patient's coordinator, once."""
    limit = now - datetime.timedelta(days=settings.LABPARCOURS_REMINDER_CARE_WAITING_DAYS)
    waiting = SupplementaryCare.objects.filter(
        status=CareRequestStatus.REQUESTED,
        requested_at__lt=limit,
        envelope__patient__status=PatientStatus.INCLUDED,
        envelope__patient__coordinator__is_active=True,
    )
    patient_page = _patient_pages()
    return [
        Candidate(
            CARE_WAITING.key,
            coordinator_id,
            patient_id,
            f"care:{care_id}",
            "waiting",
            patient_page(patient_id),
            {"date": timezone.localdate(requested_at).isoformat()},
        )
        for care_id, patient_id, coordinator_id, requested_at in waiting.values_list(
            "pk", "envelope__patient_id", "envelope__patient__coordinator_id", "requested_at"
        )
    ]


register(CARE_WAITING, find=care_waiting)


# --- An envelope nearly used up ------------------------------------------------------------

ENVELOPE_NEARLY_USED = Kind(
    key="envelope_nearly_used",
    label=gettext_lazy("Envelope nearly used up"),
    roles=(Role.COORDINATOR,),
    title=gettext_lazy("Envelope nearly used up — %(initials)s"),
    text=lambda context, initials: (
        _(
            "The envelope of patient %(initials)s, until %(date)s, is committed or spent at "
            "%(percent)s %% or more."
        )
        % {
            "initials": initials,
            "date": day(context["date"]),
            "percent": settings.LABPARCOURS_REMINDER_ENVELOPE_USED_PERCENT,
        }
    ),
)


def envelopes_nearly_used(now: datetime.datetime) -> list[Candidate]:
    """The envelope of the current year whose money is committed or spent at N % (80) or
    more → the patient's coordinator, once per envelope. Committed counts with spent: an
    approved request is money the coordinator can no longer give."""
    today = timezone.localdate(now)
    share = Decimal(settings.LABPARCOURS_REMINDER_ENVELOPE_USED_PERCENT) / 100
    envelopes = (
        BudgetEnvelope.objects.filter(
            starts_on__lte=today,
            ends_on__gt=today,
            patient__status=PatientStatus.INCLUDED,
            patient__coordinator__is_active=True,
        )
        .with_balances()
        .annotate(used=F("committed") + F("spent"))
        # Annotations of `with_balances`, which the type checker cannot follow: in a Q.
        .filter(Q(allotted__gt=0) & Q(used__gte=F("allotted") * share))
        .values_list("pk", "patient_id", "patient__coordinator_id", "ends_on")
    )
    patient_page = _patient_pages()
    return [
        Candidate(
            ENVELOPE_NEARLY_USED.key,
            coordinator_id,
            patient_id,
            f"envelope:{envelope_id}",
            "nearly_used",
            patient_page(patient_id),
            {"date": ends_on.isoformat()},
        )
        for envelope_id, patient_id, coordinator_id, ends_on in envelopes
    ]


register(ENVELOPE_NEARLY_USED, find=envelopes_nearly_used)


# --- An approved request still unused ------------------------------------------------------

CARE_UNUSED = Kind(
    key="care_unused",
    label=gettext_lazy("Approved supplementary care still without a session"),
    roles=CARE_WORKERS,
    title=gettext_lazy("Supplementary care not started — %(initials)s"),
    text=lambda context, initials: (
        _(
            "The supplementary care approved on %(date)s for patient %(initials)s has had no "
            "session recorded for %(days)s days."
        )
        % {"initials": initials, "date": day(context["date"]), "days": context["days"]}
    ),
)


def care_unused(now: datetime.datetime) -> list[Candidate]:
    """A request approved N days ago (90) and still without any expense → its prescriber,
    once; when the prescriber can no longer be told (left the team, account closed), the
    patient's coordinator, so that the money it holds is not forgotten."""
    days = settings.LABPARCOURS_REMINDER_CARE_UNUSED_DAYS
    unused = SupplementaryCare.objects.filter(
        status=CareRequestStatus.APPROVED,
        decided_at__lt=now - datetime.timedelta(days=days),
        envelope__patient__status=PatientStatus.INCLUDED,
    ).exclude(Exists(Expense.objects.filter(request=OuterRef("pk"))))
    # The prescribers still in their patient's audience (the other members are not asked).
    reachable: dict[uuid.UUID, set[int]] = defaultdict(set)
    audience = member_users(
        unused.values("envelope__patient_id"), users=unused.values("prescriber_id")
    )
    for patient_id, members in audience.items():
        reachable[patient_id] = {user_id for _role, user_id in members}
    patient_page = _patient_pages()
    zone = timezone.get_current_timezone()  # once: each lookup reads a context variable
    candidates = []
    rows = unused.values_list(
        "pk",
        "envelope__patient_id",
        "prescriber_id",
        "decided_at",
        "envelope__patient__coordinator_id",
        "envelope__patient__coordinator__is_active",
    )
    for care_id, patient_id, prescriber_id, decided_at, coordinator_id, active in rows:
        coordinator = coordinator_id if active else None
        told = reachable[patient_id] | {coordinator}
        recipient = prescriber_id if prescriber_id in told else coordinator
        if recipient is None:
            continue
        candidates.append(
            Candidate(
                CARE_UNUSED.key,
                recipient,
                patient_id,
                f"care:{care_id}",
                "unused",
                patient_page(patient_id),
                {"date": timezone.localdate(decided_at, zone).isoformat(), "days": days},
            )
        )
    return candidates


register(CARE_UNUSED, find=care_unused)


# --- Events of a request: asked (to the coordinator), decided (to its prescriber) -----------
#
# Written at the moment by `budget.services` (see `reminders.events`), about the request
# (`care:<id>`, the target of the rules above too): its decision makes the coordinator's
# reminders done, its first session the prescriber's.


def care_target(request: SupplementaryCare) -> str:
    return f"care:{request.pk}"


CARE_REQUESTED = Kind(
    key="care_requested",
    label=gettext_lazy("Supplementary care asked"),
    roles=(Role.COORDINATOR,),
    title=gettext_lazy("Supplementary care to decide — %(initials)s"),
    text=lambda context, initials: (
        _("A request of supplementary care for patient %(initials)s waits for your decision.")
        % {"initials": initials}
    ),
    by_hand=True,
)


def _care_decided_text(context: Mapping[str, object], initials: str) -> str:
    if context.get("approved"):
        text = _(
            "The supplementary care you prescribed for patient %(initials)s is approved: the "
            "sessions can start."
        )
    else:
        text = _(
            "The supplementary care you prescribed for patient %(initials)s is refused: the "
            "reason is on the patient's page."
        )
    return text % {"initials": initials}


CARE_DECIDED = Kind(
    key="care_decided",
    label=gettext_lazy("Decision on supplementary care you prescribed"),
    roles=(Role.CLINICIAN,),
    title=gettext_lazy("Supplementary care decided — %(initials)s"),
    text=_care_decided_text,
    by_hand=True,
)
register(CARE_REQUESTED, CARE_DECIDED)


def care_requested(request: SupplementaryCare, *, by: User) -> None:
    """A member asks for supplementary care: the patient's coordinator decides (unless they
    asked it themselves)."""
    patient_id = request.envelope.patient_id
    reminders_notify(
        kind=CARE_REQUESTED,
        patient_id=patient_id,
        target_key=care_target(request),
        to=dict.fromkeys(
            (user_id for user_id in coordinator_of(patient_id) if user_id != by.pk),
            page("budget:waiting"),
        ),
        cycle="requested",
        by=by,
    )


def care_decided(request: SupplementaryCare, *, by: User) -> None:
    """The coordinator decided: the reminders to decide are done; the prescriber is told
    (when it is not the coordinator themselves)."""
    reminders_resolve(targets=[care_target(request)], kinds=[CARE_REQUESTED, CARE_WAITING])
    patient_id = request.envelope.patient_id
    prescribers = [request.prescriber_id] if request.prescriber_id != by.pk else []
    reminders_notify(
        kind=CARE_DECIDED,
        patient_id=patient_id,
        target_key=care_target(request),
        to=dict.fromkeys(prescribers, _patient_page(patient_id)),
        context={"approved": request.status == CareRequestStatus.APPROVED},
        cycle="decided",
        by=by,
    )


def care_closed(request: SupplementaryCare) -> None:
    """The request is cancelled or expired, or its first session recorded: nothing about it
    waits any more."""
    reminders_resolve(
        targets=[care_target(request)], kinds=[CARE_REQUESTED, CARE_WAITING, CARE_UNUSED]
    )
