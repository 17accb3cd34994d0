import pytest

from careplans.models import CarePlan, PlanStatus
from tests.conftest import World
from tests.factories import make_plan


@pytest.fixture
def plans(world: World) -> dict[str, CarePlan]:
    return {
        "own": make_plan(world, status=PlanStatus.PROPOSED),
        "other": make_plan(world, world.other, status=PlanStatus.PROPOSED),
    }
