"""What a thread tells people: a new message to the other participants (one unread notice per
thread and reader until they read it), a mention to the member named (its own kind), an
e-mail that says there is a message and never what it says."""

from __future__ import annotations

from reminders.models import Channel, NotificationPreference, Reminder
from tests.bell import assert_initials_only, mails_to, unread
from tests.conftest import World, client_for
from tests.threads.helpers import post
from threads.models import Audience

SECRET = "Créatinine 180 µmol/L, arrêt du furosémide"


def test_a_new_message_tells_the_other_members_and_the_coordinator(world: World, committed) -> None:
    committed(lambda: post(world.own, world.nurse, SECRET))
    for role in ("gp", "pharmacist", "specialist", "coordinator"):
        assert len(unread(world.user(role), "thread_message")) == 1, role
    for role in ("nurse", "former_member", "patient_user", "caregiver_user", "admin"):
        assert unread(world.user(role)) == [], role


def test_the_notice_is_reused_until_the_reader_reads_the_thread(world: World, committed) -> None:
    for n in range(3):
        committed(lambda n=n: post(world.own, world.nurse, f"Message {n}"))
    assert len(unread(world.gp, "thread_message")) == 1
    assert len(mails_to(world.gp)) == 1
    client_for(world.gp).get(f"/patients/{world.own.pk}/fil/equipe/")
    assert unread(world.gp) == []
    committed(lambda: post(world.own, world.nurse, "Après lecture"))
    assert len(unread(world.gp, "thread_message")) == 1
    assert len(mails_to(world.gp)) == 2


def test_reading_cancels_a_digest_not_sent_yet(world: World, committed) -> None:
    NotificationPreference.objects.create(
        user=world.gp, kind="thread_message", channel=Channel.DIGEST
    )
    committed(lambda: post(world.own, world.nurse, "Pour le résumé"))
    assert mails_to(world.gp) == []
    client_for(world.gp).get(f"/patients/{world.own.pk}/fil/equipe/")
    row = Reminder.objects.get(recipient=world.gp, kind="thread_message")
    assert row.cancelled_at is not None


def test_a_mention_tells_the_member_named_with_its_own_kind(world: World, committed) -> None:
    name = world.pharmacist.get_full_name()
    message = committed(lambda: post(world.own, world.gp, f"@{name} peux-tu revoir le pilulier ?"))
    assert message.mentions.get().user == world.pharmacist
    assert len(unread(world.pharmacist, "thread_mention")) == 1
    assert unread(world.pharmacist, "thread_message") == []
    assert len(unread(world.nurse, "thread_message")) == 1
    page = client_for(world.pharmacist).get("/notifications/").content.decode()
    assert "Vous êtes mentionné·e" in page


def test_mentions_at_once_and_the_rest_in_the_app_only(world: World, committed) -> None:
    NotificationPreference.objects.create(
        user=world.pharmacist, kind="thread_message", channel=Channel.IN_APP
    )
    committed(lambda: post(world.own, world.nurse, "Sans mention"))
    assert mails_to(world.pharmacist) == []
    name = world.pharmacist.get_full_name()
    committed(lambda: post(world.own, world.gp, f"@{name} urgent pour la SIC"))
    assert len(mails_to(world.pharmacist)) == 1


def test_the_email_says_there_is_a_message_never_what_it_says(world: World, committed) -> None:
    name = world.gp.get_full_name()
    committed(lambda: post(world.own, world.nurse, f"{SECRET} @{name}"))
    for user in (world.gp, world.pharmacist):
        (mail,) = mails_to(user)
        html = mail.alternatives[0][0] if mail.alternatives else ""
        for text in (mail.subject, mail.body, html):
            assert "Créatinine" not in text
            assert "furosémide" not in text
        assert_initials_only(mail, world.own)


def test_the_thread_with_the_patient_tells_the_patient_side(world: World, committed) -> None:
    committed(lambda: post(world.own, world.nurse, "Tension 15/9", audience=Audience.PATIENT))
    for user in (world.patient_user, world.caregiver_user, world.gp, world.coordinator):
        assert len(unread(user, "thread_message")) == 1
    (mail,) = mails_to(world.patient_user)
    assert "15/9" not in mail.body
    client_for(world.patient_user).get("/mes-messages/")
    assert unread(world.patient_user) == []
    assert len(unread(world.caregiver_user)) == 1
