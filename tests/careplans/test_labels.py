"""A due date reads as a date (« Échéance : … », not « Par : »), on the plan page, the PDF and
« Mes actions »; decisions and goals are not shown as ticked tasks."""

import datetime
import io

from pypdf import PdfReader

from careplans.models import PlanStatus
from tests.conftest import World, client_for
from tests.factories import held_sic, make_plan

DUE = datetime.date(2031, 4, 30)


def plan_with_a_due_date(world: World):
    plan = make_plan(world, status=PlanStatus.VALIDATED)
    plan.actions.filter(what__startswith="Pesée").update(due_date=DUE)
    return plan


def test_the_pdf_says_echeance(world: World) -> None:
    plan = plan_with_a_due_date(world)
    response = client_for(world.patient_user).get(f"/plans/{plan.pk}/pdf/")
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Échéance : 30 avril 2031" in text
    assert "avant le" not in text


def test_my_actions_says_echeance(world: World) -> None:
    plan_with_a_due_date(world)
    page = client_for(world.nurse).get("/mes-actions/").content.decode()
    assert "Échéance : 30 avril 2031" in page


def test_the_form_labels_the_due_date_as_a_date(world: World) -> None:
    plan = make_plan(world)
    page = client_for(world.coordinator).get(f"/plans/{plan.pk}/").content.decode()
    assert '<label for="id_due_date">Échéance' in page
    assert 'type="date" name="due_date"' in page


def test_the_decisions_of_a_sic_are_not_ticked(world: World) -> None:
    sic = held_sic(world, present=[])
    sic.decisions.create(text="Pilulier hebdomadaire", position=1)
    page = client_for(world.coordinator).get(f"/sic/{sic.pk}/").content.decode()
    decisions = page[page.index('class="decision-list"') :]
    decisions = decisions[: decisions.index("</ol>")]
    assert "Pilulier hebdomadaire" in decisions
    assert "is-done" not in decisions
