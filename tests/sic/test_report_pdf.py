import io

from pypdf import PdfReader

from labparcours.models import AccessLogEntry
from programme.demo_data import CONTENT
from sic.models import Contribution
from sic.services import sic_hold
from tests.conftest import World, client_for


def test_the_report_gathers_contributions_attendance_minutes_and_decisions(
    world: World, sics
) -> None:
    sic = sics["own"]
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
    sic_hold(
        sic=sic,
        by=world.coordinator,
        minutes="Poids en hausse, accord sur la pesée.",
        patient_present=True,
        caregiver_present=False,
        present_memberships=[gp_membership.pk],
        decisions=["Pesée trois fois par semaine", "Pilulier hebdomadaire"],
    )

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


def test_the_api_serves_the_same_report(world: World, sics) -> None:
    response = client_for(world.coordinator).get(f"/api/v1/sics/{sics['own'].pk}/report.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(response.content)).pages) >= 1
