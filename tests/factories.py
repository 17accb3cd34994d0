"""One place for test data. Factories create valid objects; tests say what differs."""

from __future__ import annotations

import datetime

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from labparcours.models import Role, User
from patients.models import Caregiver, Consent, ConsentKind, Patient, PatientStatus
from programme.management.commands.seed_demo import nir, rpps
from teams.models import CareTeam, Membership, PracticeMode, Profession, Professional, TeamRole

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
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

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
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
    last_name = factory.Faker("last_name", locale="fr_FR")
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
