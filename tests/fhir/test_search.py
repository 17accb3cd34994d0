"""The searches by identifier: a patient by INS (`POST /fhir/Patient/_search`), what a
hospital's record system asks first, and a professional by RPPS (a patient by identity traits:
test_search_traits.py; the pages: test_search_paging.py). The identifier travels in the body,
never in a URL; the search answers within the caller's scope (another patient is not
found, as for an INS nobody has), each patient found is a read logged, and a bad search is
refused with an OperationOutcome."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from interop import systems
from labparcours.models import AccessLogEntry
from teams.models import Professional
from tests.conftest import World, client_for
from tests.fhir.searching import FORM, SEARCH, found, refusal, search
from tests.fhir.validation import valid
from tests.fhir.world import dress

PRACTITIONERS = "/fhir/Practitioner/_search"


@pytest.fixture(scope="module")
def module_world(module_world: World, django_db_blocker) -> World:
    with django_db_blocker.unblock():
        return dress(module_world)


def spaced(nir: str) -> str:
    """A NIR as a person types it: 1 52 04 59 …"""
    return f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"


def test_a_team_member_finds_the_patient_by_ins_and_the_read_is_logged(world: World) -> None:
    reads = AccessLogEntry.objects.filter(user=world.gp, patient=world.own)
    before = reads.count()
    bundle = search(client_for(world.gp), f"identifier={systems.INS_NIR}|{world.own.nir}")
    assert found(bundle) == [str(world.own.pk)]
    entry = bundle["entry"][0]
    assert entry["search"] == {"mode": "match"}
    assert entry["fullUrl"].endswith(f"/fhir/Patient/{world.own.pk}")
    assert entry["resource"]["identifier"][0]["value"] == world.own.nir
    assert reads.count() == before + 1
    # The bundle's own link names no identifier.
    assert world.own.nir not in json.dumps(bundle["link"])


@pytest.mark.parametrize("typed", ["{nir}", "{spaced}", f"{systems.INS_NIA}|{{nir}}"])
def test_the_value_alone_or_as_typed_finds_the_patient_too(world: World, typed: str) -> None:
    value = typed.format(nir=world.own.nir, spaced=spaced(world.own.nir))
    body = f"identifier={value.replace(' ', '+').replace('|', '%7C')}"
    assert found(search(client_for(world.coordinator), body)) == [str(world.own.pk)]


@pytest.mark.parametrize("who", ["gp", "patient_user"])
def test_a_patient_outside_the_scope_is_not_found_and_nothing_is_logged(
    world: World, who: str
) -> None:
    before = AccessLogEntry.objects.count()
    assert found(search(client_for(world.user(who)), f"identifier={world.other.nir}")) == []
    assert AccessLogEntry.objects.count() == before


def test_the_patient_finds_their_own_record(world: World) -> None:
    bundle = search(client_for(world.patient_user), f"identifier={world.own.nir}")
    assert found(bundle) == [str(world.own.pk)]


@pytest.mark.parametrize(
    "body",
    ["identifier=http://example.org/mrn|{nir}", "identifier=000000000000000"],
)
def test_another_system_or_an_unknown_ins_finds_nobody(world: World, body: str) -> None:
    bundle = search(client_for(world.coordinator), body.format(nir=world.own.nir))
    assert found(bundle) == []


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("name=Lambert", "Unknown search parameter: name"),
        ("", "Search by the patient's INS (identifier) or by their identity traits"),
        ("identifier=", "Give one identifier"),
        ("identifier=1&identifier=2", "Give each search parameter once: identifier"),
    ],
)
def test_a_search_it_cannot_answer_is_refused_and_says_why(
    world: World, body: str, says: str
) -> None:
    before = AccessLogEntry.objects.count()
    response = client_for(world.coordinator).post(SEARCH, body, content_type=FORM)
    assert says in refusal(response, 400)
    assert response.json()["issue"][0]["code"] == "invalid"
    assert AccessLogEntry.objects.count() == before


def test_a_search_in_the_url_is_refused(world: World) -> None:
    client = client_for(world.coordinator)
    diagnostics = refusal(client.get(f"/fhir/Patient?identifier={world.own.nir}"), 405)
    assert "POST /fhir/Patient/_search" in diagnostics
    assert world.own.nir not in diagnostics
    refusal(client.get(SEARCH), 405)


def test_a_json_body_is_not_a_search_form(world: World) -> None:
    response = client_for(world.coordinator).post(
        SEARCH, {"identifier": world.own.nir}, content_type="application/json"
    )
    assert refusal(response, 415)
    assert response.json()["issue"][0]["code"] == "not-supported"


def test_a_search_needs_authentication(world: World) -> None:
    response = Client().post(SEARCH, f"identifier={world.own.nir}", content_type=FORM)
    refusal(response, 401)


def test_the_capability_statement_declares_the_search() -> None:
    statement = valid(Client().get("/fhir/metadata").json())
    patient = next(r for r in statement["rest"][0]["resource"] if r["type"] == "Patient")
    assert "search-type" in [i["code"] for i in patient["interaction"]]
    assert [p["name"] for p in patient["searchParam"]] == [
        "identifier",
        "family",
        "given",
        "birthdate",
        "gender",
    ]
    assert "next link" in patient["interaction"][1]["documentation"]
    searched = [r["type"] for r in statement["rest"][0]["resource"] if r.get("searchParam")]
    assert searched == ["Patient", "Practitioner"]


# --- A professional by RPPS ---------------------------------------------------------------


def gp_of(world: World, target: str) -> Professional:
    return Professional.objects.get(pk=world.fhir[target]["gp"])


@pytest.mark.parametrize(
    "typed",
    [f"{systems.RPPS}|{{rpps}}", f"{systems.IDNAT_PS}|8{{rpps}}", "{rpps}"],
)
def test_a_professional_is_found_by_rpps_or_idnatps(world: World, typed: str) -> None:
    gp = gp_of(world, "other")
    body = f"identifier={typed.format(rpps=gp.rpps).replace('|', '%7C')}"
    response = client_for(world.coordinator).post(PRACTITIONERS, body, content_type=FORM)
    bundle = valid(response.json())
    assert found(bundle) == [str(gp.pk)]
    assert bundle["entry"][0]["resource"]["resourceType"] == "Practitioner"


def test_the_patient_side_finds_only_the_professionals_of_its_team(world: World) -> None:
    client = client_for(world.patient_user)
    own, other = gp_of(world, "own"), gp_of(world, "other")
    assert found(valid(client.post(PRACTITIONERS, f"identifier={own.rpps}", FORM).json())) == [
        str(own.pk)
    ]
    assert found(valid(client.post(PRACTITIONERS, f"identifier={other.rpps}", FORM).json())) == []


@pytest.mark.parametrize(
    "body", [f"identifier={systems.INS_NIR}|{{rpps}}", f"identifier={systems.IDNAT_PS}|{{rpps}}"]
)
def test_an_rpps_under_another_system_finds_nobody(world: World, body: str) -> None:
    gp = gp_of(world, "own")
    data = body.format(rpps=gp.rpps).replace("|", "%7C")
    response = client_for(world.coordinator).post(PRACTITIONERS, data, content_type=FORM)
    assert found(valid(response.json())) == []


def test_a_practitioner_search_in_the_url_is_refused(world: World) -> None:
    response = client_for(world.coordinator).get(f"/fhir/Practitioner?identifier={'1' * 11}")
    assert "POST /fhir/Practitioner/_search" in refusal(response, 405)
    response = client_for(world.coordinator).post(PRACTITIONERS, "name=Dubois", FORM)
    assert "Unknown search parameter: name" in refusal(response, 400)
