"""Each user chooses per kind: e-mail at once, in the app only, or a daily digest."""

from django.core import mail

from reminders.models import Channel, Notification, NotificationPreference, Reminder
from reminders.tasks import queue_reminder_digests
from tests.conftest import World
from tests.factories import planned_sic
from tests.reminders.conftest import frozen, moment, outbox_to, sweep_at


def prefer(user, kind: str, channel: str) -> None:
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"channel": channel}
    )


def overdue_and_incomplete(world: World) -> None:
    """Two reminders for the coordinator: the own patient's overdue SIC and the other
    patient's incomplete team."""
    planned_sic(world.own, due=moment(-3).date())


def test_by_default_a_reminder_is_e_mailed_and_shown_under_the_bell(world: World) -> None:
    overdue_and_incomplete(world)
    sweep_at(moment(0))
    assert len(outbox_to(world.coordinator.email)) == 1  # both in one e-mail
    assert Notification.objects.filter(user=world.coordinator).unread().count() == 2
    assert set(Reminder.objects.values_list("channel", flat=True)) == {Channel.EMAIL}


def test_in_the_app_only_sends_no_e_mail(world: World) -> None:
    overdue_and_incomplete(world)
    prefer(world.coordinator, "sic_overdue", Channel.IN_APP)
    prefer(world.coordinator, "team_incomplete", Channel.IN_APP)
    result = sweep_at(moment(0))
    assert result.sent == 2
    assert mail.outbox == []
    assert Notification.objects.filter(user=world.coordinator).count() == 2
    assert set(Reminder.objects.values_list("channel", flat=True)) == {Channel.IN_APP}
    assert not Reminder.objects.unsent().exists()


def test_the_choice_is_per_kind(world: World) -> None:
    overdue_and_incomplete(world)
    prefer(world.coordinator, "sic_overdue", Channel.IN_APP)
    sweep_at(moment(0))
    (email,) = outbox_to(world.coordinator.email)
    assert "Équipe de soins incomplète" in email.subject
    assert "overdue" not in email.body


def test_the_digest_gathers_a_days_reminders_in_one_e_mail(world: World) -> None:
    overdue_and_incomplete(world)
    prefer(world.coordinator, "sic_overdue", Channel.DIGEST)
    prefer(world.coordinator, "team_incomplete", Channel.DIGEST)
    first = sweep_at(moment(0))
    assert (first.sent, first.digest) == (0, 2)
    assert mail.outbox == []
    assert Notification.objects.filter(user=world.coordinator).count() == 2
    second = sweep_at(moment(0, 15))
    assert (second.sent, second.digest, second.skipped) == (0, 0, 2)
    with frozen(moment(1, 7, 30)):
        assert queue_reminder_digests.delay().get() == 1
    (digest,) = mail.outbox
    assert digest.to == [world.coordinator.email]
    assert "2" in digest.subject
    assert world.own.initials in digest.body
    assert world.other.initials in digest.body
    assert not Reminder.objects.unsent().exists()
    with frozen(moment(2, 7, 30)):
        assert queue_reminder_digests.delay().get() == 0
    assert len(mail.outbox) == 1


def test_a_failed_digest_is_sent_the_next_time(world: World, monkeypatch) -> None:
    from django.core.mail.backends import locmem

    overdue_and_incomplete(world)
    prefer(world.coordinator, "sic_overdue", Channel.DIGEST)
    sweep_at(moment(0))
    mail.outbox.clear()  # the team reminder went at once

    def refuse(self, messages):
        raise ConnectionRefusedError("SMTP down")

    with monkeypatch.context() as patch:
        patch.setattr(locmem.EmailBackend, "send_messages", refuse)
        with frozen(moment(1, 7, 30)):
            queue_reminder_digests.delay()
    row = Reminder.objects.get(kind="sic_overdue")
    assert (row.sent_at, row.attempts, row.channel) == (None, 1, Channel.DIGEST)
    with frozen(moment(2, 7, 30)):
        queue_reminder_digests.delay()
    assert len(mail.outbox) == 1
    assert Reminder.objects.get(kind="sic_overdue").sent_at is not None


def test_one_users_choice_does_not_change_anothers(quiet_world: World) -> None:
    world = quiet_world
    planned_sic(world.own, due=moment(20).date())
    prefer(world.coordinator, "sic_due", Channel.IN_APP)
    sweep_at(moment(0))
    assert outbox_to(world.coordinator.email) == []
    assert len(outbox_to(world.gp.email)) == 1
