import pytest

from labparcours.models import AccessLogEntry
from sic.models import Contribution, ContributionStatus
from sic.services import sic_hold
from tests.conftest import World, client_for

GP_SUMMARY = {
    "history": "Cardiopathie ischémique",
    "current_problems": "Dyspnée",
    "expectations": "Adapter le traitement",
}
MEDICATIONS = {
    "med_0_name": "Furosémide",
    "med_0_dose": "40 mg",
    "med_0_adherence": "partial",
    "med_1_name": "Bisoprolol",
    "med_1_dose": "5 mg",
    "med_1_adherence": "good",
    "interactions": "Aucune",
    "problems": "Oublis",
    "recommendations": "Pilulier",
}


def url(sics, kind: str, target: str = "own") -> str:
    return f"/sic/{sics[target].pk}/contribution/{kind}/"


def test_submitting_requires_the_required_fields(world: World, sics) -> None:
    response = client_for(world.gp).post(url(sics, "gp_summary"), {"history": "x", "submit": "1"})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not Contribution.objects.exists()


def test_a_draft_may_be_incomplete_and_stays_private(world: World, sics) -> None:
    response = client_for(world.gp).post(url(sics, "gp_summary"), {"history": "x", "draft": "1"})
    assert response.status_code == 302
    draft = Contribution.objects.get()
    assert draft.status == ContributionStatus.DRAFT
    assert client_for(world.nurse).get(f"/contributions/{draft.pk}/").status_code == 404


def test_the_author_submits_and_the_team_reads(world: World, sics) -> None:
    client_for(world.pharmacist).post(
        url(sics, "medication_review"), {**MEDICATIONS, "submit": "1"}
    )
    review = Contribution.objects.get()
    assert review.status == ContributionStatus.SUBMITTED
    assert [m["name"] for m in review.content["medications"]] == ["Furosémide", "Bisoprolol"]
    page = client_for(world.gp).get(f"/contributions/{review.pk}/").content.decode()
    assert "Furosémide" in page
    assert "Pilulier" in page
    prep = client_for(world.coordinator).get(f"/sic/{sics['own'].pk}/").content.decode()
    assert "Transmise" in prep
    assert "Manquant" in prep


def test_only_the_author_writes_a_contribution(world: World, sics) -> None:
    assert client_for(world.nurse).get(url(sics, "gp_summary")).status_code == 403
    assert client_for(world.coordinator).get(url(sics, "gp_summary")).status_code == 403
    client_for(world.gp).post(url(sics, "gp_summary"), {**GP_SUMMARY, "submit": "1"})
    summary = Contribution.objects.get()
    response = client_for(world.nurse).patch(
        f"/api/v1/contributions/{summary.pk}/",
        {"content": GP_SUMMARY},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_the_author_amends_until_the_sic_is_held(world: World, started_sics) -> None:
    client = client_for(world.gp)
    client.post(url(started_sics, "gp_summary"), {**GP_SUMMARY, "submit": "1"})
    client.post(
        url(started_sics, "gp_summary"), {**GP_SUMMARY, "expectations": "Autre", "submit": "1"}
    )
    assert Contribution.objects.get().content["expectations"] == "Autre"
    sic_hold(
        sic=started_sics["own"],
        by=world.coordinator,
        minutes="m",
        patient_present=True,
        caregiver_present=False,
        present_memberships=[],
        decisions=[],
    )
    response = client.post(
        url(started_sics, "gp_summary"), {**GP_SUMMARY, "expectations": "Trop tard", "submit": "1"}
    )
    assert response.status_code == 302
    assert Contribution.objects.get().content["expectations"] == "Autre"
    api = client.patch(
        f"/api/v1/contributions/{Contribution.objects.get().pk}/",
        {"content": GP_SUMMARY},
        content_type="application/json",
    )
    assert api.status_code == 409


def test_the_patient_fills_the_experience_form(world: World, sics) -> None:
    response = client_for(world.patient_user).post(
        url(sics, "patient_experience"),
        {
            "living_with_illness": "Fatigué",
            "what_matters_most": "Le marché",
            "difficulties": "Qui appeler ?",
            "goals": "Marcher",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    form = Contribution.objects.get(kind="patient_experience")
    assert form.author == world.patient_user
    assert form.entered_by == world.patient_user


def test_the_coordinator_types_the_patient_form_on_their_behalf(world: World, sics) -> None:
    client_for(world.coordinator).post(
        url(sics, "patient_experience"),
        {
            "living_with_illness": "a",
            "what_matters_most": "b",
            "difficulties": "c",
            "goals": "d",
            "submit": "1",
        },
    )
    form = Contribution.objects.get(kind="patient_experience")
    assert form.author == world.patient_user
    assert form.entered_by == world.coordinator
    page = client_for(world.gp).get(f"/contributions/{form.pk}/").content.decode()
    assert "Saisie par" in page


def test_the_patient_does_not_read_the_professionals_notes(world: World, sics) -> None:
    client_for(world.gp).post(url(sics, "gp_summary"), {**GP_SUMMARY, "submit": "1"})
    summary = Contribution.objects.get()
    assert client_for(world.patient_user).get(f"/contributions/{summary.pk}/").status_code == 404
    api = client_for(world.patient_user).get(f"/api/v1/sics/{sics['own'].pk}/contributions/")
    assert api.json() == []


def test_reading_a_contribution_is_logged(world: World, sics) -> None:
    client_for(world.gp).post(url(sics, "gp_summary"), {**GP_SUMMARY, "submit": "1"})
    client_for(world.specialist).get(f"/contributions/{Contribution.objects.get().pk}/")
    assert AccessLogEntry.objects.filter(user=world.specialist, what="SIC contribution").exists()


def test_the_api_validates_the_structured_content(world: World, sics) -> None:
    client = client_for(world.pharmacist)
    response = client.post(
        f"/api/v1/sics/{sics['own'].pk}/contributions/",
        {"kind": "medication_review", "content": {"interactions": "x"}, "submit": True},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "content" in response.json()["errors"]
    response = client.post(
        f"/api/v1/sics/{sics['own'].pk}/contributions/",
        {
            "kind": "medication_review",
            "submit": True,
            "content": {
                "medications": [{"name": "Furosémide", "dose": "40 mg", "adherence": "good"}],
                "interactions": "Aucune",
                "problems": "Aucun",
                "recommendations": "RAS",
            },
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "submitted"


@pytest.mark.parametrize(
    ("medications", "error"),
    [
        (["Furosémide 40 mg"], "Médicament 1 : un objet est attendu"),
        ([None, {"name": {"dci": "x"}, "dose": [1]}], "Médicament 1 : un objet est attendu"),
        ([{"name": "Furosémide"}, {"name": {"dci": "x"}}], "Médicament 2 : un objet est attendu"),
        ("Furosémide", "Une liste de médicaments est attendue."),
        ([{"name": f"M{i}"} for i in range(101)], "Au plus 100 médicaments"),
    ],
)
def test_the_api_refuses_a_malformed_medication_list_and_writes_nothing(
    world: World, sics, medications: object, error: str
) -> None:
    client = client_for(world.pharmacist)
    client.raise_request_exception = False
    response = client.post(
        f"/api/v1/sics/{sics['own'].pk}/contributions/",
        {"kind": "medication_review", "content": {"medications": medications}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["content"]
    assert list(response.json()["errors"]["content"]) == ["medications"]
    assert response.json()["errors"]["content"]["medications"][0].startswith(error)
    assert not Contribution.objects.exists()


def test_the_team_gp_gets_a_400_too_not_a_500(world: World, sics) -> None:
    client = client_for(world.gp)
    client.raise_request_exception = False
    response = client.post(
        f"/api/v1/sics/{sics['own'].pk}/contributions/",
        {"kind": "medication_review", "content": {"medications": [None, {"a": {"b": 1}}]}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Contribution.objects.exists()


def test_the_api_refuses_an_object_where_text_is_expected(world: World, sics) -> None:
    client = client_for(world.gp)
    response = client.post(
        f"/api/v1/sics/{sics['own'].pk}/contributions/",
        {"kind": "gp_summary", "content": {"history": {"nested": True}, "expectations": ["x"]}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "content": {
            "history": ["Du texte ou un nombre est attendu."],
            "expectations": ["Du texte ou un nombre est attendu."],
        }
    }
    assert not Contribution.objects.exists()


def test_the_api_names_a_row_without_a_medication_name(world: World, sics) -> None:
    response = client_for(world.pharmacist).post(
        f"/api/v1/sics/{sics['own'].pk}/contributions/",
        {"kind": "medication_review", "content": {"medications": [{"dose": "40 mg"}]}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["content"] == {
        "medications": ["Médicament 1 : Indiquez le nom du médicament de cette ligne."]
    }


def test_the_page_form_ignores_forged_medication_fields(world: World, sics) -> None:
    client = client_for(world.pharmacist)
    client.raise_request_exception = False
    response = client.post(
        url(sics, "medication_review"),
        {"med_0_name": ["a", "b"], "med_0_adherence": "<script>", "medications": "[null]"},
    )
    assert response.status_code == 200
    assert not Contribution.objects.exists()
