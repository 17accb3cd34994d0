import pytest

from careplans.models import Action, CarePlan, Goal, Owner, PlanStatus
from careplans.services import careplan_start
from tests.conftest import World


def make_plan(world: World, patient=None, status: str = PlanStatus.DRAFT) -> CarePlan:
    """A plan with one goal and two actions (the nurse's, the patient's)."""
    patient = patient or world.own
    plan = careplan_start(patient=patient, by=world.coordinator)
    Goal.objects.create(plan=plan, text="Aller au marché le dimanche")
    nurse = patient.care_team.memberships.filter(role="nurse", left_at__isnull=True).first()
    if nurse:
        Action.objects.create(
            plan=plan,
            what="Pesée trois fois par semaine",
            owner=Owner.MEMBER,
            membership=nurse,
            when="lundi, mercredi, vendredi",
        )
    Action.objects.create(plan=plan, what="Marcher 20 minutes", owner=Owner.PATIENT)
    if status != PlanStatus.DRAFT:
        plan.propose()
    if status == PlanStatus.VALIDATED:
        plan.validate(
            by=world.patient_user if patient == world.own else world.coordinator,
            method="online" if patient == world.own else "phone",
        )
    return plan


@pytest.fixture
def plans(world: World) -> dict[str, CarePlan]:
    return {
        "own": make_plan(world, status=PlanStatus.PROPOSED),
        "other": make_plan(world, world.other, status=PlanStatus.PROPOSED),
    }
