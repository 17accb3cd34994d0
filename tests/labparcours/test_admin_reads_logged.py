"""Every admin page that shows a patient's data writes a read to the access log; a refused
page writes nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from labparcours.models import AccessLogEntry
from patients.models import ConsentKind
from tests.conftest import World, client_for
from tests.factories import CaregiverFactory


@pytest.fixture
def superadmin(world: World):
    world.admin.is_superuser = True
    world.admin.save()
    return client_for(world.admin)


def logged(world: World, after: int = 0) -> list[tuple[object, str]]:
    return list(
        AccessLogEntry.objects.filter(user=world.admin, pk__gt=after)
        .order_by("patient__last_name")
        .values_list("patient", "what")
    )


def test_it_logs_the_history_page(world: World, superadmin) -> None:
    response = superadmin.get(f"/admin/patients/patient/{world.own.pk}/history/")
    assert response.status_code == 200
    assert logged(world) == [(world.own.pk, "admin: patient")]


def test_it_logs_a_historical_version(world: World, superadmin) -> None:
    version = world.own.history.earliest()
    url = f"/admin/patients/patient/{world.own.pk}/history/{version.history_id}/"
    assert superadmin.get(url).status_code == 200
    assert logged(world) == [(world.own.pk, "admin: patient")]


def test_it_logs_the_delete_confirmation(world: World, superadmin) -> None:
    consent = world.own.consents.get(kind=ConsentKind.SIC_ATTENDANCE)
    assert superadmin.get(f"/admin/patients/consent/{consent.pk}/delete/").status_code == 200
    assert logged(world) == [(world.own.pk, "admin: consent")]


@pytest.mark.parametrize(
    ("url", "what"),
    [
        ("/admin/patients/consent/", "admin: consent"),
        ("/admin/patients/caregiver/", "admin: caregiver"),
        ("/admin/sic/contribution/", "admin: contribution"),
        ("/admin/teams/membership/", "admin: membership"),
    ],
)
def test_a_change_list_logs_each_patient_on_the_page_in_one_query(
    world: World, superadmin, url: str, what: str
) -> None:
    from sic.models import Contribution
    from sic.services import sic_ensure_planned

    CaregiverFactory(patient=world.other)
    for patient, author in ((world.own, world.gp), (world.other, world.coordinator)):
        sic = sic_ensure_planned(patient=patient)
        Contribution.objects.create(sic=sic, kind="gp_summary", author=author, entered_by=author)
    superadmin.get(url)  # warm the session
    before = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with CaptureQueriesContext(connection) as queries:
        assert superadmin.get(url).status_code == 200
    table = AccessLogEntry._meta.db_table
    # One statement: a multi-row INSERT on PostgreSQL, one executemany on SQLite ("N times: …").
    inserts = [q for q in queries.captured_queries if f'INSERT INTO "{table}"' in q["sql"]]
    assert len(inserts) == 1
    assert sorted(logged(world, before)) == sorted([(world.own.pk, what), (world.other.pk, what)])


def test_a_staff_member_refused_a_page_writes_no_read(world: World) -> None:
    staff = client_for(world.admin)  # staff, without the permission to view patients
    assert staff.get(f"/admin/patients/patient/{world.own.pk}/change/").status_code == 403
    assert staff.get(f"/admin/patients/patient/{world.own.pk}/history/").status_code == 403
    assert logged(world) == []


def test_it_logs_the_confirmation_of_a_bulk_delete(world: World, superadmin) -> None:
    consent = world.own.consents.get(kind=ConsentKind.SIC_ATTENDANCE)
    response = superadmin.post(
        "/admin/patients/consent/",
        {"action": "delete_selected", "_selected_action": [consent.pk]},
    )
    assert response.status_code == 200
    assert logged(world) == [(world.own.pk, "admin: consent")]


def test_a_change_list_is_a_list_read_and_a_change_form_a_record_read(
    world: World, superadmin
) -> None:
    assert superadmin.get("/admin/patients/patient/").status_code == 200
    assert superadmin.get(f"/admin/patients/patient/{world.own.pk}/change/").status_code == 200
    reads = AccessLogEntry.objects.filter(user=world.admin, patient=world.own)
    assert sorted(reads.values_list("listed", flat=True)) == [False, True]
    page = client_for(world.patient_user).get("/mon-dossier/acces/").content.decode()
    assert "Administration (patient)" in page
