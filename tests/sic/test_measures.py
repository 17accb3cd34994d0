"""The measures the contributions record have a unit and a plausible range, checked by one
rule on the page (a French message, the value kept) and in the API (a 400 per field)."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from sic.models import Contribution
from tests.conftest import World, client_for

NURSING = {
    "autonomy": "partial",
    "weight_trend": "stable",
    "home_situation": "Vit seul",
    "needs": "Balance",
    "weight_kg": "82,4",
    "bp_systolic": "128",
    "bp_diastolic": "76",
    "heart_rate": "68",
}
GP_SUMMARY = {"history": "h", "current_problems": "p", "expectations": "e"}
SPECIALIST = {"assessment": "a", "recommendations": "r"}

# (the form's kind, the field, what is typed, the French message)
REFUSED = [
    (
        "nursing_assessment",
        "bp_systolic",
        "abc",
        "Pression artérielle systolique : saisissez un nombre, en mmHg.",
    ),
    (
        "nursing_assessment",
        "bp_systolic",
        "300",
        "La pression systolique doit être comprise entre 60 et 260 mmHg.",
    ),
    (
        "nursing_assessment",
        "bp_diastolic",
        "20",
        "La pression diastolique doit être comprise entre 30 et 160 mmHg.",
    ),
    ("nursing_assessment", "weight_kg", "8", "Le poids doit être compris entre 20 et 300 kg."),
    (
        "nursing_assessment",
        "weight_kg",
        "82,45",
        "Poids : une décimale au plus.",
    ),
    (
        "nursing_assessment",
        "heart_rate",
        "300",
        "La fréquence cardiaque doit être comprise entre 20 et 250 bpm.",
    ),
    (
        "nursing_assessment",
        "heart_rate",
        "72,5",
        "Fréquence cardiaque : un nombre entier est attendu.",
    ),
    ("specialist_opinion", "nyha_class", "5", "La classe NYHA va de I à IV."),
    (
        "specialist_opinion",
        "lvef_percent",
        "95",
        "La FEVG doit être comprise entre 5 et 80 %.",
    ),
    (
        "gp_summary",
        "nt_probnp",
        "90000",
        "Le NT-proBNP doit être compris entre 5 et 70\xa0000 pg/mL.",
    ),
    (
        "gp_summary",
        "potassium",
        "12",
        "La kaliémie doit être comprise entre 1,5 et 9 mmol/L.",
    ),
    (
        "gp_summary",
        "egfr",
        "0",
        "Le DFG estimé doit être compris entre 2 et 200 mL/min/1,73 m².",
    ),
]
BASE = {
    "nursing_assessment": NURSING,
    "gp_summary": GP_SUMMARY,
    "specialist_opinion": SPECIALIST,
}
WRITER = {"nursing_assessment": "nurse", "gp_summary": "gp", "specialist_opinion": "specialist"}


def url(sic, kind: str) -> str:
    return f"/sic/{sic.pk}/contribution/{kind}/"


@pytest.mark.parametrize(("kind", "field", "typed", "message"), REFUSED)
def test_the_page_refuses_an_implausible_measure_in_french_and_keeps_it(
    world: World, sics, kind: str, field: str, typed: str, message: str
) -> None:
    response = client_for(world.user(WRITER[kind])).post(
        url(sics["own"], kind), {**BASE[kind], field: typed, "submit": "1"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field] == [message]
    page = response.content.decode()
    assert message in page
    if field != "nyha_class":  # a list offers I to IV only
        assert f'value="{typed}"' in page
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(("kind", "field", "typed", "message"), REFUSED)
def test_the_api_refuses_the_same_measure_with_the_same_message(
    world: World, sics, kind: str, field: str, typed: str, message: str
) -> None:
    content = {**BASE[kind], field: typed}
    content = {k: v.replace(",", ".") if k != field else v for k, v in content.items()}
    response = client_for(world.user(WRITER[kind])).post(
        f"/api/v1/sics/{sics['own'].pk}/contributions/",
        {"kind": kind, "content": content, "submit": True},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"content": {field: [message]}}
    assert not Contribution.objects.exists()


def test_measures_are_kept_as_numbers_typed_the_french_way(world: World, sics) -> None:
    response = client_for(world.nurse).post(
        url(sics["own"], "nursing_assessment"), {**NURSING, "submit": "1"}
    )
    assert response.status_code == 302
    content = Contribution.objects.get().content
    assert content["weight_kg"] == "82.4"
    assert (content["bp_systolic"], content["bp_diastolic"], content["heart_rate"]) == (
        128,
        76,
        68,
    )
    page = client_for(world.gp).get(f"/contributions/{Contribution.objects.get().pk}/")
    text = page.content.decode()
    assert "82,4 kg" in text
    assert "128 mmHg" in text
    edit = client_for(world.nurse).get(url(sics["own"], "nursing_assessment")).content.decode()
    assert 'value="82,4"' in edit


def test_a_diastolic_pressure_above_the_systolic_is_refused(world: World, sics) -> None:
    response = client_for(world.nurse).post(
        url(sics["own"], "nursing_assessment"),
        {**NURSING, "bp_systolic": "80", "bp_diastolic": "90", "submit": "1"},
    )
    assert response.context["form"].errors["bp_diastolic"] == [
        "La pression diastolique doit être inférieure à la systolique."
    ]


def test_the_api_takes_measures_as_json_numbers(world: World, sics) -> None:
    response = client_for(world.nurse).post(
        f"/api/v1/sics/{sics['own'].pk}/contributions/",
        {
            "kind": "nursing_assessment",
            "submit": True,
            "content": {
                **NURSING,
                "weight_kg": 82.4,
                "bp_systolic": 128,
                "bp_diastolic": 76,
                "heart_rate": 68,
            },
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["content"]["weight_kg"] == "82.4"
    assert response.json()["content"]["bp_systolic"] == 128


def test_each_pathway_records_its_own_measures(world: World, sics) -> None:
    """The own patient has heart failure: NT-proBNP, no HbA1c."""
    gp_form = client_for(world.gp).get(url(sics["own"], "gp_summary")).context["form"]
    assert "nt_probnp" in gp_form.fields
    assert "hba1c_percent" not in gp_form.fields
    world.own.pathway = "dt2"
    world.own.save(update_fields=["pathway"])
    gp_form = client_for(world.gp).get(url(sics["own"], "gp_summary")).context["form"]
    assert "hba1c_percent" in gp_form.fields
    assert "nt_probnp" not in gp_form.fields
    specialist = client_for(world.specialist).get(url(sics["own"], "specialist_opinion"))
    assert "nyha_class" not in specialist.context["form"].fields


# --- Hospitalisations --------------------------------------------------------------------


def test_the_gp_reports_hospitalisations_since_the_last_sic(world: World, sics) -> None:
    admitted = timezone.localdate() - datetime.timedelta(days=40)
    response = client_for(world.gp).post(
        url(sics["own"], "gp_summary"),
        {
            **GP_SUMMARY,
            "hosp_0_date": admitted.isoformat(),
            "hosp_0_reason": "Décompensation cardiaque",
            "hosp_0_days": "6",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    summary = Contribution.objects.get()
    assert summary.content["hospitalisations"] == [
        {"date": admitted.isoformat(), "reason": "Décompensation cardiaque", "days": 6}
    ]
    page = client_for(world.nurse).get(f"/contributions/{summary.pk}/").content.decode()
    assert "Décompensation cardiaque" in page


def test_a_hospitalisation_to_come_or_without_a_reason_is_refused(world: World, sics) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(world.gp).post(
        url(sics["own"], "gp_summary"),
        {
            **GP_SUMMARY,
            "hosp_0_date": tomorrow.isoformat(),
            "hosp_0_reason": "Chute",
            "hosp_1_date": "2025-03-02",
            "hosp_1_days": "400",
            "submit": "1",
        },
    )
    errors = response.context["form"].errors
    assert errors["hosp_0_date"] == ["Une hospitalisation ne peut pas être dans le futur."]
    assert errors["hosp_1_reason"] == ["Indiquez le motif de cette hospitalisation."]
    assert errors["hosp_1_days"] == ["La durée du séjour doit être comprise entre 0 et 365 jours."]
    api = client_for(world.gp).post(
        f"/api/v1/sics/{sics['own'].pk}/contributions/",
        {
            "kind": "gp_summary",
            "content": {
                **GP_SUMMARY,
                "hospitalisations": [{"date": tomorrow.isoformat(), "reason": "Chute"}],
            },
        },
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json()["errors"] == {
        "content": {
            "hospitalisations": [
                "Hospitalisation 1 : Une hospitalisation ne peut pas être dans le futur."
            ]
        }
    }
    assert not Contribution.objects.exists()


# --- Contributions written before the measures ----------------------------------------------


def test_a_blood_pressure_typed_as_text_becomes_two_measures(world: World, sics) -> None:
    rows = {
        text: Contribution.objects.create(
            sic=sics["own"] if i == 0 else sics["other"],
            kind="nursing_assessment",
            author=author,
            entered_by=author,
            content={"weight_kg": "80.0", "blood_pressure": text},
        )
        for i, (text, author) in enumerate([("128/76", world.nurse), ("13/8", world.coordinator)])
    }
    kept = Contribution.objects.create(
        sic=sics["own"],
        kind="nursing_assessment",
        author=world.coordinator,
        entered_by=world.coordinator,
        content={"blood_pressure": "abc"},
    )
    migration = importlib.import_module("sic.migrations.0004_nursing_blood_pressure_measures")
    migration.split_blood_pressure(apps, None)
    for row in rows.values():
        row.refresh_from_db()
    assert rows["128/76"].content == {"weight_kg": "80.0", "bp_systolic": 128, "bp_diastolic": 76}
    assert rows["13/8"].content["bp_systolic"] == 130
    kept.refresh_from_db()
    assert kept.content == {"blood_pressure": "abc"}
    page = client_for(world.gp).get(f"/contributions/{kept.pk}/")
    assert page.status_code == 404  # a draft: its author's only
    kept.status, kept.submitted_at = "submitted", timezone.now()
    kept.save()
    page = client_for(world.gp).get(f"/contributions/{kept.pk}/").content.decode()
    assert "Pression artérielle (saisie libre, avant les mesures)" in page
    assert "abc" in page
