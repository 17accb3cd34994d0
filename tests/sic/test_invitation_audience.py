"""SIC invitations go to the audience reminders go to: the same consent rule, one function."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from labparcours.models import User
from patients.models import ConsentKind
from sic.notifications import invitation_recipients
from sic.reminders import sics_tomorrow
from sic.services import sic_cancel, sic_ensure_planned, sic_schedule
from tests.conftest import World, soon


def schedule(world: World, capture, days: int = 10):
    with capture(execute=True):
        return sic_schedule(sic=sic_ensure_planned(patient=world.own), at=soon(days, 14))


def invited(world: World, capture, days: int = 10) -> set[str]:
    mail.outbox.clear()
    schedule(world, capture, days)
    return {m.to[0] for m in mail.outbox}


def test_it_invites_no_member_of_a_patient_who_withdrew_team_sharing(
    world: World, django_capture_on_commit_callbacks
) -> None:
    world.own.consents.get(kind=ConsentKind.TEAM_SHARING).withdraw()
    recipients = invited(world, django_capture_on_commit_callbacks)
    assert world.gp.email not in recipients
    assert world.nurse.email not in recipients
    assert world.patient_user.email in recipients  # the patient still hears of their SIC


def test_it_invites_no_caregiver_whose_delegation_was_withdrawn(
    world: World, django_capture_on_commit_callbacks
) -> None:
    world.own.consents.get(kind=ConsentKind.CAREGIVER_DELEGATION).withdraw()
    recipients = invited(world, django_capture_on_commit_callbacks)
    assert world.caregiver_user.email not in recipients
    assert world.patient_user.email in recipients


def test_it_invites_no_deactivated_account(
    world: World, django_capture_on_commit_callbacks
) -> None:
    User.objects.filter(pk=world.nurse.pk).update(is_active=False)
    recipients = invited(world, django_capture_on_commit_callbacks)
    assert world.nurse.email not in recipients
    assert world.gp.email in recipients


def test_an_exited_patients_sic_invites_nobody_but_its_cancellation_is_sent(
    world: World, django_capture_on_commit_callbacks
) -> None:
    sic = schedule(world, django_capture_on_commit_callbacks)
    world.own.exit(reason="moved")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sic = sic_schedule(sic=sic, at=soon(12, 14))
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        sic_cancel(sic=sic, reason="Sortie du programme")
    assert world.gp.email in {m.to[0] for m in mail.outbox}


@pytest.mark.parametrize(
    "withdrawn",
    [
        None,
        ConsentKind.TEAM_SHARING,
        ConsentKind.SIC_ATTENDANCE,
        ConsentKind.CAREGIVER_DELEGATION,
        "exit",
    ],
)
def test_invitations_and_reminders_reach_the_same_people(world: World, withdrawn) -> None:
    sic = sic_schedule(sic=sic_ensure_planned(patient=world.own), at=soon(1, 14))
    if withdrawn == "exit":
        world.own.exit(reason="moved")
    elif withdrawn:
        world.own.consents.get(kind=withdrawn).withdraw()
    sic.refresh_from_db()
    now = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(9)))
    reminded = User.objects.filter(
        pk__in=[c.recipient_id for c in sics_tomorrow(now) if c.patient_id == world.own.pk]
    ).values_list("email", flat=True)
    assert set(invitation_recipients(sic)) == set(reminded)
