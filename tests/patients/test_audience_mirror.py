"""Who may be told about a patient is the mirror of who may see them:
p ∈ Patient.objects.visible_to(u) ⇔ u ∈ patient_audience(p).users(), on a world with every
role and consent state, with the differences `patient_audience` states (admins and
coordinators see all but are told through their own rules; exited patients are seen, not told).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import timezone

from labparcours.models import Role, User
from patients.models import ConsentKind, Patient
from patients.selectors import patient_audience
from teams.models import Profession, TeamRole
from tests.factories import (
    CaregiverFactory,
    MembershipFactory,
    PatientFactory,
    ProfessionalFactory,
    UserFactory,
)


@dataclass
class Everyone:
    told: list[User]  # the roles an audience is made of: clinicians, patients, caregivers
    staff: list[User]  # admin and coordinator
    included: list[Patient]
    exited: list[Patient]


def clinician(**member_of: Patient) -> User:
    user = UserFactory(role=Role.CLINICIAN)
    pro = ProfessionalFactory(profession=Profession.NURSE, user=user, email=user.email)
    for patient in member_of.values():
        MembershipFactory(patient=patient, professional=pro, role=TeamRole.NURSE)
    return user


def caregiver_of(patient: Patient, *, delegation: str, account: bool = True) -> User | None:
    """A caregiver with a delegation "given", "withdrawn" or "none"."""
    user = UserFactory(role=Role.CAREGIVER) if account else None
    caregiver = CaregiverFactory(patient=patient, user=user)
    if delegation != "none":
        consent = patient.consents.create(
            kind=ConsentKind.CAREGIVER_DELEGATION,
            caregiver=caregiver,
            recorded_by=patient.coordinator,
        )
        if delegation == "withdrawn":
            consent.withdraw()
    return user


def patient(*, account: bool = True, sharing: bool = True, exited: bool = False) -> Patient:
    p = PatientFactory()
    if account:
        p.user = UserFactory(role=Role.PATIENT)
        p.save(update_fields=["user"])
    if not sharing:
        p.consents.get(kind=ConsentKind.TEAM_SHARING).withdraw()
    if exited:
        p.exit(reason="moved")
    return p


def deactivated(user: User) -> User:
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


@pytest.fixture
def everyone(db: None) -> Everyone:
    sharing = patient()
    not_sharing = patient(sharing=False)
    no_account = patient(account=False)
    gone = patient(exited=True)
    elsewhere = patient()  # another team: none of the clinicians below but one
    locked_out = patient()
    deactivated(locked_out.user)

    ours = {"a": sharing, "b": not_sharing, "c": no_account, "d": gone, "e": locked_out}
    active_member = clinician(**ours)
    former_member = clinician(a=sharing, d=gone)
    for membership in former_member.professional.memberships.all():
        membership.leave()
    deactivated_member = deactivated(clinician(**ours))
    other_team = clinician(x=elsewhere)
    no_team = clinician()

    caregivers = [
        caregiver_of(p, delegation=delegation)
        for p in (sharing, not_sharing, gone)
        for delegation in ("given", "withdrawn", "none")
    ]
    caregiver_of(no_account, delegation="given", account=False)
    caregivers.append(deactivated(caregiver_of(sharing, delegation="given")))

    return Everyone(
        told=[
            active_member,
            former_member,
            deactivated_member,
            other_team,
            no_team,
            *(p.user for p in (sharing, not_sharing, gone, elsewhere, locked_out)),
            *caregivers,
        ],
        staff=[UserFactory(role=Role.ADMIN), UserFactory(role=Role.COORDINATOR)],
        included=[sharing, not_sharing, no_account, elsewhere, locked_out],
        exited=[gone],
    )


def pairs(users: list[User], patients: list[Patient]) -> list[tuple[User, Patient]]:
    return [(u, p) for u in users for p in patients]


def sees(user: User, p: Patient) -> bool:
    return Patient.objects.visible_to(user).filter(pk=p.pk).exists()


def told(user: User, p: Patient, **options: bool) -> bool:
    return (
        patient_audience(Patient.objects.filter(pk=p.pk), **options)
        .users()
        .filter(pk=user.pk)
        .exists()
    )


def test_it_tells_exactly_those_who_see_an_included_patient(everyone: Everyone) -> None:
    mismatches = [
        (u.role, u.email, p.last_name, sees(u, p))
        for u, p in pairs(everyone.told, everyone.included)
        if sees(u, p) != told(u, p)
    ]
    assert mismatches == []
    # Neither side is empty: the world shows both who is told and who is not.
    answers = {sees(u, p) for u, p in pairs(everyone.told, everyone.included)}
    assert answers == {True, False}


def test_an_exited_patient_is_seen_but_told_nothing_more(everyone: Everyone) -> None:
    for u, p in pairs(everyone.told, everyone.exited):
        assert not told(u, p)
        # What they were already told (a cancellation) follows the same mirror.
        assert sees(u, p) == told(u, p, exited_too=True)
    assert any(sees(u, p) for u, p in pairs(everyone.told, everyone.exited))


def test_admins_and_coordinators_see_everyone_and_are_told_through_their_own_rules(
    everyone: Everyone,
) -> None:
    for u, p in pairs(everyone.staff, everyone.included + everyone.exited):
        assert sees(u, p)
        assert not told(u, p, exited_too=True)


def test_attending_narrows_the_audience_never_widens_it(everyone: Everyone) -> None:
    for p in everyone.included:
        p.consents.filter(kind=ConsentKind.SIC_ATTENDANCE).update(withdrawn_at=timezone.now())
    for u, p in pairs(everyone.told, everyone.included):
        if told(u, p, attending=True):
            assert sees(u, p)
        if u.role in {Role.PATIENT, Role.CAREGIVER}:
            assert not told(u, p, attending=True)
