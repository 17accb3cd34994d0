"""The coordinator (or the team's GP) schedules, records and cancels a SIC, on pages and API."""

import datetime

from django.utils import timezone

from sic.models import Decision, Sic, SicStatus
from sic.services import sic_ensure_planned
from tests.conftest import World, client_for, soon


def test_scheduling_in_the_past_is_refused_with_a_clear_message(world: World) -> None:
    sic = sic_ensure_planned(patient=world.own)
    yesterday = timezone.localtime() - datetime.timedelta(days=1)
    response = client_for(world.coordinator).post(
        f"/sic/{sic.pk}/planifier/",
        {"at": yesterday.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 20},
    )
    assert response.status_code == 200
    assert "Une SIC ne peut pas être programmée dans le passé." in response.content.decode()
    sic.refresh_from_db()
    assert sic.status == SicStatus.PLANNED


def test_the_gp_schedules_from_the_page(world: World, django_capture_on_commit_callbacks) -> None:
    sic = sic_ensure_planned(patient=world.own)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.gp).post(
            f"/sic/{sic.pk}/planifier/",
            {"at": soon(9, 18).strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 30},
        )
    assert response.status_code == 302
    sic.refresh_from_db()
    assert sic.status == SicStatus.SCHEDULED
    assert timezone.localtime(sic.scheduled_at).hour == 18
    assert sic.attendances.count() == 4


def test_recording_a_sic_keeps_attendance_minutes_decisions_and_plans_the_next(
    world: World, started_sics
) -> None:
    sic = started_sics["own"]
    gp = world.own.care_team.memberships.get(professional=world.gp.professional)
    response = client_for(world.coordinator).post(
        f"/sic/{sic.pk}/compte-rendu/",
        {
            "present": [str(gp.pk)],
            "patient_present": "on",
            "minutes": "Bon échange.",
            "decisions": "Pesée trois fois par semaine\n\nPilulier hebdomadaire\n",
        },
    )
    assert response.status_code == 302
    sic.refresh_from_db()
    assert sic.status == SicStatus.HELD
    assert sic.patient_present is True
    assert list(sic.attendances.filter(present=True).values_list("membership", flat=True)) == [
        gp.pk
    ]
    assert list(Decision.objects.filter(sic=sic).values_list("text", flat=True)) == [
        "Pesée trois fois par semaine",
        "Pilulier hebdomadaire",
    ]
    following = Sic.objects.open().get(patient=world.own)
    held_on = timezone.localtime(sic.held_at).date()
    assert following.due_date > held_on + datetime.timedelta(days=180)


def test_recording_needs_minutes(world: World, started_sics) -> None:
    response = client_for(world.coordinator).post(
        f"/sic/{started_sics['own'].pk}/compte-rendu/", {}
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    started_sics["own"].refresh_from_db()
    assert started_sics["own"].status == SicStatus.SCHEDULED


def test_the_api_refuses_an_illegal_move_with_a_structured_conflict(
    world: World, started_sics
) -> None:
    client = client_for(world.coordinator)
    url = f"/api/v1/sics/{started_sics['own'].pk}/"
    held = client.post(
        url + "hold/", {"minutes": "ok", "patient_present": True}, content_type="application/json"
    )
    assert held.status_code == 200
    assert held.json()["status"] == "held"
    again = client.post(url + "cancel/", {"reason": "x"}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"
    assert again.json()["detail"]


def test_a_member_confirms_attendance(world: World, sics) -> None:
    client_for(world.nurse).post(f"/sic/{sics['own'].pk}/reponse/", {"attending": "no"})
    attendance = sics["own"].attendances.get(membership__professional=world.nurse.professional)
    assert attendance.response == "declined"


def test_the_api_filters_sics_by_status_and_due_date(world: World, sics) -> None:
    client = client_for(world.coordinator)
    due = sics["own"].due_date
    body = client.get(
        "/api/v1/sics/",
        {"status": "scheduled", "due_after": due.isoformat(), "patient": str(world.own.pk)},
    ).json()
    assert [row["id"] for row in body["results"]] == [sics["own"].pk]
    empty = client.get(
        "/api/v1/sics/", {"due_before": (due - datetime.timedelta(days=1)).isoformat()}
    )
    assert empty.json()["results"] == []


def test_a_sic_past_but_not_recorded_is_flagged_on_the_calendar(world: World, sics) -> None:
    import time_machine

    with time_machine.travel(soon(11), tick=False):
        client = client_for(world.coordinator)
        page = client.get("/sic/", {"vue": "to_record"}).content.decode()
        assert "À enregistrer" in page
        assert str(world.own) in page
        assert "SIC passées non enregistrées" in page
