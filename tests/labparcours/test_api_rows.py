"""The API's serializers read each row in one pass (`labparcours.api_base.ModelSerializer`),
and a page of plans or SICs reads its nested parts as plain rows: what they answer is what
DRF's own reading of the model instances answers, field for field. A list read without its
filters skips their form, and still refuses a filter it cannot read."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from careplans.api import ActionSerializer, CarePlanSerializer, GoalSerializer
from careplans.models import Action, CarePlan, Goal, Owner, PlanStatus
from labparcours.api_base import ModelSerializer, conversion
from sic.api import SicSerializer
from sic.models import Contribution, Decision, Sic
from sic.services import sic_ensure_planned
from tests.conftest import World, client_for
from tests.factories import held_sic, make_plan


@pytest.fixture
def shown(world: World) -> dict[str, Any]:
    """A held SIC with decisions and a submitted contribution, its planned successor, and a
    validated plan whose actions are carried by a member, the patient and a provider."""
    sic = held_sic(world, present=["gp"])
    for position, text in enumerate(["Adapter le diurétique", "Revoir la marche"]):
        Decision.objects.create(sic=sic, text=text, position=position)
    Contribution.objects.create(
        sic=sic,
        kind="gp_summary",
        author=world.gp,
        entered_by=world.gp,
        status="submitted",
        submitted_at=sic.held_at,
        content={},
    )
    sic_ensure_planned(patient=world.own)
    plan = make_plan(world, status=PlanStatus.VALIDATED)
    Goal.objects.create(plan=plan, text="Retourner au jardin", position=1)
    Action.objects.create(
        plan=plan,
        what="Séances d’activité physique adaptée",
        owner=Owner.PROVIDER,
        provider="Association Sport Santé",
        due_date=datetime.date(2025, 3, 3),
        repeat_every=2,
        repeat_unit="week",
    )
    return {"sic": sic, "plan": plan, "patient": world.own}


ANSWERS = [
    "/api/v1/sics/",
    "/api/v1/sics/{sic.pk}/",
    "/api/v1/sics/{sic.pk}/contributions/",
    "/api/v1/patients/",
    "/api/v1/patients/{patient.pk}/",
    "/api/v1/patients/{patient.pk}/consents/",
    "/api/v1/teams/",
    "/api/v1/professionals/",
    "/api/v1/pathway-events/",
]


@pytest.mark.parametrize("url", ANSWERS)
def test_it_answers_what_drf_answers(
    world: World, shown: dict[str, Any], monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    client = client_for(world.coordinator)
    url = url.format(**shown)
    ours = client.get(url)
    assert ours.status_code == 200
    monkeypatch.setattr(
        ModelSerializer, "to_representation", serializers.Serializer.to_representation
    )
    drf = client.get(url)
    assert drf.status_code == 200
    assert ours.json() == drf.json()


class PlainGoal(serializers.ModelSerializer):
    class Meta:
        model = Goal
        fields = GoalSerializer.Meta.fields


class PlainAction(serializers.ModelSerializer):
    who = serializers.CharField(read_only=True)

    class Meta:
        model = Action
        fields = ActionSerializer.Meta.fields


class PlainPlan(serializers.ModelSerializer):
    """The plan as DRF alone reads it: model instances all the way down."""

    goals = PlainGoal(many=True, read_only=True)
    actions = PlainAction(many=True, read_only=True)

    class Meta:
        model = CarePlan
        fields = CarePlanSerializer.Meta.fields


def plain(plan: CarePlan) -> dict[str, Any]:
    return json.loads(JSONRenderer().render(PlainPlan(plan).data))


def test_a_plan_shows_its_goals_and_actions_as_drf_reads_them(
    world: World, shown: dict[str, Any]
) -> None:
    plan = shown["plan"]
    answer = client_for(world.coordinator).get(f"/api/v1/careplans/{plan.pk}/").json()
    assert answer == plain(plan)
    assert [action["who"] for action in answer["actions"]] == [
        str(world.nurse.professional),
        "Le patient",
        "Association Sport Santé",
    ]


def test_a_page_of_plans_shows_each_as_drf_reads_it(world: World, shown: dict[str, Any]) -> None:
    make_plan(world, world.other, status=PlanStatus.PROPOSED)
    page = client_for(world.coordinator).get("/api/v1/careplans/").json()["results"]
    plans = {plan.pk: plan for plan in CarePlan.objects.all()}
    assert len(page) == len(plans) > 1
    assert page == [plain(plans[row["id"]]) for row in page]


def test_a_row_without_an_annotation_leaves_its_field_out_as_drf_does(
    shown: dict[str, Any],
) -> None:
    sic = Sic.objects.get(pk=shown["sic"].pk)  # without the count of submitted contributions
    answer = SicSerializer(sic).data
    assert "contributions_submitted" not in answer
    assert answer["decisions"] == ["Adapter le diurétique", "Revoir la marche"]
    assert answer == serializers.Serializer.to_representation(SicSerializer(sic), sic)


def test_a_list_read_without_its_filters_still_refuses_a_filter_it_cannot_read(
    world: World, shown: dict[str, Any]
) -> None:
    client = client_for(world.coordinator)
    assert client.get("/api/v1/sics/?page_size=1").status_code == 200
    assert client.get("/api/v1/sics/?due_after=demain").status_code == 400
    assert client.get("/api/v1/sics/?status=perdue").status_code == 400
    held = client.get("/api/v1/sics/?status=held").json()["results"]
    assert [sic["id"] for sic in held] == [shown["sic"].pk]


@pytest.mark.parametrize("utc", [False, True])
def test_a_moment_reads_as_drf_writes_it(utc: bool) -> None:
    """A date-time converted without DRF's steps: in Paris' time (summer and winter
    offsets), or in UTC (`Z`), as DRF writes it."""
    field = SicSerializer().fields["held_at"]
    field.timezone = datetime.UTC if utc else field.default_timezone()  # type: ignore[attr-defined]
    convert = conversion(field)
    summer = datetime.datetime(2025, 7, 1, 8, 30, 15, 120000, tzinfo=datetime.UTC)
    india = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
    winter = datetime.datetime(2025, 1, 2, 23, 59, tzinfo=india)
    for moment in (summer, winter, summer.replace(microsecond=0)):
        assert convert(moment) == field.to_representation(moment)
    assert convert(summer) == (
        "2025-07-01T08:30:15.120000Z" if utc else "2025-07-01T10:30:15.120000+02:00"
    )
