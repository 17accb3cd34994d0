"""One place for test data. Factories create valid objects; tests say what differs.

Builders of larger shapes live here too: the `World` of the access rules, a care plan with its
goal and actions, a planned SIC, a late action.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import factory
import faker
import time_machine
from allauth.account.models import EmailAddress
from django.utils import timezone

from budget.models import (
    BudgetCategory,
    BudgetEnvelope,
    BudgetRate,
    CareProvider,
    ProviderKind,
    SupplementaryCare,
)
from budget.services import envelope_open, supplementary_care_approve, supplementary_care_request
from careplans.models import Action, CarePlan, Goal, Owner, PlanStatus
from careplans.services import careplan_start
from indemnities.defaults import ensure_default_kinds
from indemnities.models import BankAccount, IndemnityKind, IndemnityRate
from labparcours.models import Role, User
from patients.models import Caregiver, Consent, ConsentKind, Patient, PatientStatus
from programme.demo_data import DEMO_IBANS, content, nir, rpps
from sic.models import Contribution, ContributionStatus, Sic
from sic.services import sic_ensure_planned, sic_hold, sic_schedule
from teams.models import CareTeam, Membership, PracticeMode, Profession, Professional, TeamRole

PASSWORD = "correct-horse-battery"

# The world's patients: tests look for these names where they must not appear (e-mails, admin
# lists, files), so no drawn name of a user or professional may be one of them.
WORLD_PATIENT_NAMES = {"lambert", "marcel", "vermeersch", "josiane"}
_faker = faker.Faker("fr_FR")


def drawn_name(kind: str) -> factory.LazyFunction:
    def draw() -> str:
        while True:
            name = getattr(_faker, kind)()
            if name.lower() not in WORLD_PATIENT_NAMES:
                return name

    return factory.LazyFunction(draw)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = drawn_name("first_name")
    last_name = drawn_name("last_name")
    role = Role.CLINICIAN

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class ProfessionalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Professional

    first_name = drawn_name("first_name")
    last_name = drawn_name("last_name")
    profession = Profession.GP
    practice_mode = PracticeMode.LIBERAL
    rpps = factory.Sequence(lambda n: rpps(500000 + n))
    city = "Lille"
    email = factory.Sequence(lambda n: f"pro{n}@example.test")


class PatientFactory(factory.django.DjangoModelFactory):
    """An included patient with the participation, sharing and SIC consents and a team."""

    class Meta:
        model = Patient
        skip_postgeneration_save = True

    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    birth_date = datetime.date(1952, 4, 12)
    sex = "F"
    nir = factory.Sequence(lambda n: nir("F", datetime.date(1952, 4, 12), "59", 100 + n))
    pathway = "ic"
    inclusion_criteria = factory.LazyFunction(lambda: ["ic_hospitalisation", "medical_complexity"])
    status = PatientStatus.INCLUDED
    inclusion_date = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=60)
    )
    coordinator = factory.SubFactory(UserFactory, role=Role.COORDINATOR)
    email = factory.Sequence(lambda n: f"patient{n}@example.test")

    @factory.post_generation
    def consents(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if not create:
            return
        CareTeam.objects.create(patient=self)
        kinds = (
            extracted
            if extracted is not None
            else [ConsentKind.PARTICIPATION, ConsentKind.TEAM_SHARING, ConsentKind.SIC_ATTENDANCE]
        )
        for kind in kinds:
            Consent.objects.create(patient=self, kind=kind, recorded_by=self.coordinator)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.LazyAttribute(lambda o: CareTeam.objects.get(patient=o.patient))
    professional = factory.SubFactory(ProfessionalFactory)
    role = TeamRole.GP
    added_by = factory.LazyAttribute(lambda o: o.patient.coordinator)

    class Params:
        patient = None


class CaregiverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Caregiver

    first_name = "Paul"
    last_name = drawn_name("last_name")
    relationship = "fils"
    email = factory.Sequence(lambda n: f"aidant{n}@example.test")


def full_team(patient: Patient, **professionals: Professional) -> dict[str, Membership]:
    """Give the patient a complete team: GP, nurse, pharmacist, cardiologist."""
    members = {}
    for role, profession in (
        (TeamRole.GP, Profession.GP),
        (TeamRole.NURSE, Profession.NURSE),
        (TeamRole.PHARMACIST, Profession.PHARMACIST),
        (TeamRole.SPECIALIST, Profession.CARDIOLOGIST),
    ):
        pro = professionals.get(role) or ProfessionalFactory(profession=profession)
        members[role] = MembershipFactory(patient=patient, professional=pro, role=role)
    return members


# --- The world of the access rules --------------------------------------------------------------


@dataclass
class World:
    """The smallest programme that shows every access rule: an own patient whose team holds
    the clinicians, another patient outside their teams, a former member who left the own
    patient's team, the own patient's account and a delegated caregiver."""

    coordinator: User
    admin: User
    gp: User
    nurse: User
    pharmacist: User
    specialist: User
    former_member: User
    patient_user: User
    caregiver_user: User
    own: Patient
    other: Patient
    caregiver: Caregiver

    def user(self, role: str) -> User:
        return getattr(self, role)


ROLES = (
    "admin",
    "coordinator",
    "gp",
    "nurse",
    "pharmacist",
    "specialist",
    "former_member",
    "patient_user",
    "caregiver_user",
)


def build_world() -> World:
    # Named, so that no drawn name meets the patients' (the e-mail tests look for them).
    coordinator = UserFactory(
        role=Role.COORDINATOR, email="coord@example.test", first_name="Claire", last_name="Morel"
    )
    admin = UserFactory(role=Role.ADMIN, email="admin@example.test", is_staff=True)
    own = PatientFactory(coordinator=coordinator, last_name="Lambert", first_name="Marcel")
    other = PatientFactory(coordinator=coordinator, last_name="Vermeersch", first_name="Josiane")

    clinicians = {}
    for key, profession, role in (
        ("gp", Profession.GP, TeamRole.GP),
        ("nurse", Profession.NURSE, TeamRole.NURSE),
        ("pharmacist", Profession.PHARMACIST, TeamRole.PHARMACIST),
        ("specialist", Profession.CARDIOLOGIST, TeamRole.SPECIALIST),
        ("former_member", Profession.NURSE, TeamRole.NURSE),
    ):
        user = UserFactory(role=Role.CLINICIAN, email=f"{key}@example.test")
        pro = ProfessionalFactory(profession=profession, user=user, email=user.email)
        membership = MembershipFactory(patient=own, professional=pro, role=role)
        if key == "former_member":
            membership.leave()
        clinicians[key] = user
    # The other patient has a team too, without any of our clinicians.
    MembershipFactory(patient=other, professional=ProfessionalFactory(), role=TeamRole.GP)

    patient_user = UserFactory(role=Role.PATIENT, email="marcel@example.test")
    own.user = patient_user
    own.save(update_fields=["user"])
    caregiver_user = UserFactory(role=Role.CAREGIVER, email="francoise@example.test")
    caregiver = CaregiverFactory(patient=own, user=caregiver_user, email=caregiver_user.email)
    own.consents.create(
        kind=ConsentKind.CAREGIVER_DELEGATION, caregiver=caregiver, recorded_by=coordinator
    )
    return World(
        coordinator=coordinator,
        admin=admin,
        patient_user=patient_user,
        caregiver_user=caregiver_user,
        own=own,
        other=other,
        caregiver=caregiver,
        **clinicians,
    )


# --- Care plans and SICs ------------------------------------------------------------------------


def make_plan(
    world: World, patient: Patient | None = None, status: str = PlanStatus.DRAFT
) -> CarePlan:
    """A plan with one goal and two actions (the nurse's, the patient's)."""
    patient = patient or world.own
    plan = careplan_start(patient=patient, by=world.coordinator)
    Goal.objects.create(plan=plan, text="Aller au marché le dimanche")
    nurse = patient.care_team.memberships.filter(role="nurse", left_at__isnull=True).first()
    if nurse:
        Action.objects.create(
            plan=plan,
            what="Pesée trois fois par semaine",
            owner=Owner.MEMBER,
            membership=nurse,
            when="lundi, mercredi, vendredi",
        )
    Action.objects.create(plan=plan, what="Marcher 20 minutes", owner=Owner.PATIENT)
    if status != PlanStatus.DRAFT:
        plan.propose()
    if status == PlanStatus.VALIDATED:
        plan.validate(
            by=world.patient_user if patient == world.own else world.coordinator,
            method="online" if patient == world.own else "phone",
        )
    return plan


def proposed_plan(world: World, patient: Patient, proposed_at: datetime.datetime) -> CarePlan:
    """A plan written straight in the proposed state, proposed at that moment."""
    version = CarePlan.objects.filter(patient=patient).count() + 1
    return CarePlan.objects.create(
        patient=patient,
        version=version,
        created_by=world.coordinator,
        status=PlanStatus.PROPOSED,
        proposed_at=proposed_at,
    )


def plan_in_force(world: World, patient: Patient) -> CarePlan:
    plan = proposed_plan(world, patient, timezone.now())
    plan.validate(by=world.coordinator, method="phone")
    return plan


def late_action(plan: CarePlan, *, owner: str, due: datetime.date, **extra: object) -> Action:
    return Action.objects.create(
        plan=plan, what="Pesée trois fois par semaine", owner=owner, due_date=due, **extra
    )


def planned_sic(patient: Patient, due: datetime.date) -> Sic:
    return Sic.objects.create(patient=patient, due_date=due)


# --- Budget -------------------------------------------------------------------------------------


def budget_rate(
    pathway: str, amount: str, valid_from: datetime.date, **extra: object
) -> BudgetRate:
    return BudgetRate.objects.create(
        pathway=pathway, amount=Decimal(amount), valid_from=valid_from, **extra
    )


def envelope_of(patient: Patient, amount: str = "1000.00") -> BudgetEnvelope:
    """The patient's year-1 envelope, opened on a rate of `amount` for their pathway."""
    assert patient.inclusion_date is not None
    budget_rate(patient.pathway, amount, patient.inclusion_date)
    return envelope_open(patient=patient, year=1)


def category(name: str = "diététicien·ne", ceiling: str | None = None) -> BudgetCategory:
    # get_or_create: a test that commits flushes the rows of the data migration.
    cat, _ = BudgetCategory.objects.get_or_create(name=name)
    if ceiling is not None:
        cat.yearly_ceiling = Decimal(ceiling)
        cat.save(update_fields=["yearly_ceiling"])
    return cat


def care_provider(profession: str = Profession.DIETITIAN) -> CareProvider:
    return CareProvider.objects.create(
        kind=ProviderKind.PROFESSIONAL, professional=ProfessionalFactory(profession=profession)
    )


def care_request(
    world: World,
    *,
    sessions: int = 6,
    unit_price: str = "50.00",
    patient: Patient | None = None,
    category_name: str = "diététicien·ne",
    by: User | None = None,
) -> SupplementaryCare:
    """A request waiting for the coordinator, prescribed by the own patient's GP."""
    return supplementary_care_request(
        patient=patient or world.own,
        prescriber=by or world.gp,
        category=category(category_name),
        provider=care_provider(),
        sessions=sessions,
        unit_price=Decimal(unit_price),
    )


def approved_request(world: World, **kwargs: Any) -> SupplementaryCare:
    return supplementary_care_approve(request=care_request(world, **kwargs), by=world.coordinator)


# --- Indemnities --------------------------------------------------------------------------------


def indemnity_kind(code: str) -> IndemnityKind:
    """A kind of indemnity by its code (a test that commits flushes the migration's rows)."""
    ensure_default_kinds(IndemnityKind)
    return IndemnityKind.objects.get(code=code)


def indemnity_rate(
    code: str,
    amount: str,
    valid_from: datetime.date = datetime.date(2020, 1, 1),
    **extra: object,
) -> IndemnityRate:
    return IndemnityRate.objects.create(
        kind=indemnity_kind(code),
        amount=Decimal(amount),
        valid_from=valid_from,
        **extra,
    )


def bank_account(professional: Professional, iban: str = DEMO_IBANS[0]) -> BankAccount:
    return BankAccount.objects.create(
        professional=professional, holder=f"{professional}", iban=iban
    )


def started(sic: Sic, *, ago: datetime.timedelta = datetime.timedelta(hours=1)) -> Sic:
    """The scheduled SIC as if its time had come `ago` (it may be recorded as held from
    then on): its date is moved back, as time would have moved on."""
    Sic.objects.filter(pk=sic.pk).update(scheduled_at=timezone.now() - ago)
    sic.refresh_from_db()
    return sic


def held_sic(world: World, *, present: Iterable[str], patient: Patient | None = None) -> Sic:
    """The patient's SIC, scheduled, taken place, then held, with `present` (world roles)
    recorded present."""
    patient = patient or world.own
    sic = sic_ensure_planned(patient=patient)
    assert sic is not None
    started(sic_schedule(sic=sic, at=timezone.now() + datetime.timedelta(days=1)))
    memberships = [
        m.pk
        for m in patient.care_team.memberships.active().select_related("professional__user")
        if m.professional.user and any(m.professional.user == world.user(r) for r in present)
    ]
    return hold(sic, by=world.coordinator, present_memberships=memberships)


def hold(sic: Sic, *, by: User, **changes: Any) -> Sic:
    """`sic_hold` with what a test does not care about: minutes, the patient present, no
    member recorded present, no decision."""
    return sic_hold(
        sic=sic,
        by=by,
        **{
            "minutes": "Synthèse faite.",
            "patient_present": True,
            "caregiver_present": False,
            "present_memberships": [],
            "decisions": [],
            **changes,
        },
    )


def sic_held_on(
    patient: Patient, day: datetime.date, *, visit: int, authors: dict[str, User]
) -> Sic:
    """The patient's open SIC, scheduled a week before for `day` at 14:00 and held then,
    with a contribution submitted by each of `authors` (kind → author) telling the demo's
    story of the patient's SIC number `visit` (measures, medications, hospitalisations)."""
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14)))
    sic = sic_ensure_planned(patient=patient)
    assert sic is not None
    with time_machine.travel(when - datetime.timedelta(days=7), tick=False):
        sic_schedule(sic=sic, at=when)
    for kind, author in authors.items():
        Contribution.objects.create(
            sic=sic,
            kind=kind,
            author=author,
            entered_by=author,
            content=content(kind, patient.pathway, visit, day),
            status=ContributionStatus.SUBMITTED,
            submitted_at=when - datetime.timedelta(days=3),
        )
    with time_machine.travel(when + datetime.timedelta(hours=2), tick=False):
        return hold(sic, by=patient.coordinator, decisions=["Pesée trois fois par semaine"])
