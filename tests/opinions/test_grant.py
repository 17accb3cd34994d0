"""The asked specialist outside the team reads the request, its attachments and the patient's
identity, and nothing else of the patient; only until the request is closed, and at the
latest N days after its deadline. Their reads are written in the patient's access log as the
grant's."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from labparcours.access_labels import read_label
from labparcours.models import AccessLogEntry
from opinions.models import OpinionRequest
from opinions.services import opinion_close
from tests.conftest import World, client_for
from tests.factories import make_plan
from tests.opinions.builders import asked, outside_specialist

GRANTED = "specialist opinion (temporary access)"


@pytest.fixture
def outsider(world: World):
    return outside_specialist()


@pytest.fixture
def opinion(world: World, outsider) -> OpinionRequest:
    return asked(world, outsider, attachments=1)


def test_the_outside_specialist_reads_the_question_and_the_patients_identity(
    world: World, outsider, opinion
) -> None:
    response = client_for(outsider).get(f"/avis/{opinion.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Titration du bêtabloquant" in page
    assert "LAMBERT Marcel" in page
    assert "12 avril 1952" in page
    # No way into the record: no link to the patient page.
    assert f"/patients/{world.own.pk}/" not in page


def test_the_outside_specialist_downloads_the_attachments(world: World, outsider, opinion) -> None:
    attachment = opinion.attachments.get()
    response = client_for(outsider).get(f"/avis/pieces/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_outside_specialist_reads_nothing_else_of_the_patient(
    world: World, outsider, opinion
) -> None:
    plan = make_plan(world)
    client = client_for(outsider)
    for url in (
        f"/patients/{world.own.pk}/",
        f"/patients/{world.own.pk}/equipe/",
        f"/patients/{world.own.pk}/sic/",
        f"/patients/{world.own.pk}/plans/",
        f"/plans/{plan.pk}/",
        f"/patients/{world.own.pk}/avis/demander/",
        f"/api/v1/patients/{world.own.pk}/",
        f"/api/v1/teams/{world.own.care_team.pk}/",
        f"/api/v1/careplans/{plan.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/api/v1/patients/").json()["results"] == []
    assert client.get("/api/v1/sics/").json()["results"] == []


def test_the_outside_specialist_sees_the_request_in_the_api(
    world: World, outsider, opinion
) -> None:
    client = client_for(outsider)
    (row,) = client.get("/api/v1/opinion-requests/").json()["results"]
    assert row["id"] == opinion.pk
    assert row["temporary_access"] is True
    attachment = opinion.attachments.get()
    assert row["attachments"][0]["download"] == f"/api/v1/opinion-attachments/{attachment.pk}/"
    assert client.get(f"/api/v1/opinion-attachments/{attachment.pk}/").status_code == 200
    (listed,) = client.get("/api/v1/opinion-attachments/").json()["results"]
    assert listed["id"] == attachment.pk


def test_the_grant_ends_at_closure(world: World, outsider, opinion) -> None:
    attachment = opinion.attachments.get()
    opinion_close(request=opinion, by=world.gp)
    client = client_for(outsider)
    assert client.get(f"/avis/{opinion.pk}/").status_code == 404
    assert client.get(f"/avis/pieces/{attachment.pk}/").status_code == 404
    assert client.get(f"/api/v1/opinion-requests/{opinion.pk}/").status_code == 404
    assert client.get(f"/api/v1/opinion-attachments/{attachment.pk}/").status_code == 404
    assert client.get("/api/v1/opinion-requests/").json()["results"] == []
    assert client.get("/avis/").status_code == 200
    # The team still reads it.
    assert client_for(world.nurse).get(f"/avis/{opinion.pk}/").status_code == 200


def test_the_grant_ends_n_days_after_the_deadline(
    world: World, outsider, opinion, settings
) -> None:
    settings.LABPARCOURS_OPINION_GRANT_DAYS = 14
    client = client_for(outsider)

    def deadline_passed(ago: datetime.timedelta) -> None:
        due = timezone.now() - ago
        OpinionRequest.objects.filter(pk=opinion.pk).update(
            asked_at=due - datetime.timedelta(days=7), due_at=due
        )

    deadline_passed(datetime.timedelta(days=14) - datetime.timedelta(minutes=1))
    assert client.get(f"/avis/{opinion.pk}/").status_code == 200
    deadline_passed(datetime.timedelta(days=14, seconds=1))
    assert client.get(f"/avis/{opinion.pk}/").status_code == 404
    assert client.get(f"/api/v1/opinion-requests/{opinion.pk}/").status_code == 404


def test_a_former_member_and_an_outsider_read_nothing(world: World, outsider, opinion) -> None:
    other_specialist = outside_specialist()
    attachment = opinion.attachments.get()
    for user in (world.former_member, other_specialist):
        client = client_for(user)
        assert client.get(f"/avis/{opinion.pk}/").status_code == 404
        assert client.get(f"/avis/pieces/{attachment.pk}/").status_code == 404
        assert client.get(f"/api/v1/opinion-requests/{opinion.pk}/").status_code == 404
        assert client.get(f"/api/v1/opinion-attachments/{attachment.pk}/").status_code == 404
        assert client.get("/api/v1/opinion-requests/").json()["results"] == []
        assert client.get("/api/v1/opinion-attachments/").json()["results"] == []


def test_the_grants_reads_are_logged_as_such(world: World, outsider, opinion) -> None:
    client = client_for(outsider)
    client.get(f"/avis/{opinion.pk}/")
    client.get(f"/avis/pieces/{opinion.attachments.get().pk}/")
    client.get("/avis/")
    client.get(f"/api/v1/opinion-requests/{opinion.pk}/")
    client.get(f"/api/v1/opinion-attachments/{opinion.attachments.get().pk}/")
    client.get("/api/v1/opinion-attachments/")
    reads = list(
        AccessLogEntry.objects.filter(user=outsider, patient=world.own).values_list(
            "what", flat=True
        )
    )
    assert set(reads) == {GRANTED, f"{GRANTED} (api)"}
    assert read_label(GRANTED) == "Avis spécialisé (accès temporaire)"
    # The patient reads it in « Qui a consulté mon dossier ».
    page = client_for(world.patient_user).get("/mon-dossier/acces/").content.decode()
    assert "Avis spécialisé (accès temporaire)" in page


def test_the_teams_reads_are_logged_as_plain_reads(world: World, outsider, opinion) -> None:
    client_for(world.nurse).get(f"/avis/{opinion.pk}/")
    assert list(AccessLogEntry.objects.filter(user=world.nurse).values_list("what", flat=True)) == [
        "specialist opinion"
    ]


def test_a_team_specialist_asked_reads_through_the_team(world: World) -> None:
    opinion = asked(world, world.specialist)
    response = client_for(world.specialist).get(f"/avis/{opinion.pk}/")
    assert response.status_code == 200
    assert f"/patients/{world.own.pk}/" in response.content.decode()
    assert timezone.now() < opinion.due_at
