"""The bell, the notifications and preferences pages, and the coordinator's reminder history
of a patient with the form to send one by hand."""

import pytest
from django.core import mail

from labparcours.models import AccessLogEntry
from reminders.context_processors import Bell
from reminders.models import Channel, Notification, NotificationPreference, Reminder
from tests.conftest import ROLES, World, client_for
from tests.factories import planned_sic
from tests.matrix import Case, expected, p, params, run
from tests.reminders.conftest import moment, sweep_at

PAGES = [
    Case("notifications", p("/notifications/"), frozenset(ROLES), about_patient=False),
    Case(
        "mark all as read",
        p("/notifications/tout-lire/"),
        frozenset(ROLES),
        method="post",
        ok=302,
        about_patient=False,
    ),
    Case(
        "notification preferences",
        p("/compte/notifications/"),
        frozenset(ROLES),
        about_patient=False,
    ),
]


@pytest.mark.parametrize(("case", "role", "target"), params(PAGES))
def test_page_answers_each_role_as_designed(
    world: World, case: Case, role: str, target: str
) -> None:
    assert run(world, case, role, target) == expected(case, role, target)


def test_a_refused_history_is_not_logged_as_a_read(world: World) -> None:
    assert client_for(world.gp).get(f"/patients/{world.own.pk}/relances/").status_code == 403
    assert not AccessLogEntry.objects.filter(what="reminders").exists()
    client_for(world.coordinator).get(f"/patients/{world.own.pk}/relances/")
    assert AccessLogEntry.objects.filter(user=world.coordinator, what="reminders").count() == 1


@pytest.fixture
def rung(world: World) -> World:
    """The coordinator has two notifications: the own patient's overdue SIC and the other
    patient's incomplete team."""
    planned_sic(world.own, due=moment(-3).date())
    sweep_at(moment(0))
    return world


def test_the_bell_shows_the_unread_count_in_one_query(
    rung: World, django_assert_num_queries
) -> None:
    with django_assert_num_queries(1):
        assert Bell(rung.coordinator).count == 2
    page = client_for(rung.coordinator).get("/coordination/").content.decode()
    assert 'href="/notifications/"' in page
    assert '<span class="badge badge--danger">2<span class="sr-only">' in page
    nothing = client_for(rung.nurse).get("/mes-patients/").content.decode()
    assert 'href="/notifications/"' in nothing
    assert 'badge--danger">0' not in nothing


def test_the_list_shows_ones_own_notifications_only(rung: World) -> None:
    page = client_for(rung.coordinator).get("/notifications/").content.decode()
    # Behind the login, the bell names the patients in the reader's scope.
    assert f"SIC en retard — {rung.own}" in page
    assert f"Équipe de soins incomplète — {rung.other}" in page
    other = client_for(rung.gp).get("/notifications/").content.decode()
    assert "SIC en retard" not in other


def test_marking_one_as_read(rung: World) -> None:
    notification = Notification.objects.filter(user=rung.coordinator).first()
    client = client_for(rung.coordinator)
    response = client.post(f"/notifications/{notification.pk}/lue/")
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.is_read
    assert Bell(rung.coordinator).count == 1


def test_marking_as_read_with_htmx_returns_the_row(rung: World) -> None:
    notification = Notification.objects.filter(user=rung.coordinator).first()
    response = client_for(rung.coordinator).post(
        f"/notifications/{notification.pk}/lue/", HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith(f'<tr id="notification-{notification.pk}" class="is-muted">')
    assert "<html" not in body


def test_opening_a_notification_marks_it_read_and_goes_to_the_page(rung: World) -> None:
    notification = Notification.objects.get(user=rung.coordinator, reminder__kind="sic_overdue")
    response = client_for(rung.coordinator).post(
        f"/notifications/{notification.pk}/lue/", {"open": "1"}
    )
    assert response["Location"] == notification.reminder.link
    assert response["Location"].startswith("/sic/")
    notification.refresh_from_db()
    assert notification.is_read


def test_another_users_notification_answers_404(rung: World) -> None:
    notification = Notification.objects.filter(user=rung.coordinator).first()
    response = client_for(rung.gp).post(f"/notifications/{notification.pk}/lue/", {"open": "1"})
    assert response.status_code == 404
    notification.refresh_from_db()
    assert not notification.is_read


def test_marking_all_as_read(rung: World) -> None:
    client_for(rung.coordinator).post("/notifications/tout-lire/")
    assert Bell(rung.coordinator).count == 0


def test_reading_requires_a_post(rung: World) -> None:
    notification = Notification.objects.filter(user=rung.coordinator).first()
    client = client_for(rung.coordinator)
    assert client.get(f"/notifications/{notification.pk}/lue/").status_code == 405


@pytest.mark.parametrize(
    ("role", "kinds"),
    [
        (
            "coordinator",
            {
                "sic_due",
                "sic_overdue",
                "sic_to_record",
                "plan_unanswered",
                "team_incomplete",
                "care_waiting",
                "envelope_nearly_used",
                "care_unused",
                "plan_changes_requested",
                "contribution_submitted",
                "care_requested",
                "thread_message",
                "thread_mention",
                "followup_broken",
                "pathway_discharge",
                "pathway_death",
                "pathway_moved",
                "opinion_overdue",
                "opinion_answered",
            },
        ),
        (
            "gp",
            {
                "sic_due",
                "sic_to_record",
                "contribution",
                "sic_tomorrow",
                "actions_late",
                "care_unused",
                "manual",
                "plan_in_force",
                "care_decided",
                "thread_message",
                "thread_mention",
                "followup_due",
                "pathway_discharge",
                "pathway_death",
                "pathway_moved",
                "opinion_asked",
                "opinion_due_soon",
                "opinion_answered",
            },
        ),
        (
            "patient_user",
            {
                "patient_form",
                "sic_tomorrow",
                "plan_to_answer",
                "actions_late",
                "plan_proposed",
                "plan_changes_answered",
                "thread_message",
            },
        ),
        ("admin", set()),
    ],
)
def test_the_preferences_offer_the_kinds_of_ones_role(world: World, role, kinds) -> None:
    response = client_for(world.user(role)).get("/compte/notifications/")
    offered = set(response.context["form"].fields)
    assert offered >= kinds
    assert offered - kinds <= {"manual"}


def test_saving_the_preferences(world: World) -> None:
    client = client_for(world.coordinator)
    data = {
        "sic_due": Channel.EMAIL,
        "sic_overdue": Channel.DIGEST,
        "sic_to_record": Channel.EMAIL,
        "plan_unanswered": Channel.IN_APP,
        "team_incomplete": Channel.EMAIL,
        "care_waiting": Channel.EMAIL,
        "envelope_nearly_used": Channel.DIGEST,
        "care_unused": Channel.IN_APP,
        "plan_changes_requested": Channel.EMAIL,
        "contribution_submitted": Channel.DIGEST,
        "care_requested": Channel.EMAIL,
        "thread_message": Channel.DIGEST,
        "thread_mention": Channel.EMAIL,
        "followup_broken": Channel.EMAIL,
        "pathway_discharge": Channel.EMAIL,
        "pathway_death": Channel.IN_APP,
        "pathway_moved": Channel.DIGEST,
        "opinion_overdue": Channel.EMAIL,
        "opinion_answered": Channel.IN_APP,
    }
    assert client.post("/compte/notifications/", data).status_code == 302
    assert (
        dict(
            NotificationPreference.objects.filter(user=world.coordinator).values_list(
                "kind", "channel"
            )
        )
        == data
    )
    data["sic_overdue"] = "pigeon"
    assert client.post("/compte/notifications/", data).status_code == 200
    assert (
        NotificationPreference.objects.get(user=world.coordinator, kind="sic_overdue").channel
        == Channel.DIGEST
    )


def test_the_history_lists_every_reminder_of_the_patient(rung: World) -> None:
    page = client_for(rung.coordinator).get(f"/patients/{rung.own.pk}/relances/")
    body = page.content.decode()
    assert "SIC en retard" in body
    assert rung.coordinator.get_full_name() in body
    assert "Care team still incomplete" not in body  # the other patient's
    assert page.context["form"] is not None


def test_the_admin_reads_the_history_without_the_form(rung: World) -> None:
    page = client_for(rung.admin).get(f"/patients/{rung.own.pk}/relances/")
    assert page.status_code == 200
    assert page.context["form"] is None


def test_the_coordinator_sends_a_reminder_by_hand(
    world: World, django_capture_on_commit_callbacks
) -> None:
    client = client_for(world.coordinator)
    form = client.get(f"/patients/{world.own.pk}/relances/").context["form"]
    choices = dict(form.fields["recipient"].choices)
    assert set(choices) == {
        world.gp.pk,
        world.nurse.pk,
        world.pharmacist.pk,
        world.specialist.pk,
        world.patient_user.pk,
        world.caregiver_user.pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/patients/{world.own.pk}/relances/envoyer/",
            {"recipient": world.pharmacist.pk, "topic": "plan"},
        )
    assert response.status_code == 302
    reminder = Reminder.objects.get(kind="manual")
    assert (reminder.recipient, reminder.created_by) == (world.pharmacist, world.coordinator)
    assert reminder.sent_at is not None
    assert reminder.link == "/mes-actions/"
    (message,) = mail.outbox
    assert message.to == [world.pharmacist.email]
    assert world.own.initials in message.body
    assert world.own.last_name not in message.body
    # A second one is a new reminder, not a duplicate refused by the ledger.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/patients/{world.own.pk}/relances/envoyer/",
            {"recipient": world.pharmacist.pk, "topic": "plan"},
        )
    assert Reminder.objects.filter(kind="manual").count() == 2
    assert len(mail.outbox) == 2


def test_nobody_outside_the_patients_circle_can_be_reminded(world: World) -> None:
    response = client_for(world.coordinator).post(
        f"/patients/{world.own.pk}/relances/envoyer/",
        {"recipient": world.former_member.pk, "topic": "sic"},
    )
    assert response.status_code == 302
    assert not Reminder.objects.exists()


def test_the_patient_page_links_to_the_history_for_the_coordinator(world: World) -> None:
    url = f"/patients/{world.own.pk}/relances/"
    assert url in client_for(world.coordinator).get(f"/patients/{world.own.pk}/").content.decode()
    assert url not in client_for(world.gp).get(f"/patients/{world.own.pk}/").content.decode()
