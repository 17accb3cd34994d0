"""The budget through the API, as a client program would use it: from the prescription to the
paid invoice, the balances after each step, and the refusals each in a structured answer."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from budget.models import (
    BudgetMovement,
    CareRequestStatus,
    Expense,
    ExpenseStatus,
    SupplementaryCare,
)
from labparcours.models import AccessLogEntry
from tests.conftest import World, client_for
from tests.factories import approved_request, care_provider, care_request, category, envelope_of
from tests.uploads import ACCEPTED, REFUSED, upload

TODAY = timezone.localdate()
API = "/api/v1"


def balances(client: Client, envelope_id: int) -> dict[str, Decimal]:
    data = client.get(f"{API}/budgets/{envelope_id}/").json()
    names = ("allotted", "committed", "spent", "paid", "remaining")
    return {name: Decimal(data[name]) for name in names}


def ledger_sums(client: Client, envelope_id: int) -> dict[str, Decimal]:
    """The balances summed here from the rows the ledger endpoint lists, by kind."""
    sums: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    url = f"{API}/budget-movements/?envelope={envelope_id}"
    while url:
        page = client.get(url).json()
        for row in page["results"]:
            sums[row["kind"]] += Decimal(row["amount"])
        url = page["next"]
    committed = sums["commit"] + sums["release"]
    return {
        "allotted": sums["allot"],
        "committed": committed,
        "spent": sums["spend"],
        "paid": sums["pay"],
        "remaining": sums["allot"] - committed - sums["spend"],
    }


def test_it_runs_from_the_prescription_to_the_paid_invoice(world: World) -> None:
    envelope = envelope_of(world.own, "1000.00")
    gp, coordinator, admin = (client_for(u) for u in (world.gp, world.coordinator, world.admin))
    expected = {
        "allotted": Decimal("1000"),
        "committed": Decimal("0"),
        "spent": Decimal("0"),
        "paid": Decimal("0"),
    }

    def check() -> None:
        expected["remaining"] = expected["allotted"] - expected["committed"] - expected["spent"]
        assert balances(coordinator, envelope.pk) == expected
        assert ledger_sums(coordinator, envelope.pk) == expected

    created = gp.post(
        f"{API}/supplementary-care/",
        {
            "patient": str(world.own.pk),
            "category": category().pk,
            "provider": care_provider().pk,
            "sessions": 6,
            "unit_price": "45.00",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    care = created.json()
    assert care["status"] == "requested"
    assert care["amount"] == "270.00"  # money as a string, two places
    assert care["unit_price"] == "45.00"
    assert care["envelope"] == envelope.pk
    check()

    approved = coordinator.post(f"{API}/supplementary-care/{care['id']}/approve/")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    expected["committed"] += Decimal("270")
    check()

    recorded = coordinator.post(
        f"{API}/expenses/",
        {
            "request": care["id"],
            "sessions": 2,
            "date": TODAY.isoformat(),
            "amount": "90.00",
            "invoice": upload(*ACCEPTED["pdf"]),
        },
    )
    assert recorded.status_code == 201, recorded.content
    expense = recorded.json()
    assert expense["has_invoice"] is True
    assert expense["status"] == "to_pay"
    expected["committed"] -= Decimal("90")
    expected["spent"] += Decimal("90")
    check()
    assert gp.get(f"{API}/supplementary-care/{care['id']}/").json()["sessions_done"] == 2

    invoice = gp.get(f"{API}/expenses/{expense['id']}/invoice/")
    assert invoice.status_code == 200
    assert invoice["Content-Type"] == "application/pdf"
    assert b"".join(invoice.streaming_content) == ACCEPTED["pdf"][1]
    assert "attachment" in invoice["Content-Disposition"]

    paid = admin.post(
        f"{API}/expenses/{expense['id']}/mark-paid/",
        {"paid_on": TODAY.isoformat(), "reference": "VIR-2026-014"},
        content_type="application/json",
    )
    assert paid.status_code == 200, paid.content
    assert paid.json()["status"] == "paid"
    assert paid.json()["payment_reference"] == "VIR-2026-014"
    expected["paid"] += Decimal("90")
    check()


def test_an_overdraft_answers_409_with_the_french_message_and_what_is_left(
    world: World,
) -> None:
    envelope_of(world.own, "1000.00")
    approved_request(world, sessions=9, unit_price="100.00")  # 900 committed, 100 left
    request = care_request(world, sessions=4, unit_price="50.00")  # 200 asked
    answer = client_for(world.coordinator).post(f"{API}/supplementary-care/{request.pk}/approve/")
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "overdraft"
    assert body["remaining"] == "100.00"
    assert "Il ne reste pas assez dans cette enveloppe" in body["detail"]
    assert "100,00 €" in body["detail"]
    request.refresh_from_db()
    assert request.status == CareRequestStatus.REQUESTED


def test_the_yearly_ceiling_answers_what_is_left_of_the_category(world: World) -> None:
    envelope_of(world.own, "2000.00")
    category("psychologue", ceiling="300.00")
    approved_request(world, sessions=4, unit_price="50.00", category_name="psychologue")
    request = care_request(world, sessions=3, unit_price="50.00", category_name="psychologue")
    body = client_for(world.coordinator).post(f"{API}/supplementary-care/{request.pk}/approve/")
    assert body.status_code == 409
    assert body.json()["remaining"] == "100.00"
    assert "psychologue" in body.json()["detail"]


def test_an_expense_beyond_the_request_answers_409_with_what_it_holds(world: World) -> None:
    envelope_of(world.own, "1000.00")
    request = approved_request(world, sessions=2, unit_price="50.00")
    answer = client_for(world.coordinator).post(
        f"{API}/expenses/",
        {"request": request.pk, "sessions": 1, "date": TODAY.isoformat(), "amount": "150.00"},
        content_type="application/json",
    )
    assert answer.status_code == 409
    assert answer.json() == {
        "code": "overdraft",
        "detail": answer.json()["detail"],
        "remaining": "100.00",
    }
    assert not Expense.objects.exists()


def test_a_refusal_without_a_reason_answers_400_field_by_field(world: World) -> None:
    envelope_of(world.own)
    request = care_request(world)
    coordinator = client_for(world.coordinator)
    url = f"{API}/supplementary-care/{request.pk}/refuse/"
    for payload in ({}, {"reason": "   "}):
        answer = coordinator.post(url, payload, content_type="application/json")
        assert answer.status_code == 400
        assert list(answer.json()["errors"]) == ["reason"]
    request.refresh_from_db()
    assert request.status == CareRequestStatus.REQUESTED
    refused = coordinator.post(url, {"reason": "Déjà suivi"}, content_type="application/json")
    assert refused.status_code == 200
    assert refused.json()["refusal_reason"] == "Déjà suivi"


def test_a_move_from_the_wrong_state_answers_409_invalid_transition(world: World) -> None:
    envelope_of(world.own)
    request = approved_request(world)
    coordinator = client_for(world.coordinator)
    answer = coordinator.post(f"{API}/supplementary-care/{request.pk}/approve/")
    assert answer.status_code == 409
    assert answer.json()["code"] == "invalid_transition"
    assert "accordée" in answer.json()["detail"]
    assert coordinator.post(f"{API}/supplementary-care/{request.pk}/cancel/").status_code == 200
    again = coordinator.post(f"{API}/supplementary-care/{request.pk}/cancel/")
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"


def prescribe_for_action(world: World, action_id: int) -> HttpResponse:
    """The coordinator prescribes through the API for `world.own`, for the care-plan action
    `action_id`."""
    return client_for(world.coordinator).post(
        f"{API}/supplementary-care/",
        {
            "patient": str(world.own.pk),
            "category": category().pk,
            "provider": care_provider().pk,
            "sessions": 2,
            "unit_price": "40.00",
            "action": action_id,
        },
        content_type="application/json",
    )


def test_a_prescription_for_an_action_of_another_patient_is_refused(world: World) -> None:
    from tests.factories import make_plan

    envelope_of(world.own)
    foreign = make_plan(world, world.other).actions.first()
    answer = prescribe_for_action(world, foreign.pk)  # type: ignore[union-attr]
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["action"]


def test_it_refuses_a_prescription_for_an_action_of_a_superseded_plan_version(
    world: World,
) -> None:
    from careplans.models import PlanStatus
    from tests.factories import make_plan

    envelope_of(world.own)
    superseded = make_plan(world, status=PlanStatus.VALIDATED)
    make_plan(world, status=PlanStatus.VALIDATED)
    superseded.refresh_from_db()
    assert superseded.status == PlanStatus.SUPERSEDED
    answer = prescribe_for_action(world, superseded.actions.first().pk)  # type: ignore[union-attr]
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["action"]
    assert "version remplacée du plan de soins" in str(answer.json()["errors"]["action"])
    assert not SupplementaryCare.objects.exists()


@pytest.mark.parametrize("name", list(REFUSED))
def test_every_bad_invoice_is_refused_and_nothing_is_recorded(world: World, name: str) -> None:
    envelope_of(world.own)
    request = approved_request(world)
    movements = BudgetMovement.objects.count()
    answer = client_for(world.coordinator).post(
        f"{API}/expenses/",
        {
            "request": request.pk,
            "sessions": 1,
            "date": TODAY.isoformat(),
            "amount": "50.00",
            "invoice": upload(*REFUSED[name]),
        },
    )
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["invoice"]
    assert answer.json()["errors"]["invoice"]  # the reason, in words
    assert not Expense.objects.exists()
    assert BudgetMovement.objects.count() == movements


def test_only_the_admin_marks_an_expense_paid(world: World) -> None:
    envelope_of(world.own)
    request = approved_request(world)
    expense = client_for(world.coordinator).post(
        f"{API}/expenses/",
        {"request": request.pk, "sessions": 1, "date": TODAY.isoformat(), "amount": "50.00"},
        content_type="application/json",
    )
    url = f"{API}/expenses/{expense.json()['id']}/mark-paid/"
    payload = {"paid_on": TODAY.isoformat(), "reference": "VIR-1"}
    reads = AccessLogEntry.objects.count()
    refused = client_for(world.coordinator).post(url, payload, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["detail"]
    assert AccessLogEntry.objects.count() == reads
    assert Expense.objects.get().status == ExpenseStatus.TO_PAY
    no_reference = client_for(world.admin).post(
        url, {"paid_on": TODAY.isoformat()}, content_type="application/json"
    )
    assert no_reference.status_code == 400
    assert list(no_reference.json()["errors"]) == ["reference"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_ledger_cannot_be_written_through_the_api(world: World, method: str) -> None:
    envelope = envelope_of(world.own)
    row = envelope.movements.get()
    client = client_for(world.admin)
    for url in (f"{API}/budget-movements/", f"{API}/budget-movements/{row.pk}/"):
        answer = getattr(client, method)(url, {}, content_type="application/json")
        assert answer.status_code == 405
    assert BudgetMovement.objects.count() == 1


def test_the_patient_sees_their_requests_in_sessions_without_prices(world: World) -> None:
    envelope_of(world.own)
    request = approved_request(world)
    patient = client_for(world.patient_user)
    (row,) = patient.get(f"{API}/supplementary-care/").json()["results"]
    assert row["id"] == request.pk
    assert row["sessions"] == 6
    assert row["category_name"] == "diététicien·ne"
    assert not {"unit_price", "amount", "envelope"} & set(row)
    assert patient.get(f"{API}/budgets/").status_code == 403


def test_each_list_read_is_logged_for_the_patients_it_shows(world: World) -> None:
    envelope_of(world.own)
    approved_request(world)
    gp = client_for(world.gp)
    for path, what in (
        ("budgets", "budget envelope"),
        ("supplementary-care", "supplementary care"),
        ("budget-movements", "budget ledger"),
    ):
        before = AccessLogEntry.objects.filter(patient=world.own).count()
        assert gp.get(f"{API}/{path}/").status_code == 200
        entries = AccessLogEntry.objects.filter(patient=world.own).order_by("pk")
        assert entries.count() == before + 1
        assert what in entries.last().what  # type: ignore[union-attr]


def test_the_filters_narrow_the_lists(world: World) -> None:
    own = envelope_of(world.own)
    approved_request(world)
    coordinator = client_for(world.coordinator)

    def ids(path: str) -> list:
        return [row["id"] for row in coordinator.get(f"{API}/{path}").json()["results"]]

    assert ids(f"budgets/?patient={world.own.pk}") == [own.pk]
    assert ids(f"budgets/?patient={world.own.pk}&year=2") == []
    kinds = coordinator.get(f"{API}/budget-movements/?patient={world.own.pk}&kind=commit").json()
    assert [row["kind"] for row in kinds["results"]] == ["commit"]
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    assert ids(f"budget-movements/?envelope={own.pk}&at_after={tomorrow}") == []
    assert len(ids(f"budget-movements/?envelope={own.pk}&at_before={tomorrow}")) == 2
    assert ids("supplementary-care/?status=requested") == []


def test_a_filter_on_a_patient_outside_the_scope_answers_an_empty_list(world: World) -> None:
    other = envelope_of(world.other)
    gp = client_for(world.gp)
    reads = AccessLogEntry.objects.count()
    for path in (
        f"budgets/?patient={world.other.pk}",
        f"supplementary-care/?envelope={other.pk}",
        f"budget-movements/?envelope={other.pk}",
        "budget-movements/?envelope=999999",
    ):
        answer = gp.get(f"{API}/{path}")
        assert answer.status_code == 200
        assert answer.json()["results"] == []
    assert AccessLogEntry.objects.count() == reads
    assert gp.get(f"{API}/budgets/?patient=lambert").status_code == 400
    assert gp.get(f"{API}/budget-movements/?kind=gift").status_code == 400


def test_the_prescriber_cancels_and_the_money_comes_back(world: World) -> None:
    envelope = envelope_of(world.own, "1000.00")
    request = approved_request(world, sessions=4, unit_price="50.00")  # the GP's
    coordinator = client_for(world.coordinator)
    assert balances(coordinator, envelope.pk)["remaining"] == Decimal("800.00")
    url = f"{API}/supplementary-care/{request.pk}/cancel/"
    refused = client_for(world.nurse).post(url)
    assert refused.status_code == 403
    cancelled = client_for(world.gp).post(url)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert balances(coordinator, envelope.pk) == ledger_sums(coordinator, envelope.pk)
    assert balances(coordinator, envelope.pk)["remaining"] == Decimal("1000.00")
    assert balances(coordinator, envelope.pk)["committed"] == Decimal("0.00")
