"""The FHIR reads: JSON of release 4, refusals as OperationOutcome (401, 404, 406), the API's
authentication, each read logged, what the patient's side reads of its own record, and the
French identifiers with their official systems."""

from __future__ import annotations

import pytest
from django.test import Client

from labparcours.models import AccessLogEntry, ApiToken
from tests.conftest import World, client_for
from tests.fhir.validation import valid
from tests.fhir.world import FHIR, dress


@pytest.fixture(scope="module")
def module_world(module_world: World, django_db_blocker) -> World:
    with django_db_blocker.unblock():
        return dress(module_world)


def everything(client: Client, world: World) -> dict[str, list[dict]]:
    bundle = client.get(f"/fhir/Patient/{world.own.pk}/$everything").json()
    found: dict[str, list[dict]] = {}
    for entry in valid(bundle)["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


def outcome(response) -> str:
    assert response["Content-Type"] == "application/fhir+json; fhirVersion=4.0"
    body = valid(response.json())
    assert body["resourceType"] == "OperationOutcome"
    return body["issue"][0]["code"]


def test_it_answers_fhir_json_of_release_4(world: World) -> None:
    response = client_for(world.gp).get(f"/fhir/Patient/{world.own.pk}", HTTP_ACCEPT=FHIR)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; fhirVersion=4.0"
    assert valid(response.json())["id"] == str(world.own.pk)


@pytest.mark.parametrize(
    "accept",
    [
        "application/json",
        "*/*",
        "text/html,application/xhtml+xml,*/*;q=0.8",
        "application/fhir+json; fhirVersion=4.0",
    ],
)
def test_it_serves_every_accept_that_admits_json(world: World, accept: str) -> None:
    response = client_for(world.gp).get(f"/fhir/Patient/{world.own.pk}", HTTP_ACCEPT=accept)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("accept", "query"),
    [
        ("application/fhir+xml", ""),
        ("text/html", ""),
        ("application/fhir+json; fhirVersion=3.0", ""),
        ("application/json;q=0", ""),
        ("", "?_format=xml"),
    ],
)
def test_it_refuses_what_it_cannot_serve_with_406(world: World, accept: str, query: str) -> None:
    response = client_for(world.gp).get(f"/fhir/Patient/{world.own.pk}{query}", HTTP_ACCEPT=accept)
    assert response.status_code == 406
    assert outcome(response) == "not-supported"
    assert not AccessLogEntry.objects.filter(what__startswith="fhir").exists()


def test_it_asks_for_authentication_with_401(world: World) -> None:
    response = Client().get(f"/fhir/Patient/{world.own.pk}", HTTP_ACCEPT=FHIR)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert outcome(response) == "login"


def test_it_reads_with_a_personal_token(world: World) -> None:
    _token, key = ApiToken.issue(user=world.gp, name="Dossier de l'hôpital")
    response = Client().get(
        f"/fhir/Patient/{world.own.pk}/$everything",
        HTTP_ACCEPT=FHIR,
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200
    assert AccessLogEntry.objects.filter(user=world.gp, what="fhir record").count() == 1


def test_a_revoked_token_is_refused_with_401(world: World) -> None:
    token, key = ApiToken.issue(user=world.gp, name="x")
    token.revoke()
    response = Client().get(f"/fhir/Patient/{world.own.pk}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401
    assert outcome(response) == "login"


@pytest.mark.parametrize("path", ["Patient/{pk}", "Patient/{pk}/$everything", "Patient/not-an-id"])
def test_a_patient_outside_the_scope_is_not_found(world: World, path: str) -> None:
    response = client_for(world.gp).get("/fhir/" + path.format(pk=world.other.pk))
    assert response.status_code == 404
    assert outcome(response) == "not-found"
    assert not AccessLogEntry.objects.filter(what__startswith="fhir").exists()


def test_the_former_member_no_longer_reads_the_patient(world: World) -> None:
    response = client_for(world.former_member).get(f"/fhir/CareTeam/{world.fhir['own']['team']}")
    assert response.status_code == 404


def test_each_read_is_logged_and_the_record_once(world: World) -> None:
    client = client_for(world.nurse)
    client.get(f"/fhir/Patient/{world.own.pk}")
    client.get(f"/fhir/CarePlan/{world.fhir['own']['plan']}")
    client.get(f"/fhir/Patient/{world.own.pk}/$everything")
    reads = AccessLogEntry.objects.filter(user=world.nurse, patient=world.own)
    assert sorted(reads.values_list("what", flat=True)) == [
        "fhir care plan",
        "fhir patient",
        "fhir record",
    ]
    assert not reads.filter(listed=True).exists()


def test_the_patient_reads_in_their_access_log_that_a_platform_read_the_record(
    world: World,
) -> None:
    client_for(world.gp).get(f"/fhir/Patient/{world.own.pk}/$everything")
    page = client_for(world.patient_user).get("/mon-dossier/acces/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Dossier complet (FHIR)" in page.content.decode()


def test_other_methods_are_refused_as_operation_outcomes(world: World) -> None:
    response = client_for(world.coordinator).options(f"/fhir/Patient/{world.own.pk}")
    assert response.status_code == 405
    assert outcome(response) == "not-supported"


def test_a_directory_read_is_about_no_patient(world: World) -> None:
    client_for(world.nurse).get(f"/fhir/Practitioner/{world.fhir['own']['gp']}")
    assert not AccessLogEntry.objects.exists()


def test_the_capability_statement_is_public(world: World) -> None:
    response = Client().get("/fhir/metadata")
    assert response.status_code == 200
    statement = valid(response.json())
    assert statement["fhirVersion"] == "4.0.1"
    patient = next(r for r in statement["rest"][0]["resource"] if r["type"] == "Patient")
    assert patient["operation"][0]["name"] == "everything"


def test_the_team_reads_the_whole_record(world: World) -> None:
    record = everything(client_for(world.pharmacist), world)
    kinds = {r["questionnaire"].rsplit("/", 1)[1] for r in record["QuestionnaireResponse"]}
    assert kinds == {"patient-experience", "gp-summary"}
    assert [p["status"] for p in record["CarePlan"]] == ["active", "draft"]
    assert len(record["Encounter"]) == 1


def test_the_patient_reads_their_record_without_drafts_or_the_team_notes(world: World) -> None:
    for reader in (world.patient_user, world.caregiver_user):
        record = everything(client_for(reader), world)
        assert [p["status"] for p in record["CarePlan"]] == ["active"]
        [form] = record["QuestionnaireResponse"]
        assert form["questionnaire"].endswith("/Questionnaire/patient-experience")
        assert form["author"] == {"reference": f"Patient/{world.own.pk}"}
        assert {"Patient", "CareTeam", "Consent", "Encounter", "Goal"} <= set(record)


def test_the_patient_is_identified_by_the_ins(world: World) -> None:
    patient = everything(client_for(world.coordinator), world)["Patient"][0]
    [ins] = patient["identifier"]
    assert ins["system"] == "urn:oid:1.2.250.1.213.1.4.8"
    assert ins["value"] == world.own.nir
    assert ins["type"]["coding"][0]["code"] == "INS-NIR"
    gp = world.gp.professional
    assert patient["generalPractitioner"] == [
        {"reference": f"Practitioner/{gp.pk}", "display": str(gp)}
    ]


def test_the_practitioner_has_the_national_identifier_and_the_rpps(world: World) -> None:
    gp = world.gp.professional
    response = client_for(world.patient_user).get(f"/fhir/Practitioner/{gp.pk}")
    identifiers = {i["system"]: i["value"] for i in valid(response.json())["identifier"]}
    assert identifiers == {
        "urn:oid:1.2.250.1.71.4.2.1": f"8{gp.rpps}",
        "https://rpps.esante.gouv.fr": gp.rpps,
    }


def test_the_care_team_keeps_the_member_who_left_with_the_end_of_their_period(
    world: World,
) -> None:
    record = everything(client_for(world.coordinator), world)
    [team] = record["CareTeam"]
    former = world.former_member.professional
    [left] = [p for p in team["participant"] if p["member"]["reference"].endswith(f"/{former.pk}")]
    assert "end" in left["period"]
    roles = {r["practitioner"]["reference"]: r["active"] for r in record["PractitionerRole"]}
    assert roles[f"Practitioner/{former.pk}"] is False


def test_the_new_version_replaces_the_plan_in_force(world: World) -> None:
    record = everything(client_for(world.coordinator), world)
    in_force, draft = record["CarePlan"]
    assert draft["replaces"] == [{"reference": f"CarePlan/{in_force['id']}"}]
    performers = [a["detail"]["performer"][0] for a in in_force["activity"]]
    assert {"reference": f"Patient/{world.own.pk}"} in performers
    assert [g["reference"] for g in in_force["goal"]] == [
        f"Goal/{g['id']}" for g in record["Goal"][: len(in_force["goal"])]
    ]


def test_the_encounter_lists_the_members_present(world: World) -> None:
    encounter = everything(client_for(world.coordinator), world)["Encounter"][0]
    present = {p["individual"]["reference"] for p in encounter["participant"]}
    assert present == {
        f"Practitioner/{world.gp.professional.pk}",
        f"Practitioner/{world.nurse.professional.pk}",
    }
    assert encounter["class"]["code"] == "VR"


def test_a_contribution_answers_its_questionnaire(world: World) -> None:
    client = client_for(world.gp)
    response = client.get(f"/fhir/QuestionnaireResponse/{world.fhir['own']['summary']}")
    answers = valid(response.json())
    questionnaire = valid(client.get("/fhir/Questionnaire/gp-summary").json())
    assert answers["questionnaire"] == questionnaire["url"]
    asked = {item["linkId"]: item for item in questionnaire["item"]}
    for item in answers["item"]:
        assert item["linkId"] in asked
    by_link = {item["linkId"]: item for item in answers["item"]}
    assert by_link["hba1c_percent"]["answer"] == [{"valueDecimal": 7.2}]
    [stay] = [i for i in answers["item"] if i["linkId"] == "hospitalisations"]
    assert {i["linkId"]: i["answer"][0] for i in stay["item"]} == {
        "date": {"valueDate": "2026-01-10"},
        "reason": {"valueString": "OAP"},
        "days": {"valueInteger": 5},
    }


def test_a_questionnaire_is_named_by_its_kind_only(world: World) -> None:
    client = client_for(world.nurse)
    assert client.get("/fhir/Questionnaire/gp_summary").status_code == 404
    assert client.get("/fhir/Questionnaire/unknown").status_code == 404
