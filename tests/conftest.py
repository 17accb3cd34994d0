"""Role fixtures and test settings.

The `world` fixture is the smallest programme that shows every access rule: an own patient
whose team holds the clinician fixtures, another patient outside their teams, and a former
member who left the own patient's team.
"""

from __future__ import annotations

import datetime
import os
import shutil
import socket
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone

from labparcours.models import Role, User
from patients.models import Caregiver, ConsentKind, Patient
from teams.models import Profession, TeamRole
from tests.factories import (
    PASSWORD,
    CaregiverFactory,
    MembershipFactory,
    PatientFactory,
    ProfessionalFactory,
    UserFactory,
)

STRICT = os.environ.get("LABPARCOURS_STRICT_SERVICES") == "1"


def pytest_configure(config: pytest.Config) -> None:
    # The live server of the browser tests speaks plain HTTP, and builds its middleware once
    # per session, before any per-test override applies.
    settings.SECURE_SSL_REDIRECT = False
    try:
        settings.SECRET_KEY  # noqa: B018 — Django refuses an empty key when it is read
    except ImproperlyConfigured:
        settings.SECRET_KEY = "test-only-not-a-secret"


def need(available: bool, reason: str) -> None:
    """Skip when a real service is absent, or fail under CI's strict flag."""
    if available:
        return
    if STRICT:
        pytest.fail(f"LABPARCOURS_STRICT_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def needs_postgres() -> None:
    need(
        settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        "PostgreSQL is not configured (set DATABASE_URL)",
    )


@pytest.fixture
def needs_redis() -> str:
    url = os.environ.get("REDIS_URL", "")
    need(bool(url) and _port_open(6379), "Redis is not configured (set REDIS_URL)")
    return url


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = "/usr/bin/chromium"
    need(os.path.exists(path) or bool(shutil.which("chromium")), "Debian's chromium is missing")
    return path


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Uploaded files go to a folder of the test, never to the developer's var/."""
    base = tmp_path_factory.mktemp("uploads")
    settings.PRIVATE_MEDIA_ROOT = base / "private"
    settings.MEDIA_ROOT = base / "media"


@pytest.fixture(autouse=True)
def _test_settings(settings: pytest.FixtureRequest) -> None:
    settings.MFA_REQUIRED_ROLES = []
    settings.ACCOUNT_RATE_LIMITS = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    try:
        settings.SECRET_KEY  # noqa: B018 — Django refuses an empty key when it is read
    except ImproperlyConfigured:
        settings.SECRET_KEY = "test-only-not-a-secret"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
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


@pytest.fixture
def world(db: None) -> World:
    coordinator = UserFactory(role=Role.COORDINATOR, email="coord@example.test")
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


def soon(days: int = 10, hour: int = 14) -> datetime.datetime:
    """An aware date and time `days` ahead, at `hour` in Paris."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def sics(world: World) -> dict:
    """A scheduled SIC for the own patient and for the other one."""
    from sic.services import sic_ensure_planned, sic_schedule

    return {
        target: sic_schedule(sic=sic_ensure_planned(patient=patient), at=soon())
        for target, patient in (("own", world.own), ("other", world.other))
    }


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def password() -> str:
    return PASSWORD
