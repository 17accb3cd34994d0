"""The patients' experience summary never gives away one patient's answers: small counts are
held back, figures that hold one are rounded so that no subtraction gives it back (another
pathway, the total), periods are whole quarters, and a patient partner reads finished quarters
only (`programme.experience`)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from programme.experience import experience_summary, figure
from programme.indicators import Filters
from sic.models import Contribution, ContributionKind, ContributionStatus
from sic.services import sic_ensure_planned
from tests.conftest import World, client_for
from tests.factories import PatientFactory

TODAY = timezone.localdate()
THIS_QUARTER = datetime.date(TODAY.year, 3 * ((TODAY.month - 1) // 3) + 1, 1)
LAST_QUARTER = (THIS_QUARTER - datetime.timedelta(days=1)).replace(day=1)
LAST_QUARTER = LAST_QUARTER.replace(month=3 * ((LAST_QUARTER.month - 1) // 3) + 1)
IN_LAST_QUARTER = LAST_QUARTER + datetime.timedelta(days=20)


def submit(world: World, pathway: str, day: datetime.date, priorities, difficulties) -> None:
    patient = PatientFactory(coordinator=world.coordinator, pathway=pathway)
    sic = sic_ensure_planned(patient=patient)
    Contribution.objects.create(
        sic=sic,
        kind=ContributionKind.PATIENT_EXPERIENCE,
        author=world.patient_user,
        entered_by=world.patient_user,
        status=ContributionStatus.SUBMITTED,
        submitted_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))),
        content={"priorities": priorities, "difficulty_topics": difficulties},
    )


@pytest.fixture
def forms(world: World) -> World:
    """Last quarter: six forms of heart-failure patients (all « autonomy », one « feeling
    alone », five « transport »), two of diabetic patients (« autonomy »); this quarter, one
    more of a heart-failure patient."""
    for i in range(6):
        submit(world, "ic", IN_LAST_QUARTER, ["autonomy"], ["transport"] if i else ["loneliness"])
    submit(world, "ic", IN_LAST_QUARTER, [], ["transport"])
    for _ in range(2):
        submit(world, "dt2", IN_LAST_QUARTER, ["autonomy"], [])
    submit(world, "ic", TODAY, ["family"], ["loneliness"])
    return world


def last_quarter(pathway: str = "") -> Filters:
    return Filters(start=LAST_QUARTER, end=IN_LAST_QUARTER, pathway=pathway)


def texts(summary) -> dict[str, list[str]]:
    rows = {"forms": [f.text for f in summary.forms] + [summary.total_forms.text]}
    for tally in summary.priorities + summary.difficulties:
        rows[tally.key] = [f.text for f in tally.counts] + [tally.total.text]
    return rows


def test_a_small_count_is_held_back_and_a_figure_that_holds_one_is_rounded(forms) -> None:
    summary = experience_summary(last_quarter(), current=False)

    shown = texts(summary)
    assert shown["forms"] == ["≈ 10", "≈ 10"]  # 7 + 2: the diabetic patients' 2 is small
    assert shown["autonomy"] == ["≈ 10", "≈ 10"]  # 6 + 2
    assert shown["loneliness"] == ["< 5", "< 5"]
    assert shown["transport"] == ["6", "6"]  # heart-failure patients only: no small cell
    assert shown["family"] == ["0", "0"]  # this quarter's form is not read


def test_no_pathway_subtracted_from_the_whole_gives_a_held_count_back(forms) -> None:
    everyone = texts(experience_summary(last_quarter(), current=False))
    heart = texts(experience_summary(last_quarter("ic"), current=False))
    diabetes = experience_summary(last_quarter("dt2"), current=False)

    assert heart["forms"] == ["7", "7"]
    assert heart["autonomy"] == ["6", "6"]
    # Two diabetic patients' forms: too few to show any answer, and « every pathway »
    # minus heart failure does not say two.
    assert not diabetes.enough
    assert diabetes.total_forms.text == "< 5"
    assert diabetes.priorities == []
    assert diabetes.difficulties == []
    for row in everyone.values():
        assert "9" not in row
        assert "2" not in row


def test_a_period_is_read_in_whole_quarters(forms) -> None:
    one_day = Filters(start=IN_LAST_QUARTER, end=IN_LAST_QUARTER)
    summary = experience_summary(one_day, current=False)

    assert summary.start == LAST_QUARTER
    assert summary.end == THIS_QUARTER - datetime.timedelta(1)
    assert texts(summary) == texts(experience_summary(last_quarter(), current=False))


def test_the_current_quarter_is_read_by_the_coordination_only(forms) -> None:
    year = Filters(start=LAST_QUARTER, end=TODAY)
    partner = experience_summary(year, current=False)
    coordination = experience_summary(year, current=True)

    assert len(partner.quarters) == 1
    assert partner.end < THIS_QUARTER
    assert len(coordination.quarters) == 2
    assert texts(coordination)["forms"] == ["≈ 10", "< 5", "≈ 10"]


@pytest.mark.parametrize(
    ("cells", "text"),
    [
        ([0, 0], "0"),
        ([5, 0], "5"),
        ([4], "< 5"),
        ([4, 0], "< 5"),
        ([12, 1], "≈ 15"),
        ([7, 5], "12"),
    ],
)
def test_a_figure_is_shown_by_its_cells(cells: list[int], text: str) -> None:
    assert figure(cells, 5).text == text


def test_the_partner_reads_the_page_without_a_small_count(forms, world: World) -> None:
    world.patient_user.is_patient_partner = True
    world.patient_user.save(update_fields=["is_patient_partner"])
    query = f"?du={LAST_QUARTER.isoformat()}&au={TODAY.isoformat()}"

    page = client_for(world.patient_user).get(f"/indicateurs/experience/{query}")

    html = page.content.decode()
    assert page.status_code == 200
    assert "&lt; 5" in html
    assert "≈ 10" in html
    assert "Un trimestre est montré une fois terminé." in html
    assert "(≈ 10)" in html  # the charts say a rounded count is one
    cells = re.findall(r'<td class="num(?: muted)?">(?:<strong>)?([^<]*)<', html)
    assert cells
    assert not {"1", "2", "3", "4", "8", "9"} & set(cells)


def test_a_period_without_a_form_says_so(world: World) -> None:
    page = client_for(world.coordinator).get("/indicateurs/experience/")

    assert page.status_code == 200
    assert "Aucune fiche envoyée sur cette période." in page.content.decode()
    assert "Trimestre par trimestre" not in page.content.decode()
