"""The indicators page, the patients behind a figure and the funder's workbook run a number of
queries that does not grow with the cohort, from 10 to 1,000 patients (written in bulk)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from budget.models import CareProvider, ProviderKind
from careplans.models import CarePlan, PlanStatus
from patients.models import FollowUpWindow, PathwayEvent
from sic.models import Sic, SicStatus
from teams.models import CareTeam, Membership, TeamRole
from tests.budget.overview_cohort import bulk_cohort
from tests.conftest import World, client_for
from tests.factories import category

URLS = [
    "/indicateurs/",
    "/indicateurs/?parcours=ic&territoire=59",
    "/indicateurs/followup_7d/patients/",
    "/indicateurs/sic_overdue/patients/?part=complement",
    "/indicateurs/rapport/?format=xlsx",
    "/indicateurs/experience/",
]


def grow(world: World, n: int) -> None:
    """`n` patients with an envelope and its spending, a team led by the world's GP, a SIC
    held 100 days ago and the next one due, a plan validated, and for one in three a stay
    with its follow-up windows."""
    provider = CareProvider.objects.filter(siret="73282932000074").first() or (
        CareProvider.objects.create(
            kind=ProviderKind.ASSOCIATION, name="Sport Santé", siret="73282932000074"
        )
    )
    patients = bulk_cohort(
        n,
        coordinator=world.coordinator,
        admin=world.admin,
        categories=[category("diététique"), category("psychologue")],
        provider=provider,
    )
    today = timezone.localdate()
    held_at = timezone.now() - datetime.timedelta(days=100)
    teams = CareTeam.objects.bulk_create([CareTeam(patient=p) for p in patients])
    Membership.objects.bulk_create(
        Membership(
            team=t,
            professional=world.gp.professional,
            role=TeamRole.GP,
            added_by=world.coordinator,
        )
        for t in teams
    )
    sics = Sic.objects.bulk_create(
        Sic(
            patient=p,
            status=SicStatus.HELD,
            due_date=today - datetime.timedelta(days=110),
            scheduled_at=held_at,
            held_at=held_at,
        )
        for p in patients
    )
    Sic.objects.bulk_create(
        Sic(patient=p, due_date=today + datetime.timedelta(days=80)) for p in patients
    )
    CarePlan.objects.bulk_create(
        CarePlan(
            patient_id=s.patient_id,
            version=1,
            sic=s,
            created_by=world.coordinator,
            status=PlanStatus.VALIDATED,
            proposed_at=held_at,
            validated_at=held_at + datetime.timedelta(days=5),
            validation_method="online",
        )
        for s in sics
    )
    stays = PathwayEvent.objects.bulk_create(
        PathwayEvent(
            patient=p,
            kind="hospitalisation",
            occurred_on=today - datetime.timedelta(days=40),
            discharged_on=today - datetime.timedelta(days=35),
            source="discharge_letter",
            recorded_by=world.coordinator,
        )
        for p in patients[::3]
    )
    FollowUpWindow.objects.bulk_create(
        FollowUpWindow(
            event=e,
            patient_id=e.patient_id,
            kind=kind,
            opens_on=e.discharged_on,
            closes_on=e.discharged_on + datetime.timedelta(days=days),
        )
        for e in stays
        for kind, days in (("medical", 7), ("specialist", 60))
    )


def test_the_number_of_queries_does_not_grow_with_the_cohort(
    world: World, django_assert_max_num_queries, settings
) -> None:
    # The figures computed on each view, not kept (`test_indicators_kept.py` keeps them).
    settings.LABPARCOURS_INDICATORS_KEEP_SECONDS = 0
    client = client_for(world.coordinator)
    client.get("/indicateurs/")  # warm the session
    grow(world, 10)
    few = {}
    for url in URLS:
        with django_assert_max_num_queries(80) as counted:
            assert client.get(url).status_code == 200
        few[url] = len(counted.captured_queries)
    grow(world, 990)
    for url in URLS:
        with django_assert_max_num_queries(few[url]) as counted:
            response = client.get(url)
            assert response.status_code == 200
        assert len(counted.captured_queries) == few[url], url
    board = client.get("/indicateurs/").context["board"]
    assert (
        next(r for r in board.results if r.indicator.key == "followup_7d").figure.denominator == 334
    )
