import pytest

from labparcours.models import AccessLogEntry
from tests.conftest import World, client_for

ADMIN_PAGES = [
    "/admin/labparcours/user/",
    "/admin/labparcours/accesslogentry/",
    "/admin/labparcours/apitoken/",
    "/admin/labparcours/invitation/",
    "/admin/patients/patient/",
    "/admin/patients/consent/",
    "/admin/patients/caregiver/",
    "/admin/teams/professional/",
    "/admin/teams/careteam/",
    "/admin/teams/membership/",
    "/admin/sic/sic/",
    "/admin/sic/contribution/",
    "/admin/budget/budgetrate/",
    "/admin/budget/budgetcategory/",
    "/admin/budget/careprovider/",
    "/admin/budget/budgetenvelope/",
    "/admin/budget/supplementarycare/",
    "/admin/budget/expense/",
    "/admin/budget/budgetmovement/",
]


@pytest.fixture
def superadmin(world: World):
    world.admin.is_superuser = True
    world.admin.save()
    return client_for(world.admin)


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_every_model_has_an_admin_page(superadmin, url: str) -> None:
    assert superadmin.get(url).status_code == 200


def test_admin_lists_show_initials_not_names(world: World, superadmin) -> None:
    body = superadmin.get("/admin/patients/patient/").content.decode().lower()
    assert world.own.initials.lower() in body
    assert world.own.last_name.lower() not in body
    assert world.own.first_name.lower() not in body


@pytest.mark.parametrize(
    "path",
    [
        "/admin/sic/sic/",
        "/admin/sic/contribution/",
        "/admin/patients/consent/",
        "/admin/patients/caregiver/",
        "/admin/teams/careteam/",
        "/admin/teams/membership/",
        "/admin/careplans/careplan/",
        "/admin/reminders/reminder/",
        "/admin/labparcours/accesslogentry/",
    ],
)
def test_no_admin_list_names_a_patient(world: World, superadmin, sics, path: str) -> None:
    from tests.factories import make_plan

    make_plan(world)
    client_for(world.gp).get(f"/patients/{world.own.pk}/")
    body = superadmin.get(path).content.decode().lower()
    assert world.own.last_name.lower() not in body


def test_opening_a_patient_in_the_admin_is_logged(world: World, superadmin) -> None:
    assert superadmin.get(f"/admin/patients/patient/{world.own.pk}/change/").status_code == 200
    assert AccessLogEntry.objects.filter(
        user=world.admin, patient=world.own, what="admin: patient"
    ).exists()


def test_the_access_log_cannot_be_changed_in_the_admin(world: World, superadmin) -> None:
    client_for(world.gp).get(f"/patients/{world.own.pk}/")
    entry = AccessLogEntry.objects.first()
    assert (
        superadmin.post(f"/admin/labparcours/accesslogentry/{entry.pk}/delete/").status_code == 403
    )


def test_clinicians_have_no_admin(world: World) -> None:
    assert client_for(world.gp).get("/admin/").status_code == 302
