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


def test_a_page_of_a_list_is_logged_in_one_insert_whatever_its_rows(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PatientFactory

    for _ in range(12):
        PatientFactory(coordinator=world.coordinator)
    client = client_for(world.coordinator)
    with CaptureQueriesContext(connection) as queries:
        client.get("/coordination/", REMOTE_ADDR="10.1.2.3")
    # One statement: a multi-row INSERT on PostgreSQL, one executemany on SQLite ("N times: …").
    inserts = [q["sql"] for q in queries.captured_queries if "INSERT INTO" in q["sql"]]
    assert len(inserts) == 1
    logged = AccessLogEntry.objects.filter(user=world.coordinator, what="dashboard")
    assert logged.count() == 14
    assert set(logged.values_list("listed", "ip_address")) == {(True, "10.1.2.3")}


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


# --- Lists and records: the kind of read, and the patient's grouped view --------------------


def test_a_list_read_is_marked_listed_and_a_record_read_is_not(world: World) -> None:
    client_for(world.coordinator).get("/coordination/")
    client_for(world.gp).get(f"/patients/{world.own.pk}/")
    dashboard = AccessLogEntry.objects.get(user=world.coordinator, patient=world.own)
    record = AccessLogEntry.objects.get(user=world.gp, patient=world.own)
    assert (dashboard.what, dashboard.listed) == ("dashboard", True)
    assert (record.what, record.listed) == ("patient record", False)


def test_an_api_list_is_listed_even_with_one_row_and_an_api_detail_is_not(world: World) -> None:
    client_for(world.gp).get("/api/v1/patients/")
    client_for(world.nurse).get(f"/api/v1/patients/{world.own.pk}/")
    assert AccessLogEntry.objects.get(user=world.gp).listed
    assert not AccessLogEntry.objects.get(user=world.nurse).listed


def test_an_export_in_one_query_is_listed(world: World, rf) -> None:
    from labparcours.access import log_access_query
    from patients.models import Patient

    request = rf.get("/")
    request.user = world.admin
    log_access_query(request, Patient.objects.values_list("pk", flat=True), "budget export")
    exported = AccessLogEntry.objects.filter(user=world.admin, what="budget export")
    assert exported.count() == 2
    assert all(exported.values_list("listed", flat=True))


def access_log_page(reader, **params) -> str:
    response = client_for(reader).get("/mon-dossier/acces/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_patient_reads_a_coordinators_dashboard_views_as_one_line_a_day(
    world: World,
) -> None:
    for _ in range(3):
        client_for(world.coordinator).get("/coordination/")
    page = access_log_page(world.patient_user)
    assert AccessLogEntry.objects.filter(user=world.coordinator, patient=world.own).count() == 3
    assert page.count("Claire Morel") == 1
    assert "A vu votre nom dans une liste : Tableau de bord du programme" in page
    assert "3 fois, de " in page
    assert "Coordinatrice" in page


def test_it_speaks_to_the_patient_and_names_their_own_visits_you(world: World) -> None:
    client_for(world.gp).get(f"/patients/{world.own.pk}/")
    client_for(world.patient_user).get("/mon-plan/")
    page = access_log_page(world.patient_user)
    assert "Qui a consulté mon dossier" in page
    assert "Chaque fois que quelqu’un consulte votre dossier" in page
    assert "<strong>Vous</strong>" in page
    assert "Plan de soins" in page
    assert world.gp.get_full_name() in page


def test_the_caregivers_own_visits_are_hers_and_the_patients_are_named(world: World) -> None:
    client_for(world.caregiver_user).get("/mon-plan/")
    client_for(world.patient_user).get("/mes-soins/")
    client_for(world.coordinator).get("/coordination/")
    page = access_log_page(world.caregiver_user)
    assert "Qui a consulté le dossier de Marcel" in page
    assert "<strong>Vous (aidant·e)</strong>" in page
    assert f"<strong>{world.patient_user.get_full_name()}</strong>" in page
    assert "A vu le nom de Marcel dans une liste" in page
    # The patient, in turn, sees the caregiver by name.
    assert world.caregiver_user.get_full_name() in access_log_page(world.patient_user)


def test_the_patients_log_is_paged_without_counting_it(world: World) -> None:
    from patients.selectors import ACCESS_LOG_PAGE_SIZE
    from tests.factories import UserFactory

    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(patient=world.own, user=UserFactory(), what="patient record")
        for _ in range(ACCESS_LOG_PAGE_SIZE + 5)
    )
    first = access_log_page(world.patient_user)
    assert "Suivant" in first
    second = access_log_page(world.patient_user, page=2)
    assert "Précédent" in second
    assert "Suivant" not in second
    # The 35 readers, and the patient reading the first page: 36 lines, 30 a page.
    assert second.count("Dossier du patient") == 6


def test_the_patients_log_reads_its_readers_in_a_constant_number_of_queries(
    world: World, django_assert_max_num_queries
) -> None:
    from tests.factories import ProfessionalFactory, UserFactory

    def add_readers(n: int) -> None:
        for i in range(n):
            reader = UserFactory()
            if i % 2:  # professions from the directory, roles for the others
                ProfessionalFactory(user=reader)
            AccessLogEntry.objects.create(patient=world.own, user=reader, what="patient record")
            AccessLogEntry.objects.create(
                patient=world.own, user=reader, what="dashboard", listed=True
            )

    client = client_for(world.patient_user)
    client.get("/mon-dossier/acces/")
    add_readers(2)
    with django_assert_max_num_queries(20) as few:
        assert client.get("/mon-dossier/acces/").status_code == 200
    add_readers(60)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get("/mon-dossier/acces/")
    assert len(response.context["page"].object_list) == 30
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_programme_management_view_of_one_patient_keeps_every_read(world: World) -> None:
    for _ in range(3):
        client_for(world.coordinator).get("/coordination/")
    page = client_for(world.admin).get(f"/patients/{world.own.pk}/journal-acces/")
    assert page.content.decode().count("dans une liste") == 3
