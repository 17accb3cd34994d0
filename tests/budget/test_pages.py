"""The budget's pages as the team, the coordinator and the patient use them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from budget.models import (
    BudgetEnvelope,
    CareRequestStatus,
    Expense,
    SupplementaryCare,
)
from budget.services import expense_record, supplementary_care_approve
from careplans.models import PlanStatus
from labparcours.models import AccessLogEntry
from tests.budget.pages import envelopes_of
from tests.conftest import World, client_for
from tests.factories import PatientFactory, care_provider, care_request, category, make_plan
from tests.uploads import ACCEPTED, REFUSED, upload

pytestmark = pytest.mark.django_db
WAITING = "/soins-complementaires/a-valider/"


def remaining(envelope: BudgetEnvelope) -> Decimal:
    return BudgetEnvelope.objects.with_balances().get(pk=envelope.pk).remaining  # type: ignore[attr-defined]


def prescribe_url(world: World) -> str:
    return f"/patients/{world.own.pk}/soins-complementaires/prescrire/"


def prescription(**changes: object) -> dict:
    data = {
        "category": category().pk,
        "provider": care_provider().pk,
        "sessions": "6",
        "unit_price": "45,00",
    }
    data.update(changes)
    return data


# --- The envelope card and prescribing ----------------------------------------------------------


def test_it_shows_the_envelope_card_with_its_balances_and_logs_the_read(world: World) -> None:
    [envelope] = envelopes_of(world.own, amount="600.00")
    supplementary_care_approve(request=care_request(world), by=world.coordinator)  # 300
    care_request(world, sessions=2, unit_price="60.00", category_name="psychologue")
    page = client_for(world.nurse).get(f"/patients/{world.own.pk}/").content.decode()
    assert "600,00 €" in page
    assert "300,00 €" in page  # committed, and remaining
    assert "En attente de la coordination" in page
    assert "Accordée" in page
    assert "style=" not in page.split('id="budget"')[1].split("</section>")[0]
    assert AccessLogEntry.objects.filter(
        user=world.nurse, patient=world.own, what="supplementary-care budget"
    ).exists()
    assert remaining(envelope) == Decimal("300.00")


def test_a_patient_without_an_envelope_gets_a_sentence(world: World) -> None:
    page = client_for(world.gp).get(f"/patients/{world.own.pk}/").content.decode()
    assert "Aucune enveloppe" in page or "No envelope is open" in page


def test_the_gp_prescribes_and_the_request_waits_for_the_coordinator(world: World) -> None:
    envelopes_of(world.own)
    response = client_for(world.gp).post(prescribe_url(world), prescription())
    assert response.status_code == 302
    care = SupplementaryCare.objects.get()
    assert (care.sessions, care.unit_price, care.prescriber) == (6, Decimal("45.00"), world.gp)
    assert care.status == CareRequestStatus.REQUESTED


@pytest.mark.parametrize(
    ("field", "value"),
    [("sessions", "0"), ("sessions", "beaucoup"), ("unit_price", "-3"), ("unit_price", "abc")],
)
def test_bad_input_is_refused_in_french_and_nothing_typed_is_lost(
    world: World, field: str, value: str
) -> None:
    envelopes_of(world.own)
    data = prescription(**{field: value})
    response = client_for(world.gp).post(prescribe_url(world), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="errorlist' in page
    assert f'value="{value}"' in page
    assert f'<option value="{data["provider"]}" selected>' in page
    assert not SupplementaryCare.objects.exists()


def test_prescribing_without_an_envelope_says_so(world: World) -> None:
    response = client_for(world.gp).post(prescribe_url(world), prescription())
    assert response.status_code == 400
    assert "enveloppe" in response.content.decode()
    assert not SupplementaryCare.objects.exists()


def test_a_care_plan_action_leads_to_the_form_with_the_action_chosen(world: World) -> None:
    envelopes_of(world.own)
    plan = make_plan(world, status=PlanStatus.VALIDATED)
    action = plan.actions.first()
    client = client_for(world.gp)
    plan_page = client.get(f"/plans/{plan.pk}/").content.decode()
    link = f"/patients/{world.own.pk}/soins-complementaires/prescrire/?action={action.pk}"
    assert link in plan_page
    form = client.get(link).content.decode()
    assert f'<option value="{action.pk}" selected>' in form
    client.post(link, prescription(action=action.pk))
    assert SupplementaryCare.objects.get().action == action


def test_a_nurse_cannot_pick_an_action_of_another_patients_plan(world: World) -> None:
    envelopes_of(world.own, world.other)
    foreign = make_plan(world, world.other, status=PlanStatus.VALIDATED).actions.first()
    response = client_for(world.nurse).post(prescribe_url(world), prescription(action=foreign.pk))
    assert response.status_code == 400
    assert not SupplementaryCare.objects.exists()


def test_it_offers_no_action_of_a_superseded_plan_version(world: World) -> None:
    envelopes_of(world.own)
    superseded = make_plan(world, status=PlanStatus.VALIDATED)
    in_force = make_plan(world, status=PlanStatus.VALIDATED)
    old, current = superseded.actions.first(), in_force.actions.first()
    client = client_for(world.nurse)
    offered = client.get(prescribe_url(world)).context["form"].fields["action"].queryset
    assert current in offered
    assert old not in offered
    response = client.post(prescribe_url(world), prescription(action=old.pk))
    assert response.status_code == 400
    assert not SupplementaryCare.objects.exists()


# --- « Demandes à valider » ---------------------------------------------------------------------


def test_the_list_shows_waiting_requests_oldest_first_with_the_balance(world: World) -> None:
    envelopes_of(world.own, world.other, amount="1000.00")
    newer = care_request(world, sessions=2)
    older = care_request(world, patient=world.other, by=world.coordinator, sessions=3)
    SupplementaryCare.objects.filter(pk=older.pk).update(
        requested_at=timezone.now() - datetime.timedelta(days=10)
    )
    supplementary_care_approve(request=care_request(world, sessions=4), by=world.coordinator)
    page = client_for(world.coordinator).get(WAITING).content.decode()
    assert page.index(f'id="care-{older.pk}"') < page.index(f'id="care-{newer.pk}"')
    assert page.count('id="care-') == 2
    assert "800,00 €" in page  # the own envelope after the approval of 200
    only_older = client_for(world.coordinator).get(WAITING + "?older=on").content.decode()
    assert page.count('id="care-') == 2
    assert only_older.count('id="care-') == 1


def test_the_requests_of_a_patient_who_left_the_programme_are_not_listed(world: World) -> None:
    envelopes_of(world.own, world.other)
    kept = care_request(world)
    gone = care_request(world, patient=world.other, by=world.coordinator)
    world.other.exit(reason="moved", on=timezone.localdate())
    page = client_for(world.coordinator).get(WAITING).content.decode()
    assert f'id="care-{kept.pk}"' in page
    assert f'id="care-{gone.pk}"' not in page


def test_the_list_filters_by_category_and_pathway(world: World) -> None:
    envelopes_of(world.own)
    diet = care_request(world)
    psy = care_request(world, category_name="psychologue")
    client = client_for(world.coordinator)
    page = client.get(f"{WAITING}?category={category('psychologue').pk}").content.decode()
    assert f'id="care-{psy.pk}"' in page
    assert f'id="care-{diet.pk}"' not in page
    assert 'id="care-' not in client.get(f"{WAITING}?pathway=dt2").content.decode()


def test_the_coordinator_approves_in_place_with_htmx(world: World) -> None:
    [envelope] = envelopes_of(world.own, amount="1000.00")
    care = care_request(world)
    response = client_for(world.coordinator).post(
        f"/soins-complementaires/{care.pk}/accorder/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith(f'<tr id="care-{care.pk}"')
    assert "Accordée" in row
    assert "700,00 €" in row
    assert remaining(envelope) == Decimal("700.00")


def test_the_coordinator_approves_without_javascript(world: World) -> None:
    [envelope] = envelopes_of(world.own, amount="1000.00")
    care = care_request(world)
    client = client_for(world.coordinator)
    response = client.post(f"/soins-complementaires/{care.pk}/accorder/")
    assert response.status_code == 302
    assert response["Location"] == WAITING
    assert remaining(envelope) == Decimal("700.00")
    assert f'id="care-{care.pk}"' not in client.get(WAITING).content.decode()


def test_an_approval_beyond_the_envelope_shows_what_is_left_in_the_row(world: World) -> None:
    [envelope] = envelopes_of(world.own, amount="200.00")
    care = care_request(world)  # 300 asked
    response = client_for(world.coordinator).post(
        f"/soins-complementaires/{care.pk}/accorder/", HTTP_HX_REQUEST="true"
    )
    row = response.content.decode()
    assert "200,00 €" in row
    assert "Il ne reste pas assez" in row
    care.refresh_from_db()
    assert care.status == CareRequestStatus.REQUESTED
    assert remaining(envelope) == Decimal("200.00")


@pytest.mark.parametrize("htmx", [True, False])
def test_a_refusal_needs_a_reason(world: World, htmx: bool) -> None:
    envelopes_of(world.own)
    care = care_request(world)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    client = client_for(world.coordinator)
    response = client.post(
        f"/soins-complementaires/{care.pk}/refuser/", {"reason": "  "}, follow=True, **headers
    )
    assert "Indiquez" in response.content.decode() or "Say why" in response.content.decode()
    care.refresh_from_db()
    assert care.status == CareRequestStatus.REQUESTED
    response = client.post(
        f"/soins-complementaires/{care.pk}/refuser/",
        {"reason": "Déjà suivi à l'hôpital"},
        **headers,
    )
    assert response.status_code == (200 if htmx else 302)
    care.refresh_from_db()
    assert (care.status, care.refusal_reason) == ("refused", "Déjà suivi à l'hôpital")
    if htmx:
        assert "Refusée" in response.content.decode()


# --- Expenses and invoices ----------------------------------------------------------------------


def expense_url(care: SupplementaryCare) -> str:
    return f"/soins-complementaires/{care.pk}/depense/"


def expense(**changes: object) -> dict:
    data = {"sessions": "2", "date": "2026-01-05", "amount": "90,00"}
    data.update(changes)
    return data


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_every_bad_invoice_is_refused_and_nothing_recorded(world: World, case: str) -> None:
    envelopes_of(world.own)
    care = supplementary_care_approve(request=care_request(world), by=world.coordinator)
    response = client_for(world.coordinator).post(
        expense_url(care), expense(invoice=upload(*REFUSED[case]))
    )
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not Expense.objects.exists()


def test_the_coordinator_records_an_expense_with_its_invoice(world: World) -> None:
    [envelope] = envelopes_of(world.own, amount="1000.00")
    care = supplementary_care_approve(request=care_request(world), by=world.coordinator)
    response = client_for(world.coordinator).post(
        expense_url(care), expense(invoice=upload(*ACCEPTED["pdf"]))
    )
    assert response.status_code == 302
    spent = Expense.objects.get()
    assert (spent.sessions, spent.amount) == (2, Decimal("90.00"))
    assert spent.invoice.name.endswith(".pdf")
    assert remaining(envelope) == Decimal("700.00")


def test_an_expense_above_what_is_left_on_the_request_is_refused(world: World) -> None:
    envelopes_of(world.own)
    care = supplementary_care_approve(request=care_request(world), by=world.coordinator)  # 300
    response = client_for(world.coordinator).post(expense_url(care), expense(amount="350,00"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "300,00 €" in page
    assert 'value="350,00"' in page
    assert not Expense.objects.exists()


def test_the_invoice_is_sent_as_an_attachment_and_its_read_logged(world: World) -> None:
    envelopes_of(world.own)
    care = supplementary_care_approve(request=care_request(world), by=world.coordinator)
    spent = expense_record(
        request=care,
        by=world.coordinator,
        sessions=1,
        date=timezone.localdate(),
        amount=Decimal("45.00"),
        invoice=upload(*ACCEPTED["pdf"]),
    )
    response = client_for(world.admin).get(f"/depenses/{spent.pk}/facture/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="facture-{spent.pk}.pdf"'
    assert AccessLogEntry.objects.filter(
        user=world.admin, patient=world.own, what="supplementary care (invoice)"
    ).exists()


# --- The patient's side -------------------------------------------------------------------------


def granted(world: World) -> SupplementaryCare:
    envelopes_of(world.own)
    care = supplementary_care_approve(request=care_request(world), by=world.coordinator)
    expense_record(
        request=care,
        by=world.coordinator,
        sessions=3,
        date=timezone.localdate(),
        amount=Decimal("150.00"),
    )
    return care


@pytest.mark.parametrize("role", ["patient_user", "caregiver_user"])
def test_the_patient_reads_what_was_granted_in_plain_words_without_prices(
    world: World, role: str
) -> None:
    care = granted(world)
    page = client_for(world.user(role)).get("/mes-soins/").content.decode()
    provider = str(care.provider.professional)
    assert f"6 séances de diététicien·ne avec {provider}" in page
    assert "3 faites" in page
    assert "accordé" in page
    assert "€" not in page.split('id="my-care"')[1]
    assert AccessLogEntry.objects.filter(
        user=world.user(role), patient=world.own, what="supplementary care"
    ).exists()


def test_the_patient_sees_the_prices_when_the_programme_shows_them(world: World, settings) -> None:
    settings.LABPARCOURS_BUDGET_SHOW_PRICES_TO_PATIENTS = True
    granted(world)
    page = client_for(world.patient_user).get("/mes-soins/").content.decode()
    assert "50,00 € par séance" in page
    assert "300,00 €" in page


def test_the_patient_home_shows_the_granted_care(world: World) -> None:
    granted(world)
    page = client_for(world.patient_user).get("/mon-dossier/").content.decode()
    assert "Mes soins de support" in page


def test_a_waiting_request_reads_as_waiting_for_approval(world: World) -> None:
    envelopes_of(world.own)
    care_request(world)
    page = client_for(world.patient_user).get("/mes-soins/").content.decode()
    assert "en attente d’accord" in page or "en attente d'accord" in page


def test_a_new_patient_has_nothing_prescribed_yet(world: World) -> None:
    patient = PatientFactory(user=None)
    assert patient.budget_envelopes.count() == 0
    page = client_for(world.patient_user).get("/mes-soins/").content.decode()
    assert "Rien n’a encore été prescrit" in page or "Rien n'a encore été prescrit" in page
