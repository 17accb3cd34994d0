"""Who may do what in a thread, once the scope (`Patient.objects.visible_to`) let them see
the patient.

The team thread is the professionals': the active members (the scope), the coordination, and
programme management reading without writing, as on the other pages. The thread with the
patient adds the patient and their delegated caregiver, who never see the team thread: for
them it does not exist (404, not 403)."""

from __future__ import annotations

from labparcours.models import Role, User
from labparcours.roles import PATIENT_SIDE
from patients.models import PatientStatus
from threads.models import Audience, Message, Thread

# Who writes in a thread they may read: everyone but programme management.
WRITERS = frozenset({Role.COORDINATOR, Role.CLINICIAN, *PATIENT_SIDE})
# Who pins a message to the next SIC's preparation: those who prepare SICs.
PINNERS = frozenset({Role.COORDINATOR, Role.CLINICIAN})


def audiences_for(user: User) -> list[str]:
    """The threads of a visible patient that `user` may read."""
    if getattr(user, "role", None) in PATIENT_SIDE:
        return [Audience.PATIENT]
    return [Audience.TEAM, Audience.PATIENT]


def may_read(user: User, audience: str) -> bool:
    return audience in audiences_for(user)


def can_post(user: User) -> bool:
    return user.role in WRITERS


def is_open(thread: Thread) -> bool:
    """A thread takes new messages while its patient is in the programme: once they have left
    it (death, move, withdrawal), it is kept and read, no longer written to."""
    return thread.patient.status != PatientStatus.EXITED


def takes_part(user: User) -> bool:
    """Whose reading counts (read receipts, unread counts): those who write."""
    return can_post(user)


def can_edit(user: User, message: Message) -> bool:
    """Correct a message: its author only (the 15 minutes are the model's rule)."""
    return message.author_id == user.pk


def can_pin(user: User) -> bool:
    return user.role in PINNERS
