"""What a user finds under the bell and in their inbox: the helpers of the event tests."""

from __future__ import annotations

from django.core import mail

from labparcours.models import Role, User
from reminders.models import Notification
from tests.factories import UserFactory


def unread(user: User, kind: str | None = None) -> list[Notification]:
    """The user's unread notifications (of one kind), oldest first."""
    rows = Notification.objects.unread().filter(user=user).select_related("reminder")
    if kind is not None:
        rows = rows.filter(reminder__kind=kind)
    return list(rows.order_by("created_at", "pk"))


def kinds(user: User) -> set[str]:
    """The kinds of every notification of the user, read or not."""
    return set(Notification.objects.filter(user=user).values_list("reminder__kind", flat=True))


def mails_to(user: User) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if user.email in m.to]


def reminder_mails_to(user: User) -> list[mail.EmailMessage]:
    """The reminder e-mails of the user (a SIC's calendar invitation is not one)."""
    return [m for m in mails_to(user) if not any(a[0] == "sic.ics" for a in m.attachments)]


def assert_initials_only(message: mail.EmailMessage, patient: object) -> None:
    """An e-mail names the patient by their initials only: never a name."""
    html = message.alternatives[0][0] if getattr(message, "alternatives", None) else ""
    for text in (message.subject, message.body, html):
        assert patient.initials in text or text == html
        assert patient.last_name not in text
        assert patient.first_name not in text


def assert_speaks_to_the_patient(message: mail.EmailMessage, patient: object) -> None:
    """An e-mail to the patient about themself says « votre », and names nobody."""
    html = message.alternatives[0][0] if getattr(message, "alternatives", None) else ""
    assert "votre" in message.subject.lower()
    for text in (message.subject, message.body, html):
        assert patient.last_name not in text
        assert patient.first_name not in text
        assert patient.initials not in text


def outsider_coordinator() -> User:
    """A coordinator of the programme who coordinates neither of the world's patients."""
    return UserFactory(role=Role.COORDINATOR)
