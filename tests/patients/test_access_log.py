import pytest

from labparcours.models import AccessLogEntry
from tests.conftest import World, client_for


def test_a_gps_read_is_logged_and_the_patient_sees_it(world: World) -> None:
    client_for(world.gp).get(f"/patients/{world.own.pk}/", REMOTE_ADDR="10.1.2.3")
    entry = AccessLogEntry.objects.get(patient=world.own, user=world.gp)
    assert entry.what == "patient record"
    assert entry.ip_address == "10.1.2.3"
    page = client_for(world.patient_user).get("/mon-dossier/acces/").content.decode()
    assert world.gp.get_full_name() in page
    assert "Médecin généraliste" in page


def test_the_caregiver_sees_the_log_too(world: World) -> None:
    client_for(world.nurse).get(f"/api/v1/patients/{world.own.pk}/")
    page = client_for(world.caregiver_user).get("/mon-dossier/acces/").content.decode()
    assert world.nurse.get_full_name() in page


def test_list_reads_are_logged_for_each_patient_shown(world: World) -> None:
    client_for(world.coordinator).get("/coordination/")
    logged = set(
        AccessLogEntry.objects.filter(user=world.coordinator).values_list("patient", flat=True)
    )
    assert logged == {world.own.pk, world.other.pk}


def test_api_reads_are_logged(world: World) -> None:
    client_for(world.specialist).get("/api/v1/patients/")
    client_for(world.specialist).get(f"/api/v1/teams/{world.own.care_team.pk}/")
    whats = list(
        AccessLogEntry.objects.filter(user=world.specialist).values_list("what", flat=True)
    )
    assert sorted(whats) == ["care team (api)", "patient (api)"]


def test_the_patient_reads_their_log_through_the_api(world: World) -> None:
    client_for(world.gp).get(f"/patients/{world.own.pk}/")
    body = client_for(world.patient_user).get(f"/api/v1/patients/{world.own.pk}/access-log/").json()
    assert body["results"][0]["what"] == "patient record"


def test_an_admin_filters_the_log_by_user(world: World) -> None:
    client_for(world.gp).get(f"/patients/{world.own.pk}/")
    client_for(world.nurse).get(f"/patients/{world.own.pk}/")
    page = client_for(world.admin).get("/gestion/journal-acces/", {"user": "gp@"}).content.decode()
    assert "gp@example.test" in page
    assert "nurse@example.test" not in page


def test_my_patients_is_paginated_and_logs_only_the_page_shown(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from patients import views
    from tests.factories import PatientFactory, full_team

    monkeypatch.setattr(views, "MY_PATIENTS_PAGE_SIZE", 2)
    for _ in range(2):
        full_team(PatientFactory(coordinator=world.coordinator), gp=world.gp.professional)
    first = client_for(world.gp).get("/mes-patients/")
    assert len(first.context["rows"]) == 2
    assert "Page 1 sur 2" in first.content.decode()
    assert AccessLogEntry.objects.filter(user=world.gp, what="my patients").count() == 2
    second = client_for(world.gp).get("/mes-patients/", {"page": 2})
    assert len(second.context["rows"]) == 1


def test_the_patient_sees_who_and_when_but_never_the_readers_ip_address(world: World) -> None:
    client_for(world.gp).get(f"/patients/{world.own.pk}/", REMOTE_ADDR="10.1.2.3")
    for reader in (world.patient_user, world.caregiver_user):
        page = client_for(reader).get("/mon-dossier/acces/").content.decode()
        assert world.gp.get_full_name() in page
        assert "10.1.2.3" not in page
        body = client_for(reader).get(f"/api/v1/patients/{world.own.pk}/access-log/").json()
        gp_read = next(r for r in body["results"] if r["what"] == "patient record")
        assert gp_read["user"] == world.gp.get_full_name()
        assert gp_read["role"] == "Médecin généraliste"
        assert "ip_address" not in gp_read
        assert "10.1.2.3" not in str(body)


def test_programme_management_keeps_the_ip_address(world: World) -> None:
    client_for(world.gp).get(f"/patients/{world.own.pk}/", REMOTE_ADDR="10.1.2.3")
    body = client_for(world.admin).get(f"/api/v1/patients/{world.own.pk}/access-log/").json()
    assert body["results"][-1]["ip_address"] == "10.1.2.3"
