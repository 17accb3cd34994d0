"""The threads' API: every message exactly once by cursor while new ones arrive, posting with
attachments through the one validator, read receipts, the schema."""

from __future__ import annotations

from labparcours.models import AccessLogEntry
from tests.conftest import World, client_for
from tests.threads.helpers import photo, post
from tests.uploads import REFUSED, upload
from threads.models import Attachment, Audience, Message, ReadReceipt


def messages_url(world: World, prefix: str = "thread") -> str:
    return f"/api/v1/patients/{world.own.pk}/{prefix}/messages/"


def test_the_cursor_gives_every_message_once_while_new_ones_arrive(world: World) -> None:
    for n in range(7):
        post(world.own, world.nurse, f"Avant {n}")
    client = client_for(world.gp)
    seen: list[int] = []
    url: str | None = messages_url(world) + "?page_size=3"
    posted = 0
    while url:
        answer = client.get(url).json()
        seen += [row["id"] for row in answer["results"]]
        url = answer["next"]
        if posted < 4:  # others write between the reader's pages
            post(world.own, world.pharmacist, f"Pendant {posted}")
            client_for(world.nurse).post(
                messages_url(world), {"text": "Et moi"}, content_type="application/json"
            )
            posted += 1
    every = list(
        Message.objects.filter(thread__audience=Audience.TEAM)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert seen == every
    assert len(seen) == len(set(seen)) == 7 + 2 * 4


def test_a_post_with_attachments_goes_through_the_one_validator(world: World) -> None:
    client = client_for(world.nurse)
    answer = client.post(messages_url(world), {"text": "", "attachments": [photo()]})
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    (attachment,) = body["attachments"]
    assert attachment["content_type"] == "image/png"
    assert attachment["has_thumbnail"]
    download = client_for(world.gp).get(attachment["download"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    refused = client.post(
        messages_url(world),
        {"text": "x", "attachments": [upload(*REFUSED["html as png"])]},
    )
    assert refused.status_code == 400
    assert "attachments" in refused.json()["errors"]
    assert Attachment.objects.count() == 1
    empty = client.post(messages_url(world), {"text": "  "}, content_type="application/json")
    assert empty.status_code == 400
    assert "text" in empty.json()["errors"]


def test_read_up_to_moves_the_receipt_forward_only(world: World) -> None:
    first = post(world.own, world.nurse, "Un")
    second = post(world.own, world.nurse, "Deux")
    client = client_for(world.gp)
    url = f"/api/v1/patients/{world.own.pk}/thread/read/"
    answer = client.post(url, {"up_to": second.pk}, content_type="application/json")
    assert answer.status_code == 200
    assert {row["user"]["id"]: row["last_read"] for row in answer.json()} == {
        world.nurse.pk: second.pk,
        world.gp.pk: second.pk,
    }
    client.post(url, {"up_to": first.pk}, content_type="application/json")
    assert ReadReceipt.objects.get(user=world.gp).last_read_id == second.pk
    other = post(world.other, world.coordinator, "Ailleurs")
    wrong = client.post(url, {"up_to": other.pk}, content_type="application/json")
    assert wrong.status_code == 400


def test_the_patient_posts_in_their_thread_only(world: World) -> None:
    client = client_for(world.patient_user)
    answer = client.post(
        messages_url(world, "patient-thread"),
        {"text": "J'ai pris 2 kg"},
        content_type="application/json",
    )
    assert answer.status_code == 201
    assert answer.json()["author"]["profession"] == "Patient"
    assert client.get(messages_url(world)).status_code == 404
    assert AccessLogEntry.objects.filter(
        user=world.patient_user, what="patient thread (api)"
    ).exists()


def test_the_schema_lists_every_endpoint_with_its_refusals(api_schema: dict) -> None:
    paths = api_schema["paths"]
    for prefix in ("thread", "patient-thread"):
        messages = paths[f"/api/v1/patients/{{patient_pk}}/{prefix}/messages/"]
        assert {"400", "403", "404"} <= set(messages["post"]["responses"])
        assert "multipart/form-data" in messages["post"]["requestBody"]["content"]
        assert "404" in messages["get"]["responses"]
        read = paths[f"/api/v1/patients/{{patient_pk}}/{prefix}/read/"]
        assert {"200", "400", "403", "404"} <= set(read["post"]["responses"])
    download = paths["/api/v1/thread-attachments/{id}/download/"]["get"]
    assert "404" in download["responses"]
