"""The clinical view of a patient over time, read from the structured contributions of their
SICs: the key measures across the SICs, the medication list and its changes, the
hospitalisations — on the patient page and at the top of a SIC's preparation page."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from labparcours.models import AccessLogEntry
from sic.clinical import clinical_view
from sic.models import Contribution, Sic
from sic.services import sic_ensure_planned, sic_schedule
from tests.conftest import World, client_for
from tests.factories import PatientFactory, full_team, sic_held_on

WRITERS = {
    "gp_summary": "gp",
    "nursing_assessment": "nurse",
    "medication_review": "pharmacist",
    "specialist_opinion": "specialist",
}
# The own patient's SICs (heart failure), six months apart.
DAYS = [datetime.date(2025, 2, 20), datetime.date(2025, 8, 21), datetime.date(2026, 2, 19)]


def authors(world: World) -> dict:
    return {kind: world.user(role) for kind, role in WRITERS.items()}


@pytest.fixture
def three_sics(world: World) -> list[Sic]:
    return [
        sic_held_on(world.own, day, visit=visit, authors=authors(world))
        for visit, day in enumerate(DAYS)
    ]


def test_the_measures_follow_the_sics_held(world: World, three_sics) -> None:
    view = clinical_view(user=world.gp, patient=world.own)
    weight = next(t for t in view.trends if t.measure.key == "weight_kg")
    assert [p.value for p in weight.points] == [Decimal("84.6"), Decimal("83.2"), Decimal("82.4")]
    assert [p.sic for p in weight.points] == three_sics
    assert weight.delta_text() == "−0,8 kg"
    keys = [t.measure.key for t in view.trends]
    assert keys == [
        "weight_kg",
        "bp_systolic",
        "bp_diastolic",
        "heart_rate",
        "nyha_class",
        "lvef_percent",
        "nt_probnp",
        "egfr",
        "potassium",
    ]  # heart failure: no HbA1c


def test_the_medication_list_says_what_changed_since_the_previous_review(
    world: World, three_sics
) -> None:
    view = clinical_view(user=world.gp, patient=world.own)
    assert view.medications_from == three_sics[2]
    assert view.medications_since == three_sics[1]
    changes = {m.name: (m.change, m.previous_dose) for m in view.medications}
    assert changes["Furosémide"] == ("dose", "40 mg matin")
    assert changes["Spironolactone"] == ("started", "")
    assert changes["Dapagliflozine"] == ("started", "")
    assert changes["Bisoprolol"] == ("", "")
    assert "Metformine" not in changes  # heart failure only
    assert [m.name for m in view.stopped] == []
    first_two = clinical_view(user=world.gp, patient=world.own, sic=three_sics[1])
    assert [m.name for m in first_two.stopped] == ["Ramipril"]
    assert ("Sacubitril/valsartan", "started") in [
        (m.name, m.change) for m in first_two.medications
    ]


def test_a_hospitalisation_is_listed_once(world: World, three_sics) -> None:
    # The third GP's summary reports again the one of the second.
    third = three_sics[2].contributions.get(kind="gp_summary")
    second = three_sics[1].contributions.get(kind="gp_summary")
    third.content["hospitalisations"] = second.content["hospitalisations"]
    third.save()
    view = clinical_view(user=world.gp, patient=world.own)
    assert [(h.reason, h.days) for h in view.hospitalisations] == [
        ("Décompensation cardiaque globale", 6)
    ]
    assert view.hospitalisations[0].sic == three_sics[1]


def test_drafts_and_sics_not_held_stay_out_of_the_patient_page(world: World, three_sics) -> None:
    upcoming = sic_schedule(
        sic=sic_ensure_planned(patient=world.own), at=timezone.now() + datetime.timedelta(days=3)
    )
    Contribution.objects.create(
        sic=upcoming,
        kind="nursing_assessment",
        author=world.nurse,
        entered_by=world.nurse,
        content={"weight_kg": "90.0"},
        status="submitted",
        submitted_at=timezone.now(),
    )
    view = clinical_view(user=world.gp, patient=world.own)
    assert len(view.snapshots) == 3
    preparing = clinical_view(user=world.gp, patient=world.own, sic=upcoming)
    assert preparing.current.sic == upcoming
    weight = next(r for r in preparing.measure_changes() if r.trend.measure.key == "weight_kg")
    assert (weight.before.value, weight.now.value) == (Decimal("82.4"), Decimal("90.0"))
    assert weight.change_text() == "+7,6 kg"
    bp = next(r for r in preparing.measure_changes() if r.trend.measure.key == "bp_systolic")
    assert bp.now is None  # not given for this SIC yet


def test_the_patients_side_reads_none_of_the_professionals_notes(world: World, three_sics) -> None:
    for user in (world.patient_user, world.caregiver_user):
        assert clinical_view(user=user, patient=world.own).is_empty
    page = client_for(world.patient_user).get(f"/sic/{three_sics[2].pk}/").content.decode()
    assert "Ce qui a changé depuis la dernière SIC" not in page
    assert "82,4" not in page


def test_the_patient_page_shows_the_clinical_follow_up(world: World, three_sics) -> None:
    response = client_for(world.gp).get(f"/patients/{world.own.pk}/")
    page = response.content.decode()
    assert "Suivi clinique" in page
    assert "D’après les contributions des 3 SIC tenues" in page
    assert '<p class="trend-value">82,4 <span class="trend-unit">kg</span></p>' in page
    assert "Poids au fil des SIC : 84,6 kg (20 fév. 2025), 83,2 kg" in page  # the chart says it
    assert "Dose modifiée" in page
    assert "Décompensation cardiaque globale" in page
    assert AccessLogEntry.objects.filter(user=world.gp, what="patient record").exists()


def test_the_preparation_page_opens_with_what_changed(world: World, three_sics) -> None:
    page = client_for(world.nurse).get(f"/sic/{three_sics[2].pk}/").content.decode()
    assert page.index("Ce qui a changé depuis la dernière SIC") < page.index("Préparation")
    assert "Par rapport à la SIC tenue le 21 août 2025" in page
    assert "−0,8 kg" in page
    assert "Spironolactone" in page
    assert "Aucune signalée." in page  # the hospitalisation was before the second SIC


def test_a_patient_without_a_sic_held_sees_an_empty_follow_up(world: World) -> None:
    page = client_for(world.gp).get(f"/patients/{world.own.pk}/").content.decode()
    assert "Suivi clinique" in page
    assert "Rien d’enregistré pour l’instant" in page


def test_the_pages_read_the_clinical_view_in_a_constant_number_of_queries(
    world: World, django_assert_max_num_queries
) -> None:
    patient = PatientFactory(coordinator=world.coordinator, pathway="ic_dt2")
    full_team(patient)
    writers = dict.fromkeys(WRITERS, world.coordinator)
    sic_held_on(patient, DAYS[0], visit=0, authors=writers)
    client = client_for(world.coordinator)
    url = f"/patients/{patient.pk}/"
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for visit, day in enumerate(DAYS[1:], start=1):
        sic_held_on(patient, day, visit=visit, authors=writers)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Suivi clinique" in client.get(url).content.decode()
    last = patient.sics.filter(status="held").order_by("-held_at").first()
    client.get(f"/sic/{last.pk}/")
    with django_assert_max_num_queries(60) as on_sic_page:
        client.get(f"/sic/{last.pk}/")
    held_before = patient.sics.filter(status="held").order_by("held_at").first()
    with django_assert_max_num_queries(len(on_sic_page.captured_queries)):
        client.get(f"/sic/{held_before.pk}/")
