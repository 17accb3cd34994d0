"""« Lu par »: who read up to which message, never the author nor the reader looking (on the
page, in older pages and in the poll alike), kept up to date by the poll: a page polls with
the key of the read receipts it shows (`lus`) and gets the read marks of its last page again
when one has moved; nothing (204, no read logged) when neither a message nor a receipt did."""

from __future__ import annotations

import html
import re

from labparcours.models import AccessLogEntry, Role, User
from tests.conftest import World, client_for
from tests.factories import ProfessionalFactory, UserFactory
from tests.threads.helpers import fill, post
from threads.models import Audience, Message

POLLER = re.compile(r'<div id="poller" hx-get="([^"]+)"')


def team(world: World, suffix: str = "") -> str:
    return f"/patients/{world.own.pk}/fil/equipe/{suffix}"


def poll_url(page: str) -> str:
    """The address the page (or a poll's answer) polls next."""
    found = POLLER.search(page)
    assert found is not None
    return html.unescape(found.group(1))


def read_marks(page: str, message: Message) -> str | None:
    """The « Lu par » element of the message as the page or a poll's answer shows it (None
    when it is not there), the out-of-band attribute aside."""
    found = re.search(
        rf'<span class="small muted bubble-read" id="read-{message.pk}"[^>]*>(.*?)</span>', page
    )
    return found.group(1) if found else None


def readers_in(marks: str | None) -> list[str]:
    """The names a « Lu par » element shows, in its order."""
    assert marks is not None
    if not marks:
        return []
    text = html.unescape(re.sub(r"<[^>]*>", "", marks)).strip()
    assert text.startswith("Lu par ")
    return text.removeprefix("Lu par ").split(", ")


def team_logs(user: User) -> int:
    return AccessLogEntry.objects.filter(user=user, what="team thread").count()


def test_it_shows_a_colleague_who_read_my_message_and_then_answers_204(world: World) -> None:
    alert = post(world.own, world.nurse, "Œdème des chevilles, prise de poids de 3 kg")
    nurse = client_for(world.nurse)
    page = nurse.get(team(world)).content.decode()
    assert read_marks(page, alert) == ""  # there, empty: nobody has read it yet
    client_for(world.gp).get(team(world))
    answer = nurse.get(poll_url(page))
    assert answer.status_code == 200
    body = answer.content.decode()
    assert f'id="read-{alert.pk}" hx-swap-oob="true"' in body
    marks = read_marks(body, alert)
    assert marks is not None
    assert "Lu par" in marks
    assert world.gp.get_full_name() in marks
    assert "Œdème" not in body  # no bubble again, only its read marks
    assert nurse.get(poll_url(body)).status_code == 204


def test_it_moves_a_reader_to_the_last_message_they_read(world: World) -> None:
    first = post(world.own, world.nurse, "Premier")
    client_for(world.gp).get(team(world))
    second = post(world.own, world.nurse, "Second")
    nurse = client_for(world.nurse)
    page = nurse.get(team(world)).content.decode()
    assert world.gp.get_full_name() in (read_marks(page, first) or "")
    assert read_marks(page, second) == ""
    client_for(world.gp).get(team(world))
    body = nurse.get(poll_url(page)).content.decode()
    assert read_marks(body, first) == ""
    assert world.gp.get_full_name() in (read_marks(body, second) or "")


def test_a_new_message_comes_with_the_read_marks_of_the_page_again(world: World) -> None:
    first = post(world.own, world.nurse, "Premier")
    pharmacist = client_for(world.pharmacist)
    pharmacist.get(team(world))
    gp = client_for(world.gp)
    page = gp.get(team(world)).content.decode()
    assert readers_in(read_marks(page, first)) == [world.pharmacist.get_full_name()]
    second = post(world.own, world.nurse, "Second")
    pharmacist.get(team(world))
    body = gp.get(poll_url(page)).content.decode()
    assert "Second" in body
    # The pharmacist read the new message too: their mark leaves the previous one.
    assert read_marks(body, first) == ""
    assert readers_in(read_marks(body, second)) == [world.pharmacist.get_full_name()]
    assert f"apres={second.pk}&amp;lus=" in body
    assert gp.get(poll_url(body)).status_code == 204


def test_it_answers_204_and_logs_nothing_when_nothing_changed(world: World) -> None:
    post(world.own, world.nurse, "Premier")
    client_for(world.pharmacist).get(team(world))
    gp = client_for(world.gp)
    page = gp.get(team(world)).content.decode()
    assert team_logs(world.gp) == 1
    for _ in range(3):
        answer = gp.get(poll_url(page))
        assert answer.status_code == 204
        assert answer.content == b""
    assert team_logs(world.gp) == 1


def test_a_poll_that_only_refreshes_the_read_marks_is_logged_as_a_read(world: World) -> None:
    post(world.own, world.nurse, "Premier")
    nurse = client_for(world.nurse)
    page = nurse.get(team(world)).content.decode()
    assert team_logs(world.nurse) == 1
    client_for(world.gp).get(team(world))
    assert nurse.get(poll_url(page)).status_code == 200
    assert team_logs(world.nurse) == 2


def test_a_page_loaded_before_the_key_existed_gets_it_with_the_next_message(
    world: World,
) -> None:
    first = post(world.own, world.nurse, "Premier")
    client_for(world.gp).get(team(world))
    nurse = client_for(world.nurse)
    assert nurse.get(team(world, f"nouveaux/?apres={first.pk}")).status_code == 204
    second = post(world.own, world.pharmacist, "Second")
    body = nurse.get(team(world, f"nouveaux/?apres={first.pk}")).content.decode()
    assert "Second" in body
    assert world.gp.get_full_name() in (read_marks(body, first) or "")
    assert read_marks(body, second) == ""  # read by its author and the nurse looking only
    assert nurse.get(poll_url(body)).status_code == 204


def test_the_page_never_names_the_reader_looking(world: World) -> None:
    results = post(world.own, world.gp, "Résultats de la biologie : DFG à 42")
    client_for(world.pharmacist).get(team(world))
    page = client_for(world.nurse).get(team(world)).content.decode()
    # The nurse read it on opening: only the pharmacist is named, not her.
    assert readers_in(read_marks(page, results)) == [world.pharmacist.get_full_name()]


def test_the_patient_never_sees_their_own_name(world: World) -> None:
    advice = post(world.own, world.nurse, "Pensez à la pesée", audience=Audience.PATIENT)
    patient = client_for(world.patient_user)
    page = patient.get("/mes-messages/").content.decode()
    assert read_marks(page, advice) == ""
    client_for(world.gp).get(f"/patients/{world.own.pk}/fil/patient/")
    page = patient.get("/mes-messages/").content.decode()
    assert readers_in(read_marks(page, advice)) == [world.gp.get_full_name()]


def test_the_poll_never_names_the_reader_looking_nor_counts_their_receipt(
    world: World,
) -> None:
    first = post(world.own, world.nurse, "Premier")
    client_for(world.gp).get(team(world))
    second = post(world.own, world.pharmacist, "Second")
    gp = client_for(world.gp)
    page = gp.get(team(world)).content.decode()
    assert read_marks(page, first) == ""
    assert read_marks(page, second) == ""
    # The key is of the receipts the page shows: the authors', not the GP's own.
    assert poll_url(page).endswith(f"&lus={first.pk + second.pk}")
    assert gp.get(poll_url(page)).status_code == 204
    client_for(world.nurse).get(team(world))
    body = gp.get(poll_url(page)).content.decode()
    assert readers_in(read_marks(body, second)) == [world.nurse.get_full_name()]
    third = post(world.own, world.specialist, "Troisième")
    body = gp.get(poll_url(body)).content.decode()
    assert "Troisième" in body
    # The poll moved the GP's receipt to the new message: still not named under it.
    assert read_marks(body, third) == ""
    assert readers_in(read_marks(body, second)) == [world.nurse.get_full_name()]
    assert gp.get(poll_url(body)).status_code == 204


def test_an_older_page_never_names_the_reader_looking(world: World) -> None:
    fill(world, 10)
    client_for(world.specialist).get(team(world))
    gp = client_for(world.gp)
    gp.get(team(world))
    fill(world, 40)
    ids = list(Message.objects.order_by("pk").values_list("pk", flat=True))
    older = gp.get(team(world, f"anciens/?avant={ids[20]}"), HTTP_HX_REQUEST="true")
    marks = read_marks(older.content.decode(), Message.objects.get(pk=ids[9]))
    assert readers_in(marks) == [world.specialist.get_full_name()]


def test_an_outsider_gets_404_and_a_malformed_key_too(world: World) -> None:
    message = post(world.own, world.nurse, "Premier")
    url = team(world, f"nouveaux/?apres={message.pk}&lus=0")
    outsider = UserFactory(role=Role.CLINICIAN)
    ProfessionalFactory(user=outsider)
    for user in (outsider, world.former_member):
        assert client_for(user).get(url).status_code == 404
    assert not AccessLogEntry.objects.filter(user__in=[outsider, world.former_member]).exists()
    malformed = team(world, f"nouveaux/?apres={message.pk}&lus=12a")
    assert client_for(world.gp).get(malformed).status_code == 404


def test_the_patient_side_sees_the_read_marks_its_page_shows(world: World) -> None:
    question = post(
        world.own, world.patient_user, "Puis-je reprendre la marche ?", audience=Audience.PATIENT
    )
    patient = client_for(world.patient_user)
    page = patient.get("/mes-messages/").content.decode()
    url = poll_url(page)
    assert "/fil/patient/nouveaux/" in url
    # The team's own thread, and programme management reading without taking part, move
    # nothing the patient's side is shown.
    client_for(world.gp).get(team(world))
    client_for(world.admin).get(f"/patients/{world.own.pk}/fil/patient/")
    assert patient.get(url).status_code == 204
    client_for(world.gp).get(f"/patients/{world.own.pk}/fil/patient/")
    client_for(world.caregiver_user).get("/mes-messages/")
    body = patient.get(url).content.decode()
    marks = read_marks(body, question)
    assert marks is not None
    assert world.gp.get_full_name() in marks
    # Exactly what a reload of « Messages » shows under the message.
    assert marks == read_marks(patient.get("/mes-messages/").content.decode(), question)
    assert patient.get(team(world, f"nouveaux/?apres={question.pk}&lus=0")).status_code == 404


def test_a_poll_costs_the_same_queries_whatever_the_messages_and_readers(
    world: World, django_assert_max_num_queries
) -> None:
    gp = client_for(world.gp)
    fill(world, 10)
    page = gp.get(team(world)).content.decode()
    client_for(world.nurse).get(team(world))
    with django_assert_max_num_queries(30) as few:
        assert gp.get(poll_url(page)).status_code == 200
    marks_only = len(few.captured_queries)  # the next request empties the log
    fill(world, 1)
    with django_assert_max_num_queries(40) as few:
        assert gp.get(poll_url(page)).status_code == 200
    with_new = len(few.captured_queries)

    fill(world, 3000)
    page = gp.get(team(world)).content.decode()
    for reader in (world.nurse, world.pharmacist, world.specialist, world.coordinator):
        client_for(reader).get(team(world))
    with django_assert_max_num_queries(marks_only) as many:
        answer = gp.get(poll_url(page))
    assert answer.status_code == 200
    assert len(many.captured_queries) == marks_only
    assert answer.content.decode().count('hx-swap-oob="true"') == 30
    fill(world, 150)
    with django_assert_max_num_queries(with_new) as many:
        answer = gp.get(poll_url(page))
    assert answer.status_code == 200
    assert len(many.captured_queries) == with_new
    assert answer.content.decode().count('<li class="bubble') == 100
