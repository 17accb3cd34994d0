"""Care plans in the back office: reads logged, initials in lists, the agreed plan frozen."""

import pytest

from careplans.models import CarePlan, PlanStatus
from labparcours.models import AccessLogEntry
from tests.careplans.conftest import make_plan
from tests.conftest import World, client_for


@pytest.fixture
def superadmin(world: World):
    world.admin.is_superuser = True
    world.admin.save()
    return client_for(world.admin)


def test_it_logs_a_read_when_a_plan_is_opened(world: World, superadmin) -> None:
    plan = make_plan(world, status=PlanStatus.PROPOSED)
    response = superadmin.get(f"/admin/careplans/careplan/{plan.pk}/change/")
    assert response.status_code == 200
    assert list(AccessLogEntry.objects.filter(user=world.admin).values_list("patient", "what")) == [
        (world.own.pk, "admin: careplan")
    ]


def test_its_change_list_shows_initials_not_names(world: World, superadmin) -> None:
    make_plan(world, status=PlanStatus.PROPOSED)
    response = superadmin.get("/admin/careplans/careplan/")
    assert response.status_code == 200
    page = response.content.decode()
    assert world.own.initials in page
    assert world.own.last_name not in page
    assert world.own.first_name not in page


def test_it_refuses_to_change_a_validated_plan(world: World, superadmin) -> None:
    plan = make_plan(world, status=PlanStatus.VALIDATED)
    url = f"/admin/careplans/careplan/{plan.pk}/change/"
    page = superadmin.get(url).content.decode()
    assert 'name="_save"' not in page
    response = superadmin.post(url, {"version": 9, "goals-TOTAL_FORMS": 0})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert (plan.version, plan.status) == (1, PlanStatus.VALIDATED)
    assert superadmin.post(f"/admin/careplans/careplan/{plan.pk}/delete/").status_code == 403
    assert CarePlan.objects.filter(pk=plan.pk).exists()
