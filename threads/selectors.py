"""Reads of threads, always through the access scope; `sic` reads the pinned messages here.

A thread is read a page at a time, newest first, by key (the message id), never by offset:
a thread of thousands of messages opens as fast as one of ten.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from django.db import connection
from django.db.models import Field, Model, Prefetch, QuerySet
from django.http import Http404

from labparcours.access import log_access
from labparcours.http import AuthenticatedHttpRequest
from labparcours.models import User
from labparcours.permissions import is_patient_side
from patients.models import Patient
from patients.selectors import visible_patients
from teams.models import CareTeam, Membership, Professional
from threads import rules
from threads.models import (
    AUDIENCE_SLUGS,
    SLUG_AUDIENCES,
    Attachment,
    Audience,
    Mention,
    Message,
    ReadReceipt,
    Thread,
)

PAGE_SIZE = 30
# A poll brings at most this many new messages; the rest come with the next poll.
POLL_LIMIT = 100

# What a read is about, in the access log (labparcours.access_labels).
READ_WHAT = {Audience.TEAM: "team thread", Audience.PATIENT: "patient thread"}


def audience_of(slug: str) -> str:
    try:
        return SLUG_AUDIENCES[slug]
    except KeyError as exc:
        raise Http404 from exc


def visible_threads(user: User) -> QuerySet[Thread]:
    """The threads `user` may read: of a patient in their scope, of an audience of theirs."""
    return Thread.objects.filter(
        patient__in=visible_patients(user), audience__in=rules.audiences_for(user)
    )


def thread_of(patient: Patient, audience: str) -> Thread:
    """The patient's thread for `audience`, opened the first time it is asked for."""
    thread, _ = Thread.objects.get_or_create(patient=patient, audience=audience)
    thread.patient = patient
    return thread


def access_thread(
    request: AuthenticatedHttpRequest, pk: uuid.UUID | str, audience: str, *, log: bool = True
) -> Thread:
    """The patient's thread if `request.user` may read it (the read is logged), else 404:
    outside the scope, and the team thread for the patient's side."""
    if not rules.may_read(request.user, audience):
        raise Http404
    try:
        patient = visible_patients(request.user).select_related("coordinator").get(pk=pk)
    except (Patient.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    if log:
        log_access(request, patient, READ_WHAT[Audience(audience)])
    return thread_of(patient, audience)


def own_thread(request: AuthenticatedHttpRequest) -> Thread:
    """The thread of the patient's side: their own record's thread with the team."""
    patient = visible_patients(request.user).select_related("coordinator").order_by("pk").first()
    if patient is None:
        raise Http404
    log_access(request, patient, READ_WHAT[Audience.PATIENT])
    return thread_of(patient, Audience.PATIENT)


def access_message(request: AuthenticatedHttpRequest, pk: int | str, *, what: str) -> Message:
    try:
        message = (
            Message.objects.filter(thread__in=visible_threads(request.user))
            .select_related("thread__patient", "author")
            .get(pk=pk)
        )
    except (Message.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    log_access(request, message.thread.patient, what)
    return message


def access_attachment(request: AuthenticatedHttpRequest, pk: int | str, *, what: str) -> Attachment:
    try:
        attachment = (
            Attachment.objects.filter(message__thread__in=visible_threads(request.user))
            .select_related("message__thread__patient")
            .get(pk=pk)
        )
    except (Attachment.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    log_access(request, attachment.message.thread.patient, what)
    return attachment


# --- A page of messages ------------------------------------------------------------------------


def shown_messages(messages: QuerySet[Message]) -> QuerySet[Message]:
    """Messages with what a bubble shows, in a fixed number of queries whatever their number."""
    return messages.select_related("author__professional").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk")),
        Prefetch("mentions", queryset=Mention.objects.select_related("user")),
    )


@dataclass(frozen=True)
class MessagePage:
    """Messages oldest first, and whether older ones remain before them."""

    messages: list[Message]
    has_older: bool

    @property
    def first_id(self) -> int | None:
        return self.messages[0].pk if self.messages else None

    @property
    def last_id(self) -> int | None:
        return self.messages[-1].pk if self.messages else None


def message_page(
    thread: Thread, *, before: int | None = None, size: int = PAGE_SIZE
) -> MessagePage:
    """The newest `size` messages of the thread (before the message `before`), oldest first."""
    rows = thread.messages.all()
    if before is not None:
        rows = rows.filter(pk__lt=before)
    newest = list(shown_messages(rows.order_by("-pk"))[: size + 1])
    return MessagePage(messages=newest[:size][::-1], has_older=len(newest) > size)


def messages_after(thread: Thread, after: int) -> list[Message]:
    """The messages posted after the message `after`, oldest first (a poll)."""
    rows = thread.messages.filter(pk__gt=after).order_by("pk")
    return list(shown_messages(rows)[:POLL_LIMIT])


def messages_up_to(thread: Thread, last: int, *, size: int = PAGE_SIZE) -> list[Message]:
    """The newest `size` messages up to the message `last` included, oldest first, with only
    what their read marks need: the page whose « Lu par » a poll refreshes."""
    rows = thread.messages.filter(pk__lte=last).order_by("-pk").only("pk", "thread", "author")
    return list(rows[:size])[::-1]


def receipts_of(thread: Thread, *, shown_to: User | None = None) -> list[ReadReceipt]:
    """The thread's read receipts, by reader's name; those « Lu par » shows `shown_to`: all
    but their own. The reader looking knows what they have read (a nurse opening the thread
    is not told she read its last message), and what their page shows, and polls with the
    key of, never moves with their own reading (another tab or device): only others'."""
    receipts = ReadReceipt.objects.filter(thread=thread)
    if shown_to is not None:
        receipts = receipts.exclude(user=shown_to)
    return list(
        receipts.select_related("user").order_by("user__last_name", "user__first_name", "pk")
    )


def receipts_key(receipts: Iterable[ReadReceipt]) -> int:
    """A number that changes whenever one of these read receipts moves or a new one appears:
    the sum of the messages they reach (a receipt only moves forward). A page polls with the
    key of the receipts it shows; ids only, it travels in the poll's address."""
    return sum(receipt.last_read_id for receipt in receipts)


def mark_readers(messages: Sequence[Message], receipts: Iterable[ReadReceipt]) -> None:
    """Set `readers` on the messages: each reader of `receipts` (but the author) on the last
    message of these they have read up to (« Lu par … »)."""
    for message in messages:
        message.readers = []  # type: ignore[attr-defined]
    ids = [m.pk for m in messages]
    by_id = {m.pk: m for m in messages}
    for receipt in receipts:
        reached = [pk for pk in ids if pk <= receipt.last_read_id]
        if not reached:
            continue
        message = by_id[reached[-1]]
        if message.author_id != receipt.user_id:
            message.readers.append(receipt.user)  # type: ignore[attr-defined]


# --- Unread counts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Unread:
    """The messages of a patient's two threads a reader has still to read (`unread_counts`
    says which count)."""

    team: int = 0
    patient: int = 0

    @property
    def total(self) -> int:
        return self.team + self.patient

    def of(self, audience: str) -> int:
        return self.team if audience == Audience.TEAM else self.patient

    @property
    def slug(self) -> str:
        """The thread a badge leads to: the team's, unless only the patient's has news."""
        return AUDIENCE_SLUGS[Audience.PATIENT if self.patient and not self.team else Audience.TEAM]


def unread_counts(user: User, patient_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Unread]:
    """Patient id → the messages `user` has not read yet in each of their threads, in one
    grouped query for all the patients given. Empty for those whose reading does not count
    (programme management).

    Unread: others' messages after the reader's receipt, from the moment the reader follows
    the thread on, as a chat counts a channel from the day one joins it, not its history:
    - a member of the team: what was posted since they joined it (their active membership);
      a GP added to a team in its third year has not three years of messages to read;
    - the patient's referring coordinator, told of every message of their patients: what was
      posted since their account was opened;
    - a coordinator of the programme who is neither: nothing until they open the thread (their
      receipt), then what comes after it, as for everyone; a programme of hundreds of
      patients is not a list of hundreds of unread threads;
    - the patient and their caregiver: every message of the thread with them, written to them
      (even before their account existed).
    A message that names the reader (« @ ») counts whatever the moment, until they read it.

    Written in SQL: every list of patients asks it for its page, and the ORM took several
    times longer to build this query (a receipt per thread, a filtered count) than the
    database to answer it."""
    ids = list(patient_ids)
    if not ids or not rules.takes_part(user):
        return {}
    audiences = rules.audiences_for(user)
    patient = Thread.patient.field
    sql = _unread_sql(connection.vendor).format(
        patients=", ".join(["%s"] * len(ids)), audiences=", ".join(["%s"] * len(audiences))
    )
    params = [
        user.pk,  # the receipt
        user.pk,  # the membership
        user.pk,  # the referring coordinator
        *(patient.get_db_prep_value(pk, connection) for pk in ids),
        *audiences,
        user.pk,  # the author
        is_patient_side(user),
        user.date_joined,
        user.pk,  # the mention
    ]
    counts: dict[uuid.UUID, dict[str, int]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for patient_id, audience, n in cursor.fetchall():
            counts[patient.target_field.to_python(patient_id)][audience] = n
    return {patient_id: Unread(**by_audience) for patient_id, by_audience in counts.items()}


# Others' messages after the reader's receipt, per thread of the patients given, posted since
# the reader follows the thread (the patient's side: always; a member: since joining the
# team; the referring coordinator: since their account; anyone else: once they opened it) or
# naming them.
_UNREAD = """
    SELECT t.{patient}, t.{audience}, COUNT(*)
    FROM {thread} t
    JOIN {message} m ON m.{message_thread} = t.{thread_id}
    LEFT JOIN {receipt} r ON r.{receipt_thread} = t.{thread_id} AND r.{receipt_user} = %s
    LEFT JOIN (
        SELECT team.{team_patient} AS patient_id, ms.{joined_at} AS joined_at
        FROM {membership} ms
        JOIN {team} team ON team.{team_id} = ms.{membership_team}
        JOIN {professional} pro ON pro.{professional_id} = ms.{membership_professional}
        WHERE pro.{professional_user} = %s AND ms.{left_at} IS NULL
    ) member ON member.patient_id = t.{patient}
    LEFT JOIN {patient_table} referred
        ON referred.{patient_id} = t.{patient} AND referred.{coordinator} = %s
    WHERE t.{patient} IN ({{patients}}) AND t.{audience} IN ({{audiences}})
      AND m.{message_id} > COALESCE(r.{last_read}, 0) AND m.{author} <> %s
      AND (
        %s
        OR m.{created_at} >= member.joined_at
        OR (referred.{patient_id} IS NOT NULL AND m.{created_at} >= %s)
        OR (member.joined_at IS NULL AND r.{last_read} IS NOT NULL)
        OR EXISTS (
            SELECT 1 FROM {mention} mn
            WHERE mn.{mention_message} = m.{message_id} AND mn.{mention_user} = %s
        )
      )
    GROUP BY t.{patient}, t.{audience}
"""


@functools.cache
def _unread_sql(vendor: str) -> str:
    """`_UNREAD` with the tables' and columns' names, quoted as the database (`vendor`)
    quotes them; `{patients}` and `{audiences}` left for the placeholders."""

    def table(model: type[Model]) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    def column(model: type[Model], name: str) -> str:
        return connection.ops.quote_name(str(cast(Field, model._meta.get_field(name)).column))

    return _UNREAD.format(
        thread=table(Thread),
        message=table(Message),
        receipt=table(ReadReceipt),
        membership=table(Membership),
        team=table(CareTeam),
        professional=table(Professional),
        patient_table=table(Patient),
        mention=table(Mention),
        thread_id=column(Thread, "id"),
        patient=column(Thread, "patient"),
        audience=column(Thread, "audience"),
        message_id=column(Message, "id"),
        message_thread=column(Message, "thread"),
        author=column(Message, "author"),
        created_at=column(Message, "created_at"),
        receipt_thread=column(ReadReceipt, "thread"),
        receipt_user=column(ReadReceipt, "user"),
        last_read=column(ReadReceipt, "last_read"),
        team_id=column(CareTeam, "id"),
        team_patient=column(CareTeam, "patient"),
        membership_team=column(Membership, "team"),
        membership_professional=column(Membership, "professional"),
        joined_at=column(Membership, "joined_at"),
        left_at=column(Membership, "left_at"),
        professional_id=column(Professional, "id"),
        professional_user=column(Professional, "user"),
        patient_id=column(Patient, "id"),
        coordinator=column(Patient, "coordinator"),
        mention_message=column(Mention, "message"),
        mention_user=column(Mention, "user"),
    )


# --- « À discuter en SIC » -------------------------------------------------------------------


def pinned_for_sic(
    patient_id: uuid.UUID,
    *,
    after: datetime.datetime | None,
    until: datetime.datetime | None = None,
) -> list[Message]:
    """The patient's messages pinned for the SIC: pinned after the previous SIC was held
    (`after`, None for the first) and, for a SIC already held, up to its holding (`until`),
    oldest pin first. The SIC's page reads them; it gives the dates, this app knows no SIC."""
    rows = Message.objects.filter(thread__patient_id=patient_id, pinned_at__isnull=False)
    if after is not None:
        rows = rows.filter(pinned_at__gt=after)
    if until is not None:
        rows = rows.filter(pinned_at__lte=until)
    return list(
        rows.select_related("thread", "author__professional", "pinned_by").order_by(
            "pinned_at", "pk"
        )
    )
