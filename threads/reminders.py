"""What a thread tells people, through the reminder machinery (`reminders.events`):

- a new message → the other participants with an account, at most one unread notice per
  thread and reader: the notice is written for the reader's read receipt as it stands
  (`cycle`), so that every message posted until they read again is the same ledger row;
- a mention → the member named, a kind of its own (a user may want mentions at once and the
  rest in a daily digest, or in the app only).

Reading the thread resolves both for that reader. The sentences carry the patient's initials,
never a word of the message.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labparcours.links import page
from labparcours.models import Role, User
from patients.models import Patient
from patients.recipients import coordinator_of, member_users, patient_side
from reminders.events import reminders_notify, reminders_resolve
from reminders.registry import Kind, register
from threads.models import Audience, Message, ReadReceipt, Thread


def _message_text(context: Mapping[str, object], initials: str) -> str:
    if context.get("patient_side"):
        return _("Your care team has written to you in the secure thread. Log in to read it.")
    return _(
        "There is a new message in the secure thread of patient %(initials)s. Log in to read it."
    ) % {"initials": initials}


THREAD_MESSAGE = Kind(
    key="thread_message",
    label=gettext_lazy("New messages in a secure thread"),
    roles=(Role.COORDINATOR, Role.CLINICIAN, Role.PATIENT, Role.CAREGIVER),
    title=gettext_lazy("New message — %(initials)s"),
    text=_message_text,
    by_hand=True,
)

THREAD_MENTION = Kind(
    key="thread_mention",
    label=gettext_lazy("You are mentioned in a secure thread"),
    roles=(Role.COORDINATOR, Role.CLINICIAN),
    title=gettext_lazy("You are mentioned — %(initials)s"),
    text=lambda context, initials: (
        _(
            "You are mentioned in a message of the secure thread of patient %(initials)s. "
            "Log in to read it."
        )
        % {"initials": initials}
    ),
    by_hand=True,
)
register(THREAD_MESSAGE, THREAD_MENTION)


def thread_target(thread: Thread) -> str:
    return f"thread:{thread.pk}"


def thread_link(thread: Thread, *, patient_side: bool = False) -> str:
    if patient_side:
        return page("threads:mine")
    return page("threads:thread", thread.patient_id, thread.slug)


def professionals_of(thread: Thread) -> set[int]:
    """The accounts of the professionals told about the thread: the active members (who share
    the patient's data) and the patient's coordinator."""
    patients = Patient.objects.filter(pk=thread.patient_id)
    members = member_users(patients).get(thread.patient_id, [])
    return {user_id for _role, user_id in members} | set(coordinator_of(thread.patient_id))


def participants(thread: Thread) -> dict[int, bool]:
    """Who is told about the thread: user id → whether they are on the patient's side."""
    told = dict.fromkeys(professionals_of(thread), False)
    if thread.audience == Audience.PATIENT:
        side = patient_side(Patient.objects.filter(pk=thread.patient_id))
        told |= dict.fromkeys(side.users(thread.patient_id), True)
    return told


def message_posted(message: Message, *, mentioned: Iterable[User]) -> None:
    """Tell the other participants; the members mentioned get the mention instead."""
    thread = message.thread
    named = {user.pk for user in mentioned}
    told = {
        user_id: side
        for user_id, side in participants(thread).items()
        if user_id != message.author_id and user_id not in named
    }
    positions = dict(
        ReadReceipt.objects.filter(thread=thread, user_id__in=list(told)).values_list(
            "user_id", "last_read_id"
        )
    )
    # One call per (read position, side): the cycle is where the reader stopped reading.
    groups: dict[tuple[int, bool], dict[int, str]] = defaultdict(dict)
    for user_id, side in told.items():
        groups[(positions.get(user_id, 0), side)][user_id] = thread_link(thread, patient_side=side)
    for (position, side), to in groups.items():
        reminders_notify(
            kind=THREAD_MESSAGE,
            patient_id=thread.patient_id,
            target_key=thread_target(thread),
            to=to,
            context={"patient_side": side},
            cycle=f"unread-after:{position}",
            by=message.author,
        )
    mentions_notify(message, named)


def mentions_notify(message: Message, user_ids: Iterable[int]) -> None:
    thread = message.thread
    to = {user_id: thread_link(thread) for user_id in user_ids if user_id != message.author_id}
    reminders_notify(
        kind=THREAD_MENTION,
        patient_id=thread.patient_id,
        target_key=thread_target(thread),
        to=to,
        cycle=f"message:{message.pk}",
        by=message.author,
    )


def thread_read(thread: Thread, user: User) -> None:
    """The reader has caught up: their notices about the thread are done."""
    reminders_resolve(
        targets=[thread_target(thread)],
        kinds=[THREAD_MESSAGE, THREAD_MENTION],
        recipients=[user.pk],
    )
