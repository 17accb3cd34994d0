import io

from pypdf import PdfReader

from careplans.models import PlanStatus
from tests.conftest import World, client_for
from tests.factories import make_plan


def test_the_patient_prints_the_same_plan_as_the_page(world: World) -> None:
    plan = make_plan(world, status=PlanStatus.VALIDATED)
    page = client_for(world.patient_user).get("/mon-plan/").content.decode()
    response = client_for(world.patient_user).get(f"/plans/{plan.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(p.extract_text() for p in reader.pages)
    for expected in (
        "Mon plan de soins",
        "Aller au marché le dimanche",
        "Pesée trois fois par semaine",
        "Marcher 20 minutes",
        "Vous",
        "Qui fait quoi",
        "Page 1 / 1",
    ):
        assert expected in text, expected
    for shared in ("Aller au marché le dimanche", "Pesée trois fois par semaine", "Qui fait quoi"):
        assert shared in page


def test_the_api_serves_the_pdf(world: World) -> None:
    plan = make_plan(world, status=PlanStatus.VALIDATED)
    response = client_for(world.coordinator).get(f"/api/v1/careplans/{plan.pk}/pdf/")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
