"""The synthetic programme of the benchmarks (`seed_scale`), run end to end at a tiny size:
what it writes is valid for the models, reproducible from its seed, consistent with the
ledgers, and usable (the logins it prints see their patients)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import models, transaction
from django.db.models import Count, F
from django.utils import timezone

from budget.models import (
    BudgetEnvelope,
    BudgetMovement,
    CareProvider,
    Expense,
    SupplementaryCare,
)
from careplans.models import Action, CarePlan, Goal, PlanStatus
from indemnities.models import IndemnityLine, LineApproval, LineEntry
from labparcours.models import AccessLogEntry, User
from patients.models import Consent, Patient
from programme.scale import ACCESS_PER_PATIENT, ScaleSeeder, cohort_digest
from reminders.models import Reminder
from sic.models import (
    KIND_BIT,
    Attendance,
    Contribution,
    ContributionStatus,
    Decision,
    Sic,
    SicStatus,
)
from teams.models import CareTeam, Membership, Professional

pytestmark = pytest.mark.django_db

PATIENTS = 30
TODAY = datetime.date(2026, 6, 15)

GENERATED = (
    User,
    Professional,
    Patient,
    Consent,
    CareTeam,
    Membership,
    Sic,
    Attendance,
    Contribution,
    Decision,
    CarePlan,
    Goal,
    Action,
    Reminder,
    AccessLogEntry,
    BudgetEnvelope,
    CareProvider,
    SupplementaryCare,
    Expense,
    BudgetMovement,
    IndemnityLine,
    LineApproval,
)


@pytest.fixture
def seeded() -> str:
    out = io.StringIO()
    call_command("seed_scale", "--patients", str(PATIENTS), stdout=out)
    return out.getvalue()


def digest_of_a_run(seed: int) -> str:
    """A run's fingerprint; the run is then rolled back, as if it never happened."""
    with transaction.atomic():
        ScaleSeeder(patients=PATIENTS, seed=seed, today=TODAY).run()
        digest = cohort_digest()
        transaction.set_rollback(True)
    return digest


def test_writes_a_programme_and_prints_its_timings_and_logins(seeded: str) -> None:
    for step in ("patients", "sics", "access log", "budget", "indemnities", "total"):
        assert f"\n{step} " in seeded  # each step's seconds and rows
    assert Patient.objects.included().count() == PATIENTS
    assert Professional.objects.count() == 8  # N/5, at least eight
    per_patient = AccessLogEntry.objects.values("patient").annotate(n=Count("pk"))
    assert {row["n"] for row in per_patient} == {ACCESS_PER_PATIENT}
    assert Sic.objects.filter(status=SicStatus.HELD).exists()
    assert Sic.objects.open().count() == PATIENTS  # the next one of each patient
    assert CarePlan.objects.filter(status=PlanStatus.SUPERSEDED).exists()
    assert IndemnityLine.objects.filter(entry=LineEntry.ACCRUAL).exists()
    assert LineApproval.objects.exists()
    assert Expense.objects.filter(status="paid").exists()
    reminder = Reminder.objects.first()  # written by COPY on PostgreSQL: JSON as JSON
    assert reminder is not None
    assert set(reminder.context) == {"date"}


def test_every_team_has_its_required_roles_and_the_printed_gp_sees_every_patient(
    seeded: str,
) -> None:
    for team in CareTeam.objects.with_role_counts():
        assert team.missing_roles() == []
    gp = User.objects.get(email=seeded.split("Logins: ")[1].split(" ")[0])
    assert Patient.objects.visible_to(gp).count() == PATIENTS  # min(500, N) teams


def test_a_sample_of_each_generated_model_passes_its_own_validation(seeded: str) -> None:
    for model in GENERATED:
        rows: models.QuerySet = model._default_manager.order_by("pk")
        sample = [*rows[:3], *rows.reverse()[:3]]
        assert sample, model
        for row in sample:
            row.full_clean()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data() -> None:
    first = digest_of_a_run(seed=7)
    assert digest_of_a_run(seed=7) == first
    assert digest_of_a_run(seed=8) != first


def test_the_ledgers_hold_their_invariants(seeded: str) -> None:
    envelopes = BudgetEnvelope.objects.with_balances()
    assert envelopes.exists()
    for envelope in envelopes:
        assert envelope.remaining >= 0
        assert envelope.committed >= 0
        assert Decimal(0) <= envelope.paid <= envelope.spent
    accruals = IndemnityLine.objects.filter(entry=LineEntry.ACCRUAL)
    for source in ("contribution", "attendance"):
        with_source = accruals.filter(**{f"{source}__isnull": False})
        assert with_source.values(source).distinct().count() == with_source.count()
    # The lines of the months before this one are approved, each once, after the work.
    month = timezone.localdate().replace(day=1)
    assert LineApproval.objects.count() == accruals.filter(worked_on__lt=month).count()
    assert not LineApproval.objects.filter(at__lt=F("line__created_at")).exists()
    # Only the work of liberal professionals accrues.
    assert not accruals.exclude(professional__practice_mode="liberal").exists()


def test_each_sic_held_keeps_what_its_contributions_say_it_was_prepared_with(
    seeded: str,
) -> None:
    expected: dict[int, int] = {}
    for contribution in Contribution.objects.filter(
        status=ContributionStatus.SUBMITTED, sic__status=SicStatus.HELD
    ).select_related("sic"):
        if contribution.submitted_at <= contribution.sic.held_at:
            bits = expected.get(contribution.sic_id, 0)
            expected[contribution.sic_id] = bits | KIND_BIT[contribution.kind]
    held = dict(Sic.objects.filter(status=SicStatus.HELD).values_list("pk", "prepared"))
    assert any(held.values())
    assert held == {pk: expected.get(pk, 0) for pk in held}


def test_refuses_a_database_that_has_patients_unless_forced(seeded: str) -> None:
    with pytest.raises(CommandError, match="already has patients"):
        call_command("seed_scale", "--patients", "5", stdout=io.StringIO())
    call_command("seed_scale", "--patients", "5", "--force", stdout=io.StringIO())
    assert Patient.objects.count() == PATIENTS + 5


def test_the_pathway_events_come_with_their_windows_and_contacts_in_time() -> None:
    from patients.models import FollowUpContact, FollowUpWindow, PathwayEvent

    with transaction.atomic():
        ScaleSeeder(patients=160, seed=42, today=TODAY).run()
        stays = PathwayEvent.objects.filter(kind="hospitalisation")
        assert stays.exists()
        assert PathwayEvent.objects.filter(kind="emergency").exists()
        assert FollowUpWindow.objects.count() == 2 * stays.count()
        met = FollowUpWindow.objects.filter(contact__isnull=False).select_related("contact")
        assert met.exists()
        assert FollowUpWindow.objects.filter(contact__isnull=True).exists()  # breaks too
        for window in met:
            assert window.opens_on <= window.contact.contacted_on <= window.closes_on
            assert window.contact.contacted_on <= TODAY
        for model in (PathwayEvent, FollowUpWindow, FollowUpContact):
            for row in model._default_manager.order_by("pk")[:5]:
                row.full_clean()
        transaction.set_rollback(True)
