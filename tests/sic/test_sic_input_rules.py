"""The page and the API refuse the same SIC input: one set of rules (sic/validators.py), run by
the services both call. The API answers a 400 per field, the page a French message; nothing
is written either way."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from sic.models import Attendance, Decision, Sic, SicStatus
from sic.services import sic_ensure_planned
from tests.conftest import World, client_for, soon

EVIL_LINK = 'https://visio.example.test/"><svg/onload=alert(document.domain)>'

# (what the coordinator types, the field refused, the French message on the page)
SCHEDULES = [
    ({"at": "0728-05-01T10:00"}, "at", "Une SIC ne peut pas être programmée dans le passé."),
    ({"at": "yesterday"}, "at", "Une SIC ne peut pas être programmée dans le passé."),
    (
        {"at": "9999-12-31T23:00"},
        "at",
        "Une SIC ne peut pas être programmée plus de deux ans à l’avance.",
    ),
    ({"duration_minutes": 0}, "duration_minutes", "Une SIC dure de 10 à 120 minutes."),
    ({"duration_minutes": 600}, "duration_minutes", "Une SIC dure de 10 à 120 minutes."),
    (
        {"video_url": "http://visio.example.test/salle"},
        "video_url",
        "Le lien de visio doit commencer par https://.",
    ),
    (
        {"video_url": EVIL_LINK},
        "video_url",
        "Le lien de visio contient des caractères qu’un lien ne peut pas contenir",
    ),
    (
        {"video_url": "https://visio.example.test/<b>salle</b>"},
        "video_url",
        "Le lien de visio contient des caractères qu’un lien ne peut pas contenir",
    ),
    (
        {"video_url": "javascript:alert(1)//https://x"},
        "video_url",
        "Le lien de visio doit commencer par https://.",
    ),
]


def schedule_input(changes: dict) -> dict:
    data = {"at": soon(10, 14).strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 20} | changes
    if data["at"] == "yesterday":
        data["at"] = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    return data


def unchanged(sic: Sic) -> None:
    before = (sic.status, sic.scheduled_at, sic.video_url, sic.ics_sequence)
    sic.refresh_from_db()
    assert (sic.status, sic.scheduled_at, sic.video_url, sic.ics_sequence) == before


@pytest.fixture
def planned(world: World) -> Sic:
    return sic_ensure_planned(patient=world.own)


def api(world: World) -> Client:
    client = client_for(world.coordinator)
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(("changes", "field", "message"), SCHEDULES)
def test_the_api_refuses_a_bad_schedule_field_by_field(
    world: World, planned: Sic, changes: dict, field: str, message: str, mailoutbox
) -> None:
    response = api(world).post(
        f"/api/v1/sics/{planned.pk}/schedule/",
        schedule_input(changes),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]
    assert response.json()["errors"][field][0].startswith(message)
    unchanged(planned)
    assert not Attendance.objects.filter(sic=planned).exists()
    assert mailoutbox == []


@pytest.mark.parametrize(("changes", "field", "message"), SCHEDULES)
def test_the_page_refuses_the_same_schedule_in_french(
    world: World, planned: Sic, changes: dict, field: str, message: str, mailoutbox
) -> None:
    response = client_for(world.coordinator).post(
        f"/sic/{planned.pk}/planifier/", schedule_input(changes)
    )
    assert response.status_code == 200
    form = response.context["schedule_form"]
    assert list(form.errors) == [field]
    assert form.errors[field][0].startswith(message)
    assert message in response.content.decode()
    unchanged(planned)
    assert mailoutbox == []


def test_a_rescheduled_sic_keeps_its_date_when_the_new_one_is_refused(
    world: World, sics: dict
) -> None:
    sic = sics["own"]
    response = api(world).post(
        f"/api/v1/sics/{sic.pk}/schedule/",
        {"at": "0728-05-01T10:00:00Z", "video_url": EVIL_LINK},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"at", "video_url"}
    unchanged(sic)


def test_both_accept_an_https_link_with_a_query(world: World, planned: Sic) -> None:
    link = "https://visio.example.test/salle?nom=l'equipe&code=42"
    response = api(world).post(
        f"/api/v1/sics/{planned.pk}/schedule/",
        schedule_input({"video_url": link}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["video_url"] == link


def test_the_model_refuses_an_unsafe_link_too(world: World, planned: Sic) -> None:
    planned.video_url = EVIL_LINK
    with pytest.raises(ValidationError) as error:
        planned.full_clean()
    assert list(error.value.message_dict) == ["video_url"]


def test_links_recorded_before_the_rule_are_replaced_by_a_private_room(
    world: World, sics: dict, settings
) -> None:
    Sic.objects.filter(pk=sics["own"].pk).update(video_url=EVIL_LINK)
    migration = importlib.import_module("sic.migrations.0002_video_link_https")
    migration.replace_unsafe_links(apps, None)
    sics["own"].refresh_from_db()
    assert sics["own"].video_url.startswith(settings.LABPARCOURS_VIDEO_BASE_URL + "/labparcours-")
    kept = Sic.objects.get(pk=sics["other"].pk).video_url
    assert kept == sics["other"].video_url


# --- Recording a held SIC ---------------------------------------------------------------


def members(world: World, sic: Sic) -> dict[str, int]:
    own_gp = sic.attendances.get(membership__professional=world.gp.professional).membership_id
    other_team = world.other.care_team.memberships.get().pk
    return {"own_gp": own_gp, "other_team": other_team, "unknown": 999_999}


@pytest.mark.parametrize("who", ["unknown", "other_team"])
def test_the_api_refuses_an_attendee_who_was_not_invited(
    world: World, started_sics: dict, who: str
) -> None:
    sic = started_sics["own"]
    ids = members(world, sic)
    response = api(world).post(
        f"/api/v1/sics/{sic.pk}/hold/",
        {"minutes": "ok", "patient_present": True, "present": [ids["own_gp"], ids[who]]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "present": ["Seuls les membres invités à cette SIC peuvent être notés présents."]
    }
    sic.refresh_from_db()
    assert sic.status == SicStatus.SCHEDULED
    assert not sic.attendances.filter(present__isnull=False).exists()


@pytest.mark.parametrize("who", ["unknown", "other_team"])
def test_the_page_refuses_an_attendee_who_was_not_invited(
    world: World, started_sics: dict, who: str
) -> None:
    sic = started_sics["own"]
    ids = members(world, sic)
    response = client_for(world.coordinator).post(
        f"/sic/{sic.pk}/compte-rendu/",
        {"minutes": "ok", "present": [str(ids["own_gp"]), str(ids[who])]},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["present"]
    sic.refresh_from_db()
    assert sic.status == SicStatus.SCHEDULED


def test_the_service_refuses_what_the_form_would_not_offer(
    world: World, started_sics: dict
) -> None:
    """The rule holds below the form too: the page shows the service's refusal on the field."""
    from sic.services import sic_hold

    sic = started_sics["own"]
    with pytest.raises(ValidationError) as error:
        sic_hold(
            sic=sic,
            by=world.coordinator,
            minutes="ok",
            patient_present=True,
            caregiver_present=False,
            present_memberships=[members(world, sic)["other_team"]],
            decisions=[],
        )
    assert list(error.value.message_dict) == ["present"]
    sic.refresh_from_db()
    assert sic.status == SicStatus.SCHEDULED


def test_a_decision_too_long_is_refused_on_both_sides(world: World, started_sics: dict) -> None:
    sic = started_sics["own"]
    too_long = "x" * 501
    response = api(world).post(
        f"/api/v1/sics/{sic.pk}/hold/",
        {"minutes": "ok", "patient_present": True, "decisions": [too_long]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["decisions"]
    page = client_for(world.coordinator).post(
        f"/sic/{sic.pk}/compte-rendu/", {"minutes": "ok", "decisions": too_long}
    )
    assert page.status_code == 200
    assert "Une décision tient en 500 caractères au plus." in page.content.decode()
    assert not Decision.objects.exists()
    sic.refresh_from_db()
    assert sic.status == SicStatus.SCHEDULED


def test_invited_attendees_are_still_recorded(world: World, started_sics: dict) -> None:
    sic = started_sics["own"]
    gp = members(world, sic)["own_gp"]
    response = api(world).post(
        f"/api/v1/sics/{sic.pk}/hold/",
        {"minutes": "ok", "patient_present": True, "present": [gp]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert list(sic.attendances.filter(present=True).values_list("membership", flat=True)) == [gp]
