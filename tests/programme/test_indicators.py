"""Each indicator on a cohort built by hand (tests/programme/indicator_cohort.py), against
its figure computed by hand from the rows written there."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programme.dashboard import CHARTED, largest_teams, numbers
from programme.indicators import (
    BY_GP,
    BY_PATHWAY,
    INDICATOR_OF,
    SHARE,
    cohort,
    compute_all,
    consumption,
)
from teams.models import Membership, Profession, TeamRole
from tests.conftest import World
from tests.factories import ProfessionalFactory
from tests.programme.indicator_cohort import YEAR, Cohort, at, build


@pytest.fixture(scope="module")
def module_world(module_world: World, django_db_blocker) -> World:
    with django_db_blocker.unblock():
        module_world.cohort = build(module_world)
    return module_world


def figure(world: World, key: str, f=YEAR):
    return INDICATOR_OF[key].figure(cohort(world.admin, f), f)


def test_the_cohort_is_who_was_included_during_the_period(world: World) -> None:
    c: Cohort = world.cohort
    assert set(cohort(world.admin, YEAR)) == {c.a, c.b, c.c}


def test_sics_held_per_patient_year(world: World) -> None:
    # A: 365 days, B: 02/07 → 31/12 = 183 days, C: 01/01 → 31/03 = 90 days.
    result = figure(world, "sic_rate")
    assert result.numerator == 3
    assert result.denominator == Decimal("1.75")  # 638 / 365.25 = 1.7467…
    assert result.value == Decimal("1.71")  # 3 / 1.75


def test_share_of_patients_with_a_sic_overdue(world: World) -> None:
    # B: due 01/09, never held; C: due 01/12/2024, held 20/01/2025. A: always on time.
    result = figure(world, "sic_overdue")
    assert (result.numerator, result.denominator, result.value) == (2, 3, Decimal("66.7"))


def test_median_delay_between_due_date_and_sic(world: World) -> None:
    result = figure(world, "sic_delay")  # −9, −5, +50
    assert (result.denominator, result.value) == (3, Decimal("-5.0"))


@pytest.mark.parametrize(
    ("kind", "before"),
    [
        ("gp_summary", 2),
        ("medication_review", 1),
        ("nursing_assessment", 1),  # A's second one came the day after its SIC
        ("specialist_opinion", 2),
        ("patient_experience", 1),
    ],
)
def test_contributions_submitted_before_their_sic(world: World, kind: str, before: int) -> None:
    result = figure(world, f"contribution_{kind}")
    assert (result.numerator, result.denominator) == (before, 3)


def test_sics_held_with_every_expected_contribution(world: World) -> None:
    result = figure(world, "sic_complete")
    assert (result.numerator, result.denominator, result.value) == (1, 3, Decimal("33.3"))


def test_care_plans_validated_by_the_patient(world: World) -> None:
    result = figure(world, "plans_validated")
    assert (result.numerator, result.denominator) == (2, 3)


def test_median_days_from_sic_to_validation(world: World) -> None:
    # 10/02 14:00 → 20/02 10:00 = 9 d 20 h (9.83), 01/08 14:00 → 05/08 14:00 = 4 d.
    result = figure(world, "plan_validation_delay")
    assert (result.denominator, result.value) == (2, Decimal("6.9"))


def test_medical_contact_within_seven_days_of_a_discharge(world: World) -> None:
    result = figure(world, "followup_7d")  # A's first, C's and B's met; A's second missed
    assert (result.numerator, result.denominator, result.value) == (3, 4, Decimal("75.0"))


def test_specialist_contact_within_sixty_days(world: World) -> None:
    result = figure(world, "followup_60d")  # only C's in time: A's two late, B's missed
    assert (result.numerator, result.denominator) == (1, 4)


def test_re_hospitalisation_within_thirty_days(world: World) -> None:
    result = figure(world, "readmission_30d")  # A's stay of 05/03, again on 20/03
    assert (result.numerator, result.denominator) == (1, 4)


def test_complete_teams(world: World) -> None:
    result = figure(world, "team_complete")
    assert (result.numerator, result.denominator) == (1, 3)


def test_median_hours_to_answer_a_specialist_opinion(world: World) -> None:
    result = figure(world, "opinion_delay")  # 24 h and 6 h; 2024's and the open one left out
    assert (result.denominator, result.value) == (2, Decimal("15.0"))


def test_envelope_consumption_per_category(world: World) -> None:
    use = consumption(cohort(world.admin, YEAR), YEAR)
    assert use.allotted == Decimal("1800.00")  # A's and B's envelopes; C's ended in 2024
    assert use.spent == Decimal("300.00")
    assert use.share == Decimal("16.7")
    spent = {c.category.name: c.spent for c in use.categories if c.spent}
    assert spent == {"diététique": Decimal("200.00"), "psychologue": Decimal("100.00")}


def test_filters_narrow_the_cohort(world: World) -> None:
    c: Cohort = world.cohort
    assert set(cohort(world.admin, replace(YEAR, pathway="dt2"))) == {c.b}
    assert set(cohort(world.admin, replace(YEAR, territory="59"))) == {c.a, c.c}
    assert set(cohort(world.admin, replace(YEAR, gp=c.g1.pk))) == {c.a, c.c}
    assert set(cohort(world.admin, replace(YEAR, team=c.nurse.pk))) == {c.a}
    assert figure(world, "sic_overdue", replace(YEAR, pathway="dt2")).numerator == 1


def test_a_breakdown_by_pathway_gives_each_group_its_figure(world: World) -> None:
    patients = cohort(world.admin, YEAR)
    overdue = INDICATOR_OF["sic_overdue"].grouped(patients, YEAR, BY_PATHWAY)
    assert {k: (v.numerator, v.denominator) for k, v in overdue.items()} == {
        "ic": (1, 2),
        "dt2": (1, 1),
    }
    delay = INDICATOR_OF["sic_delay"].grouped(patients, YEAR, BY_PATHWAY)
    assert {k: v.value for k, v in delay.items()} == {"ic": Decimal("-5.0")}
    rate = INDICATOR_OF["sic_rate"].grouped(patients, YEAR, BY_PATHWAY)
    assert rate["ic"].numerator == 3
    assert rate["dt2"].numerator == 0


def test_the_patients_behind_a_figure(world: World) -> None:
    c: Cohort = world.cohort
    patients = cohort(world.admin, YEAR)
    seven = INDICATOR_OF["followup_7d"]
    assert set(seven.patients(patients, YEAR, "numerator")) == {c.a, c.b, c.c}
    assert set(seven.patients(patients, YEAR, "complement")) == {c.a}
    rate = INDICATOR_OF["sic_rate"]
    assert set(rate.patients(patients, YEAR, "complement")) == {c.b}
    assert set(INDICATOR_OF["sic_delay"].patients(patients, YEAR, "all")) == {c.a, c.c}


def test_every_indicator_is_computed_at_once(world: World) -> None:
    """The shares that count the same rows are counted in one query: each figure is the one
    its indicator gives alone, in fewer queries than one per indicator."""
    patients = cohort(world.admin, YEAR)
    with CaptureQueriesContext(connection) as together:
        results = compute_all(patients, YEAR)
    assert [r.indicator for r in results] == list(INDICATOR_OF.values())
    assert next(r for r in results if r.indicator.key == "sic_rate").met_target is False
    alone = {ind.key: ind.figure(patients, YEAR) for ind in INDICATOR_OF.values()}
    assert {r.indicator.key: r.figure for r in results} == alone
    assert len({alone["contribution_gp_summary"].numerator, alone["sic_complete"].numerator}) == 2
    # The six shares over the SICs held in one query, the two over the patients in another.
    assert len(together) == len(INDICATOR_OF) + 1 - 5 - 1


SHARES = [ind for ind in INDICATOR_OF.values() if ind.kind == SHARE]


@pytest.mark.parametrize("filters", ["year", "pathway", "territory", "gp", "team"])
def test_each_quarters_figures_in_one_pass_are_those_of_its_own_cohort(
    world: World, filters: str
) -> None:
    """The charts' figures per quarter are counted in one query per indicator over the rows
    of the whole period: each is the figure the quarter's own cohort gives. C left the
    programme on 31 March and B joined on 2 July; g1 leaves A's team on 15 May, so that g1's
    and the team's filters keep A in the first two quarters only."""
    c: Cohort = world.cohort
    Membership.objects.filter(team=c.a.care_team, professional=c.g1).update(
        left_at=at("2025-05-15")
    )
    f = {
        "year": YEAR,
        "pathway": replace(YEAR, pathway="ic"),
        "territory": replace(YEAR, territory="59"),
        "gp": replace(YEAR, gp=c.g1.pk),
        "team": replace(YEAR, team=c.g1.pk),
    }[filters]
    quarters = f.quarters()
    assert len(quarters) == 4
    patients = cohort(world.admin, f)
    seen = set()
    for indicator in SHARES:
        with CaptureQueriesContext(connection) as one_pass:
            parts = indicator.per_part(patients, f, quarters)
        assert len(one_pass) == 1, indicator.key
        assert parts == [indicator.figure(cohort(world.admin, q), q) for q in quarters], (
            indicator.key
        )
        seen |= {(p.numerator, p.denominator) for p in parts}
    assert len(seen) > 3  # figures that differ from one quarter to the next
    with pytest.raises(ValueError, match="only a share"):
        INDICATOR_OF["sic_delay"].per_part(patients, f, quarters)


def test_the_breakdown_per_team_names_the_gps_leading_the_most_teams(world: World) -> None:
    """« Par équipe » shows the GPs who lead the most of the cohort's teams, most first; a
    team with two GPs counts for the one who joined it first (here g2, recorded before g1 on
    the same day in Bertin's team)."""
    c: Cohort = world.cohort
    Membership.objects.create(
        team=c.b.care_team,
        professional=c.g1,
        role=TeamRole.GP,
        added_by=world.coordinator,
        joined_at=at("2024-01-01"),
    )
    assert largest_teams(cohort(world.admin, YEAR)) == [c.g1.pk, c.g2.pk]
    other = ProfessionalFactory(profession=Profession.GP)
    for patient in (c.a, c.b):
        Membership.objects.create(
            team=patient.care_team,
            professional=other,
            role=TeamRole.GP,
            added_by=world.coordinator,
            joined_at=at("2023-06-01"),
        )
    assert largest_teams(cohort(world.admin, YEAR)) == [other.pk, c.g1.pk]


def test_each_teams_figures_are_those_of_the_whole_breakdown(world: World) -> None:
    """The figures per team are computed on the largest teams' patients only: they are the
    figures a breakdown of the whole cohort gives those teams."""
    patients = cohort(world.admin, YEAR)
    shown = numbers(world.admin, YEAR)
    assert shown.largest == largest_teams(patients)
    for key in CHARTED:
        whole = INDICATOR_OF[key].grouped(patients, YEAR, BY_GP)
        assert shown.by_gp[key] == {k: whole[k] for k in shown.largest if k in whole}
    g1 = shown.by_gp["sic_overdue"][world.cohort.g1.pk]  # Aubry's team and Cordier's
    assert (g1.numerator, g1.denominator) == (1, 2)
