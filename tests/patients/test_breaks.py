"""« Ruptures »: the patients with an open break — a follow-up window missed with no contact
since, or a SIC overdue — oldest first, with the days overdue; paged in a number of queries
that does not grow with the programme."""

from __future__ import annotations

import datetime

from django.utils import timezone

from patients.models import FollowUpWindow, PathwayEvent, Patient, PatientStatus
from patients.pathway import followup_contact_record, pathway_event_create
from sic.models import Sic
from tests.conftest import World, client_for


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def discharged(world: World, patient: Patient, days: int) -> PathwayEvent:
    return pathway_event_create(
        patient=patient,
        by=world.coordinator,
        kind="hospitalisation",
        occurred_on=days_ago(days + 4),
        discharged_on=days_ago(days),
        source="dmp",
    )


def overdue_sic(patient: Patient, days: int) -> Sic:
    Sic.objects.filter(patient=patient).delete()
    return Sic.objects.create(patient=patient, due_date=days_ago(days))


def rows_of(html: str) -> list[str]:
    body = html.split('<table class="table" id="breaks">', 1)[1].split("</table>", 1)[0]
    return body.split("<tr>")[2:]


def test_it_lists_the_open_breaks_oldest_first_with_the_days_overdue(world: World) -> None:
    discharged(world, world.own, 10)  # medical window missed 3 days ago
    discharged(world, world.other, 2)  # still open: no break
    overdue_sic(world.other, 20)
    response = client_for(world.coordinator).get("/coordination/ruptures/")
    html = response.content.decode()
    assert response.status_code == 200
    rows = rows_of(html)
    assert len(rows) == 2
    assert all(text in rows[0] for text in (str(world.other), "SIC en retard", ">20<"))
    assert all(text in rows[1] for text in (str(world.own), "Pas de contact médical", ">3<"))
    only_sics = client_for(world.coordinator).get("/coordination/ruptures/?kind=sic_overdue")
    assert len(rows_of(only_sics.content.decode())) == 1


def test_a_contact_since_the_break_or_an_exit_takes_the_patient_off(world: World) -> None:
    discharged(world, world.own, 10)
    overdue_sic(world.other, 5)
    followup_contact_record(patient=world.own, kind="medical", by=world.gp)
    world.other.exit(reason="withdrawal")
    html = client_for(world.coordinator).get("/coordination/ruptures/").content.decode()
    assert 'id="breaks"' not in html
    assert "Aucune rupture en cours" in html


def test_the_specialist_window_breaks_after_sixty_days(world: World) -> None:
    discharged(world, world.own, 61)
    followup_contact_record(patient=world.own, kind="medical", by=world.gp, on=days_ago(58))
    rows = rows_of(client_for(world.coordinator).get("/coordination/ruptures/").content.decode())
    assert len(rows) == 1
    assert all(text in rows[0] for text in ("Pas de contact spécialiste", ">1<"))


def add_broken_patients(world: World, n: int) -> None:
    """`n` included patients, each with a missed medical window and an overdue SIC: in bulk."""
    start = Patient.objects.count()
    patients = Patient.objects.bulk_create(
        Patient(
            last_name=f"Rupture{start + i:04d}",
            first_name="Jeanne",
            birth_date=datetime.date(1950, 1, 1),
            sex="F",
            pathway="ic",
            status=PatientStatus.INCLUDED,
            inclusion_date=days_ago(200),
            coordinator=world.coordinator,
        )
        for i in range(n)
    )
    events = PathwayEvent.objects.bulk_create(
        PathwayEvent(
            patient=p,
            kind="hospitalisation",
            occurred_on=days_ago(20),
            discharged_on=days_ago(15),
            source="dmp",
            recorded_by=world.coordinator,
        )
        for p in patients
    )
    FollowUpWindow.objects.bulk_create(
        FollowUpWindow(
            event=e, patient=e.patient, kind="medical", opens_on=days_ago(15), closes_on=days_ago(8)
        )
        for e in events
    )
    Sic.objects.bulk_create(Sic(patient=p, due_date=days_ago(30)) for p in patients)


def test_the_number_of_queries_does_not_grow_from_ten_to_three_hundred_patients(
    world: World, django_assert_max_num_queries
) -> None:
    client = client_for(world.coordinator)
    client.get("/coordination/ruptures/")  # warm the session
    add_broken_patients(world, 10)
    with django_assert_max_num_queries(20) as few:
        assert client.get("/coordination/ruptures/").status_code == 200
    add_broken_patients(world, 290)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get("/coordination/ruptures/")
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(rows_of(response.content.decode())) == 50
