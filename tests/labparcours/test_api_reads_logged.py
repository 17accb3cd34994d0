"""API reads are logged in one place, automatically: every list, retrieve and detail action
that answers with a patient's data; a refused request writes no read, on the API and on
the pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budget.models import Expense
from budget.services import expense_record
from careplans.models import PlanStatus
from labparcours.api_base import AccessLoggedMixin
from labparcours.models import AccessLogEntry
from programme.api import router
from sic.models import Contribution
from tests.conftest import World, client_for, soon
from tests.factories import approved_request, envelope_of, hold, make_plan, started
from tests.uploads import signed_sheet


def _plan_validated_on_paper(world: World) -> int:
    """A plan in force with a signed sheet, so that every detail route has something to read."""
    plan = make_plan(world, status=PlanStatus.PROPOSED)
    plan.validate(by=world.coordinator, method="paper", scan=signed_sheet())
    return plan.pk


def _indemnity_line(world: World) -> int:
    from tests.factories import held_sic, indemnity_rate

    indemnity_rate("sic_attendance", "30.00")
    held_sic(world, present=["gp"])
    return world.gp.professional.indemnity_lines.get().pk


def _expense_with_invoice(world: World) -> Expense:
    """The own patient's envelope, an approved request and an expense with its invoice."""
    envelope_of(world.own)
    request = approved_request(world)
    return expense_record(
        request=request,
        by=world.coordinator,
        sessions=1,
        date=request.envelope.starts_on,
        amount=Decimal("50.00"),
        invoice=signed_sheet(),
    )


def _stay(world: World) -> int:
    from patients.pathway import pathway_event_create

    return pathway_event_create(
        patient=world.own,
        by=world.gp,
        kind="hospitalisation",
        occurred_on=world.own.inclusion_date,
        source="dmp",
    ).pk


def _contact(world: World) -> int:
    from patients.pathway import followup_contact_record

    return followup_contact_record(patient=world.own, kind="medical", by=world.gp).pk


def _opinion_attachment(world: World):
    """A question to the team's specialist, with one attachment."""
    from tests.opinions.builders import asked

    return asked(world, world.specialist, attachments=1).attachments.get()


# One object per viewset whose reads are logged: a new viewset must say which to read here.
OBJECTS = {
    "budget": lambda world, sics: _expense_with_invoice(world).request.envelope_id,
    "supplementary-care": lambda world, sics: _expense_with_invoice(world).request_id,
    "expense": lambda world, sics: _expense_with_invoice(world).pk,
    "budget-movement": lambda world, sics: (
        _expense_with_invoice(world).movements.order_by("pk").first().pk  # type: ignore[union-attr]
    ),
    "patient": lambda world, sics: world.own.pk,
    "team": lambda world, sics: world.own.care_team.pk,
    # Held: its report exists (a SIC not held has none to read).
    "sic": lambda world, sics: hold(started(sics["own"]), by=world.coordinator).pk,
    "careplan": lambda world, sics: _plan_validated_on_paper(world),
    "indemnity": lambda world, sics: _indemnity_line(world),
    "pathway-event": lambda world, sics: _stay(world),
    "follow-up-contact": lambda world, sics: _contact(world),
    "opinion-request": lambda world, sics: _opinion_attachment(world).request_id,
    "opinion-attachment": lambda world, sics: _opinion_attachment(world).pk,
    "contribution": lambda world, sics: (
        Contribution.objects.create(
            sic=sics["own"],
            kind="gp_summary",
            author=world.gp,
            entered_by=world.gp,
            status="submitted",
            submitted_at=sics["own"].scheduled_at,
        ).pk
    ),
}


def detail_reads() -> list:
    """Every GET detail route of every viewset whose reads are logged, from the router."""
    cases = []
    for _prefix, viewset, basename in router.registry:
        if not issubclass(viewset, AccessLoggedMixin):
            continue
        for route in router.get_routes(viewset):
            if route.detail and "get" in route.mapping:
                name = route.name.format(basename=basename)
                cases.append(pytest.param(basename, name, route.mapping["get"], id=name))
    return cases


@pytest.mark.parametrize(("basename", "url_name", "handler"), detail_reads())
def test_every_detail_read_of_the_api_is_logged(
    world: World, sics, basename: str, url_name: str, handler: str
) -> None:
    pk = OBJECTS[basename](world, sics)
    response = client_for(world.admin).get(reverse(url_name, args=[pk]))
    assert response.status_code == 200, handler
    whats = AccessLogEntry.objects.filter(user=world.admin, patient=world.own)
    assert whats.exists(), f"{url_name} answered without logging the read"
    assert all(w.endswith("(api)") for w in whats.values_list("what", flat=True))


def test_the_answers_of_schedule_cancel_and_hold_are_logged(world: World, sics) -> None:
    api = client_for(world.coordinator)
    url = f"/api/v1/sics/{sics['own'].pk}/"
    data = {"at": soon(20).isoformat()}
    assert api.post(url + "schedule/", data, content_type="application/json").status_code == 200
    started(sics["own"])  # its time has come: it may be recorded
    held = {"minutes": "Poids stable", "patient_present": True, "decisions": ["Pesée"]}
    assert api.post(url + "hold/", held, content_type="application/json").status_code == 200
    following = world.own.sics.get(status="planned")
    cancel = {"reason": "Hospitalisation"}
    response = api.post(
        f"/api/v1/sics/{following.pk}/cancel/", cancel, content_type="application/json"
    )
    assert response.status_code == 200
    whats = AccessLogEntry.objects.filter(user=world.coordinator, patient=world.own)
    assert list(whats.values_list("what", flat=True)) == ["SIC (api)"] * 3


def test_reading_the_access_log_through_the_api_is_itself_logged(world: World) -> None:
    response = client_for(world.patient_user).get(f"/api/v1/patients/{world.own.pk}/access-log/")
    assert response.status_code == 200
    assert AccessLogEntry.objects.filter(
        user=world.patient_user, patient=world.own, what="access log (api)"
    ).exists()


def test_a_refused_api_request_writes_no_read(world: World, sics) -> None:
    gp = client_for(world.gp)
    patch = gp.patch(
        f"/api/v1/patients/{world.own.pk}/", {"city": "Roubaix"}, content_type="application/json"
    )
    assert patch.status_code == 403  # fetched, then refused: the GP does not edit records
    schedule = client_for(world.pharmacist).post(
        f"/api/v1/sics/{sics['own'].pk}/schedule/",
        {"at": soon(20).isoformat()},
        content_type="application/json",
    )
    assert schedule.status_code == 403
    access_log = gp.get(f"/api/v1/patients/{world.own.pk}/access-log/")
    assert access_log.status_code == 403
    assert not AccessLogEntry.objects.exists()


def test_a_rejected_api_payload_writes_no_read(world: World, sics) -> None:
    response = client_for(world.coordinator).post(
        f"/api/v1/sics/{sics['own'].pk}/schedule/",
        {"at": "demain"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not AccessLogEntry.objects.exists()


def test_a_refused_page_writes_no_read(world: World, sics) -> None:
    # The page fetches the SIC (in the nurse's scope), then refuses: only the GP runs it.
    assert client_for(world.nurse).get(f"/sic/{sics['own'].pk}/planifier/").status_code == 403
    assert (
        client_for(world.coordinator).get(f"/patients/{world.own.pk}/journal-acces/").status_code
        == 403
    )
    assert not AccessLogEntry.objects.exists()
