import io

from pypdf import PdfReader

from labparcours.models import AccessLogEntry
from programme.demo_data import CONTENT
from sic.models import Contribution
from tests import factories
from tests.conftest import World, client_for


def test_the_report_gathers_contributions_attendance_minutes_and_decisions(
    world: World, started_sics
) -> None:
    sic = started_sics["own"]
    for kind, user in (
        ("gp_summary", world.gp),
        ("medication_review", world.pharmacist),
        ("nursing_assessment", world.nurse),
        ("specialist_opinion", world.specialist),
        ("patient_experience", world.patient_user),
    ):
        Contribution.objects.create(
            sic=sic,
            kind=kind,
            author=user,
            entered_by=user,
            content=CONTENT[kind],
            status="submitted",
            submitted_at=sic.scheduled_at,
        )
    gp_membership = world.own.care_team.memberships.get(professional=world.gp.professional)
    hold(world, sic, present_memberships=[gp_membership.pk])

    response = client_for(world.gp).get(f"/sic/{sic.pk}/rapport.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert world.own.last_name not in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert len(reader.pages) >= 2
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Rapport de SIC",
        "LAMBERT Marcel",
        "Bilan de médication",
        "Furosémide",
        "Pesée trois fois par semaine",
        "Poids en hausse",
        "compte le plus pour vous",
        f"Page 1 / {len(reader.pages)}",
        world.gp.get_full_name(),
    ):
        assert expected in text, expected
    assert AccessLogEntry.objects.filter(user=world.gp, what="SIC report (PDF)").exists()


def test_the_api_serves_the_same_report(world: World, started_sics) -> None:
    hold(world, started_sics["own"])
    response = client_for(world.coordinator).get(
        f"/api/v1/sics/{started_sics['own'].pk}/report.pdf"
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(response.content)).pages) >= 1


def test_the_report_opens_with_the_decisions_and_ends_with_the_contributions(
    world: World, started_sics
) -> None:
    sic = started_sics["own"]
    Contribution.objects.create(
        sic=sic,
        kind="medication_review",
        author=world.pharmacist,
        entered_by=world.pharmacist,
        content=CONTENT["medication_review"],
        status="submitted",
        submitted_at=sic.scheduled_at,
    )
    hold(world, sic)
    response = client_for(world.gp).get(f"/sic/{sic.pk}/rapport.pdf")
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    first_page = reader.pages[0].extract_text()
    assert "Pesée trois fois par semaine" in first_page
    assert "Poids en hausse" in first_page
    text = " ".join(page.extract_text() for page in reader.pages)
    assert text.index("Décisions") < text.index("Compte rendu") < text.index("Contributions")
    assert text.index("Contributions") < text.index("Furosémide")


def test_there_is_no_report_before_the_sic_is_held(world: World, sics) -> None:
    sic = sics["own"]
    client = client_for(world.gp)
    reads = AccessLogEntry.objects.count()
    assert client.get(f"/sic/{sic.pk}/rapport.pdf").status_code == 404
    api = client.get(f"/api/v1/sics/{sic.pk}/report.pdf")
    assert api.status_code == 409
    assert api["Content-Type"] == "application/json"
    assert api.json() == {
        "code": "not_held",
        "detail": "Le compte rendu de la SIC existe une fois la SIC enregistrée comme tenue.",
    }
    assert AccessLogEntry.objects.count() == reads
    page = client.get(f"/sic/{sic.pk}/").content.decode()
    assert "rapport.pdf" not in page


def hold(world: World, sic, **changes) -> None:
    factories.hold(
        sic,
        by=world.coordinator,
        minutes="Poids en hausse, accord sur la pesée.",
        decisions=["Pesée trois fois par semaine", "Pilulier hebdomadaire"],
        **changes,
    )
