"""The demo a newcomer meets on first `make run`: every story shows, loaded through the
functions users trigger, once.

Every test of the demo's stories lives here, the pages of each app with something in them
included: the demo is seeded once for the module (tests/conftest.py's `demo`)."""

import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from careplans.models import Action, CarePlan, PlanStatus
from interop.conformance import READABLE
from labparcours.models import AccessLogEntry, Invitation, User
from opinions.models import OpinionRequest
from patients.models import Patient
from reminders.models import Notification, Reminder
from sic.models import ContributionKind, Sic
from tests.fhir.validation import valid

pytestmark = pytest.mark.django_db


def login(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def test_the_coordinator_dashboard_lists_a_patient_in_each_state(demo) -> None:
    response = login("coordinatrice@demo.test").get("/coordination/")
    assert response.status_code == 200
    stats = response.context["stats"]
    assert (stats["included"], stats["candidates"]) == (11, 2)
    assert stats["sic_overdue"] >= 1
    sics = {row.patient.last_name: row.sic for row in response.context["rows"]}
    assert sics["Wallart"].awaits_record  # held by video, nobody recorded it
    assert sics["Delcroix"].is_overdue
    assert sics["Lambert"].status == "scheduled"
    page = response.content.decode()
    assert "À enregistrer" in page
    assert "En retard" in page
    plans = dict(CarePlan.objects.values_list("patient__last_name", "status").order_by("version"))
    assert plans["Boukhalfa"] == PlanStatus.CHANGES_REQUESTED
    assert plans["Masquelier"] == PlanStatus.PROPOSED
    assert plans["Hennebert"] == PlanStatus.DRAFT
    assert Action.objects.in_force().late().filter(plan__patient__last_name="Maes").exists()


def test_the_demo_patient_has_a_plan_proposed_to_him(demo) -> None:
    response = login("patient@demo.test").get("/mon-plan/")
    assert response.status_code == 200
    assert response.context["plan"].status == PlanStatus.PROPOSED
    assert "Marcher 30 minutes chaque jour" in response.content.decode()


def test_a_plan_validated_on_paper_has_its_scan_to_download(demo) -> None:
    plan = CarePlan.objects.get(validation_method="paper")
    response = login("coordinatrice@demo.test").get(f"/plans/{plan.pk}/feuille-signee/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_reminders_ring_in_the_bell(demo) -> None:
    assert Reminder.objects.exists()
    assert Notification.objects.filter(user__email="coordinatrice@demo.test").unread().count()
    # The caregiver, who joined after the plan was proposed, is told it waits for an answer.
    assert (
        Notification.objects.filter(user__email="aidant@demo.test", reminder__kind="plan_proposed")
        .unread()
        .exists()
    )
    response = login("coordinatrice@demo.test").get("/notifications/")
    assert response.status_code == 200


def test_every_demo_login_went_through_an_accepted_invitation(demo) -> None:
    invited = set(
        Invitation.objects.filter(accepted_at__isnull=False).values_list("email", flat=True)
    )
    logins = set(User.objects.exclude(is_superuser=True).values_list("email", flat=True))
    assert logins - invited == {"coordinatrice@demo.test"}
    for sic in Sic.objects.filter(status="held"):
        assert sic.attendances.filter(responded_at__isnull=False).exists()
    lambert = AccessLogEntry.objects.filter(patient__last_name="Lambert")
    assert lambert.filter(listed=False).count() == 4
    assert lambert.filter(listed=True, user__email="coordinatrice@demo.test").count() == 4
    assert User.objects.get(email="coordinatrice@demo.test").phone


def test_it_loads_once(demo) -> None:
    counts = (User.objects.count(), Patient.objects.count(), Sic.objects.count())
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    call_command("seed_demo", stdout=out)
    assert (User.objects.count(), Patient.objects.count(), Sic.objects.count()) == counts
    assert out.getvalue().splitlines() == [
        "Database not empty: demo data not loaded.",
        "Demo data already loaded.",
    ]


def test_every_included_demo_patient_has_an_envelope_and_the_budget_tells_stories(demo) -> None:
    from budget.models import BudgetEnvelope, Expense, SupplementaryCare
    from budget.services import current_envelope

    for patient in Patient.objects.included():
        assert current_envelope(patient) is not None, patient.initials
    assert SupplementaryCare.objects.filter(status="requested").count() == 1
    assert SupplementaryCare.objects.filter(status="approved").count() >= 3
    assert Expense.objects.filter(status="paid").exists()
    assert Expense.objects.exclude(invoice="").count() == 1
    maes = BudgetEnvelope.objects.with_balances().get(patient__last_name="Maes", year=2)
    assert maes.remaining < maes.allotted * Decimal("0.2")


def test_the_coordinators_bell_rings_for_the_budget(demo) -> None:
    told = set(
        Reminder.objects.filter(recipient__email="coordinatrice@demo.test").values_list(
            "kind", flat=True
        )
    )
    # Mr Boukhalfa's request waits for more than a week; Mrs Maes's envelope is nearly used.
    assert {"care_waiting", "envelope_nearly_used"} <= told


def test_the_plans_show_patient_goals_linked_care_and_recurring_actions(demo) -> None:
    coordinator = login("coordinatrice@demo.test")
    draft = CarePlan.objects.get(patient__last_name="Hennebert")
    assert [g.text for g in draft.goals.all()] == [
        "Marcher 20 minutes par jour",
        "Ne plus retourner à l’hôpital cette année",
    ]
    page = coordinator.get(f"/plans/{draft.pk}/").content.decode()
    assert "Objectifs exprimés par le patient" in page
    assert "Refaire mon potager au printemps" in page
    served = Action.objects.get(
        plan__patient__last_name="Vermeersch", what="Séances d’activité physique adaptée"
    )
    assert served.care_provider is not None
    assert served.supplementary_care.get().status == "approved"
    weekly = Action.objects.get(
        plan__patient__last_name="Vermeersch", what="Préparer le pilulier de la semaine"
    )
    assert weekly.repeat_label == "toutes les semaines"
    assert weekly.occurrences.count() >= 20
    pharmacist = login(weekly.membership.professional.user.email)
    assert "Prochaine fois" in pharmacist.get("/mes-actions/").content.decode()


def test_mr_lamberts_team_talks_in_the_thread(demo) -> None:
    patient = Patient.objects.get(last_name="Lambert")
    page = login("medecin@demo.test").get(f"/patients/{patient.pk}/fil/equipe/").content.decode()
    assert "cheville gauche" in page
    assert '<span class="mention">@' in page
    assert "/apercu/" in page  # the nurse's photo, as a thumbnail
    sic = Sic.objects.get(patient=patient, status="scheduled")
    assert "Furosémide" in login("medecin@demo.test").get(f"/sic/{sic.pk}/").content.decode()
    mine = login("patient@demo.test").get("/mes-messages/").content.decode()
    assert "82,9 kg" in mine
    assert "Furosémide" not in mine


def test_the_pathway_stories_show_in_the_patient_pages_and_in_ruptures(demo) -> None:
    from patients.models import FollowUpWindow

    states = {
        (w.patient.last_name, w.kind): w.state()
        for w in FollowUpWindow.objects.select_related("patient", "contact")
    }
    assert states[("Vermeersch", "medical")] == "met"
    assert states[("Vermeersch", "specialist")] == "open"
    assert states[("Lambert", "medical")] == states[("Lambert", "specialist")] == "met"
    assert states[("Haddou", "medical")] == "broken"
    coordinator = login("coordinatrice@demo.test")
    page = coordinator.get("/coordination/ruptures/").content.decode()
    assert "HADDOU Fatima" in page
    assert "VERMEERSCH Josiane" not in page
    caron = Patient.objects.get(last_name="Caron")
    assert (caron.status, caron.exit_reason) == ("exited", "death")
    assert caron.pathway_events.get().kind == "death"
    record = coordinator.get(f"/patients/{Patient.objects.get(last_name='Wallart').pk}/")
    assert "Passage aux urgences sans hospitalisation" in record.content.decode()


def test_the_demo_leaves_reminders_in_the_coordinators_bell(demo) -> None:
    unread = Notification.objects.filter(user__email="coordinatrice@demo.test").unread()
    assert unread.count() >= 3
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert out.getvalue().startswith("0 reminders sent,")
    rows = Reminder.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Reminder.objects.count() == rows


# --- Each app's pages, with something in them ---------------------------------------------------


def test_the_demo_has_a_request_to_approve_and_an_envelope_with_an_invoice(demo) -> None:
    coordinator = login("coordinatrice@demo.test")
    waiting = coordinator.get("/soins-complementaires/a-valider/").content.decode()
    assert waiting.count('id="care-') == 1
    assert "psychologue" in waiting
    lambert = Patient.objects.get(last_name="Lambert")
    page = coordinator.get(f"/patients/{lambert.pk}/").content.decode()
    assert "/facture/" in page
    assert "Payée" in page or "Payé" in page


def test_the_demo_admin_sees_money_over_several_quarters(demo) -> None:
    """A budget overview that is not empty: money over several quarters, an envelope nearly
    spent, money committed but unspent for 90 days."""
    response = login("admin@demo.test").get("/gestion/budget/")
    assert response.status_code == 200
    data = response.context["data"]
    moving = [q for q in data.consumption.quarters if data.consumption.by_quarter(q).spent]
    assert len(moving) >= 3
    assert data.nearly_spent_count >= 1
    assert data.unspent_count >= 1
    assert len(response.context["quarters_chart"].bars) >= 10


def test_the_demo_has_lines_to_approve_a_paid_batch_and_a_gp_paid(demo) -> None:
    page = login("admin@demo.test").get("/indemnisations/admin/").content.decode()
    assert "Constitution de l" in page
    assert "Payé le" in page
    assert "Dubois" in page
    page = login("medecin@demo.test").get("/indemnisations/").content.decode()
    assert '<span class="badge badge--ok">Payée</span>' in page
    assert "•••• ••••" in page
    page = login("cardiologue@demo.test").get("/indemnisations/").content.decode()
    assert "vous n'accumulez pas d'indemnisation" in page


def test_the_demo_tells_both_stories_of_mr_lambert(demo) -> None:
    """Specialist opinions: Mr Lambert's GP asked a cardiologist outside the team, answered in
    20 hours and pinned to his next SIC; his pharmacist waits for a diabetologist."""
    done, waiting = OpinionRequest.objects.filter(patient__last_name="Lambert").order_by("asked_at")
    assert done.time_to_answer_label == "répondu en 20 h"
    assert done.answer_pinned_at is not None
    assert done.attachments.count() == 1
    assert (waiting.status, waiting.urgency) == ("open", "7d")
    # The outside cardiologist reads it through the grant until it is closed.
    cardiologist = login("v.lemoine@demo.test")
    assert cardiologist.get(f"/avis/{done.pk}/").status_code == 200
    assert cardiologist.get(f"/patients/{done.patient_id}/").status_code == 404
    # The answer waits on the card of the next SIC.
    upcoming = Sic.objects.get(patient__last_name="Lambert", status="scheduled")
    page = login("medecin@demo.test").get(f"/sic/{upcoming.pk}/").content.decode()
    assert "Avis à discuter en SIC" in page
    assert "7,5 mg" in page
    # The diabetologist finds the question in « Avis demandés ».
    inbox = login("diabetologue@demo.test").get("/avis/")
    assert [row.pk for row in inbox.context["page"]] == [waiting.pk]
    # The coordinator follows it.
    listed = login("coordinatrice@demo.test").get("/avis/en-attente/")
    assert [row.pk for row in listed.context["page"]] == [waiting.pk]


def test_every_resource_of_the_demo_validates_and_reads_alone_as_in_the_record(demo) -> None:
    """Every resource of the demo, read through /fhir/, is valid FHIR: each patient's record
    ($everything), each resource of it read alone (and the same as in the record), each
    questionnaire and the capability statement."""
    client = login("coordinatrice@demo.test")
    seen: Counter[str] = Counter()
    for pk in Patient.objects.values_list("pk", flat=True):
        bundle = valid(client.get(f"/fhir/Patient/{pk}/$everything").json())
        assert bundle["entry"][0]["resource"]["id"] == str(pk)
        for entry in bundle["entry"]:
            path = entry["fullUrl"].split("/fhir/", 1)[1]
            alone = client.get(f"/fhir/{path}")
            assert alone.status_code == 200, path
            assert alone.json() == entry["resource"], path
            seen[entry["resource"]["resourceType"]] += 1
    for kind in ContributionKind.values:
        valid(client.get(f"/fhir/Questionnaire/{kind.replace('_', '-')}").json())
    valid(client.get("/fhir/metadata").json())
    # The demo shows every type of resource the server reads (questionnaires apart).
    assert set(seen) == set(READABLE) - {"Questionnaire"}
