"""Demo data: the whole programme working, for a newcomer's first `make run`.

Idempotent: every object is found by a natural key before being created, so running the
command twice changes nothing. `--if-empty` does nothing when the database has users.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from careplans.demo import seed_careplans
from labparcours.models import AccessLogEntry, Role, User
from patients.models import Caregiver, Consent, ConsentKind, Patient
from patients.validators import nir_key
from reminders.sweep import reminders_sweep
from sic.demo import seed_sics
from teams.models import CareTeam, Membership, PracticeMode, Profession, Professional, TeamRole
from teams.validators import luhn_ok

DEMO_PASSWORD = "labparcours-demo"  # noqa: S105 — documented in the README, demo only


def rpps(seed: int) -> str:
    """A valid RPPS number (Luhn key) built from a seed."""
    base = f"10{seed:08d}"
    return next(base + str(key) for key in range(10) if luhn_ok(base + str(key)))


def nir(sex: str, birth: datetime.date, dept: str, serial: int) -> str:
    first = f"{'1' if sex == 'M' else '2'}{birth:%y%m}{dept}{serial:06d}"
    return f"{first}{nir_key(first):02d}"


@dataclass(frozen=True)
class Pro:
    key: str  # the e-mail's local part for those with a demo account
    first: str
    last: str
    profession: str
    mode: str
    organisation: str
    city: str
    has_account: bool = False


PROFESSIONALS = [
    Pro(
        "medecin",
        "Jean",
        "Dubois",
        Profession.GP,
        PracticeMode.LIBERAL,
        "Cabinet médical des Weppes",
        "Lille",
        True,
    ),
    Pro(
        "infirmiere",
        "Sophie",
        "Martin",
        Profession.NURSE,
        PracticeMode.LIBERAL,
        "Cabinet infirmier Vauban",
        "Lille",
        True,
    ),
    Pro(
        "pharmacien",
        "Karim",
        "Benali",
        Profession.PHARMACIST,
        PracticeMode.LIBERAL,
        "Pharmacie de la Treille",
        "Lille",
        True,
    ),
    Pro(
        "cardiologue",
        "Anne",
        "Leroy",
        Profession.CARDIOLOGIST,
        PracticeMode.HOSPITAL,
        "CHU de Lille — Institut Cœur Poumon",
        "Lille",
        True,
    ),
    Pro(
        "diabetologue",
        "Marc",
        "Petit",
        Profession.DIABETOLOGIST,
        PracticeMode.HOSPITAL,
        "CHU de Lille — Endocrinologie",
        "Lille",
        True,
    ),
    Pro(
        "h.roussel",
        "Hélène",
        "Roussel",
        Profession.GP,
        PracticeMode.LIBERAL,
        "Maison de santé du Pile",
        "Roubaix",
    ),
    Pro(
        "t.vandamme",
        "Thomas",
        "Vandamme",
        Profession.GP,
        PracticeMode.LIBERAL,
        "Cabinet du Blanc-Seau",
        "Tourcoing",
    ),
    Pro(
        "c.delattre",
        "Camille",
        "Delattre",
        Profession.NURSE,
        PracticeMode.LIBERAL,
        "Soins infirmiers du Pile",
        "Roubaix",
    ),
    Pro(
        "j.lemaire",
        "Julie",
        "Lemaire",
        Profession.NURSE,
        PracticeMode.LIBERAL,
        "Cabinet infirmier du Triolo",
        "Villeneuve-d'Ascq",
    ),
    Pro(
        "n.carpentier",
        "Nicolas",
        "Carpentier",
        Profession.PHARMACIST,
        PracticeMode.LIBERAL,
        "Pharmacie du Grand Boulevard",
        "Tourcoing",
    ),
    Pro(
        "l.deschamps",
        "Laure",
        "Deschamps",
        Profession.NEPHROLOGIST,
        PracticeMode.HOSPITAL,
        "CHU de Lille — Néphrologie",
        "Lille",
    ),
    Pro(
        "p.mercier",
        "Pauline",
        "Mercier",
        Profession.PSYCHOLOGIST,
        PracticeMode.LIBERAL,
        "Cabinet de psychologie",
        "Lille",
    ),
    Pro(
        "a.fontaine",
        "Antoine",
        "Fontaine",
        Profession.DIETITIAN,
        PracticeMode.LIBERAL,
        "Diététique Nord",
        "Marcq-en-Barœul",
    ),
    Pro(
        "e.wattel",
        "Émilie",
        "Wattel",
        Profession.APA_TEACHER,
        PracticeMode.SALARIED,
        "Association Sport Santé Métropole",
        "Lille",
    ),
    Pro(
        "r.gosselin",
        "Romain",
        "Gosselin",
        Profession.CARDIOLOGIST,
        PracticeMode.LIBERAL,
        "Cabinet de cardiologie",
        "Roubaix",
    ),
]


@dataclass(frozen=True)
class Pat:
    first: str
    last: str
    sex: str
    birth: datetime.date
    pathway: str
    city: str
    postal: str
    months_included: int | None  # None: still a candidate
    team: tuple[str, ...]  # keys of PROFESSIONALS
    criteria: tuple[str, ...]
    exited: str = ""


GP, NURSE, PHARM, CARDIO, DIABETO = (
    "medecin",
    "infirmiere",
    "pharmacien",
    "cardiologue",
    "diabetologue",
)

PATIENTS = [
    Pat(
        "Marcel",
        "Lambert",
        "M",
        datetime.date(1948, 3, 14),
        "ic_dt2",
        "Lille",
        "59000",
        7,
        (GP, NURSE, PHARM, CARDIO),
        ("ic_hospitalisation", "ic_nyha", "dt2_hba1c", "medical_complexity"),
    ),
    Pat(
        "Josiane",
        "Vermeersch",
        "F",
        datetime.date(1951, 7, 2),
        "ic",
        "Lille",
        "59800",
        11,
        (GP, NURSE, PHARM, CARDIO, "l.deschamps"),
        ("ic_hospitalisation", "ic_nyha", "medical_complexity"),
    ),
    Pat(
        "Ahmed",
        "Boukhalfa",
        "M",
        datetime.date(1957, 11, 23),
        "dt2",
        "Lille",
        "59160",
        4,
        (GP, NURSE, PHARM, DIABETO),
        ("dt2_hba1c", "dt2_complication", "psychosocial_complexity"),
    ),
    Pat(
        "Monique",
        "Delcroix",
        "F",
        datetime.date(1944, 1, 9),
        "ic",
        "Lille",
        "59000",
        2,
        (GP, PHARM, CARDIO),
        ("ic_hospitalisation", "medical_complexity"),
    ),
    Pat(
        "Bernard",
        "Hennebert",
        "M",
        datetime.date(1950, 5, 30),
        "ic_dt2",
        "Villeneuve-d'Ascq",
        "59650",
        13,
        (GP, "j.lemaire", PHARM, CARDIO, DIABETO),
        ("ic_nyha", "dt2_insulin", "medical_complexity"),
    ),
    Pat(
        "Yvette",
        "Lecomte",
        "F",
        datetime.date(1939, 9, 17),
        "ic",
        "Lille",
        "59000",
        8,
        (GP, NURSE, "n.carpentier", CARDIO),
        ("ic_hospitalisation", "ic_ejection_fraction", "psychosocial_complexity"),
    ),
    Pat(
        "Fatima",
        "Haddou",
        "F",
        datetime.date(1962, 4, 5),
        "dt2",
        "Roubaix",
        "59100",
        5,
        ("h.roussel", "c.delattre", "n.carpentier", DIABETO),
        ("dt2_hba1c", "dt2_complication", "psychosocial_complexity"),
    ),
    Pat(
        "Gérard",
        "Masquelier",
        "M",
        datetime.date(1946, 12, 1),
        "ic",
        "Roubaix",
        "59100",
        9,
        ("h.roussel", "c.delattre", PHARM, "r.gosselin"),
        ("ic_hospitalisation", "ic_nyha", "medical_complexity"),
    ),
    Pat(
        "Christiane",
        "Dupuis",
        "F",
        datetime.date(1955, 2, 20),
        "ic_dt2",
        "Tourcoing",
        "59200",
        6,
        ("t.vandamme", "c.delattre", "n.carpentier", "r.gosselin", DIABETO),
        ("ic_nyha", "dt2_hba1c", "medical_complexity"),
    ),
    Pat(
        "Daniel",
        "Wallart",
        "M",
        datetime.date(1953, 8, 11),
        "dt2",
        "Tourcoing",
        "59200",
        3,
        ("t.vandamme", "n.carpentier"),
        ("dt2_complication", "medical_complexity"),
    ),
    Pat(
        "Sylvie",
        "Maes",
        "F",
        datetime.date(1960, 10, 28),
        "dt2",
        "Villeneuve-d'Ascq",
        "59650",
        15,
        ("h.roussel", "j.lemaire", PHARM, DIABETO, "a.fontaine"),
        ("dt2_hba1c", "dt2_insulin", "psychosocial_complexity"),
    ),
    Pat(
        "René",
        "Caron",
        "M",
        datetime.date(1941, 6, 6),
        "ic",
        "Lille",
        "59000",
        14,
        (GP, NURSE, PHARM, CARDIO),
        ("ic_hospitalisation", "ic_nyha", "medical_complexity"),
        exited="death",
    ),
    Pat(
        "Nadia",
        "Belkacem",
        "F",
        datetime.date(1965, 3, 3),
        "ic_dt2",
        "Roubaix",
        "59100",
        None,
        (),
        ("ic_nyha", "dt2_hba1c"),
    ),
    Pat(
        "Jacques",
        "Dewaele",
        "M",
        datetime.date(1949, 12, 24),
        "ic",
        "Armentières",
        "59280",
        None,
        (),
        ("ic_hospitalisation",),
    ),
]

ROLE_OF = {
    Profession.GP: TeamRole.GP,
    Profession.NURSE: TeamRole.NURSE,
    Profession.PHARMACIST: TeamRole.PHARMACIST,
}


class Command(BaseCommand):
    help = "Load the demo data (idempotent). Every demo account's password: labparcours-demo."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the database has users."
        )

    def handle(self, *args: Any, if_empty: bool = False, **options: Any) -> None:
        if if_empty and User.objects.exists():
            self.stdout.write("Database not empty: demo data not loaded.")
            return
        with transaction.atomic():
            self.seed()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Password: " + DEMO_PASSWORD))

    def user(self, email: str, role: str, first: str, last: str, **extra: Any) -> User:
        user, created = User.objects.get_or_create(
            email=email, defaults={"role": role, "first_name": first, "last_name": last, **extra}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def seed(self) -> None:
        today = timezone.localdate()
        self.user(
            "admin@demo.test", Role.ADMIN, "Isabelle", "Vasseur", is_staff=True, is_superuser=True
        )
        coordinator = self.user("coordinatrice@demo.test", Role.COORDINATOR, "Claire", "Lefebvre")
        pros = self.professionals()

        for index, spec in enumerate(PATIENTS):
            self.patient(index, spec, coordinator, pros, today)

        marcel = Patient.objects.get(last_name="Lambert", first_name="Marcel")
        if marcel.user_id is None:
            marcel.user = self.user("patient@demo.test", Role.PATIENT, "Marcel", "Lambert")
            marcel.save(update_fields=["user"])
        self.caregiver(marcel, coordinator)
        self.former_member(coordinator, pros)
        self.access_history(marcel, pros)
        seed_sics(today)
        seed_careplans(today)
        reminders_sweep(inline=True)  # the bell already rings on first login

    def professionals(self) -> dict[str, Professional]:
        result = {}
        for seed, spec in enumerate(PROFESSIONALS, start=1):
            email = f"{spec.key}@demo.test"
            pro, _ = Professional.objects.get_or_create(
                rpps=rpps(seed * 7919),
                defaults={
                    "first_name": spec.first,
                    "last_name": spec.last,
                    "profession": spec.profession,
                    "practice_mode": spec.mode,
                    "organisation": spec.organisation,
                    "city": spec.city,
                    "postal_code": "59000",
                    "address": f"{10 + seed} rue Nationale",
                    "phone": f"03 20 {seed:02d} 4{seed % 10} 1{seed % 7}",
                    "email": email,
                    "mssante_email": f"{spec.key}@pro.mssante.test",
                },
            )
            if spec.has_account and pro.user_id is None:
                pro.user = self.user(email, Role.CLINICIAN, spec.first, spec.last)
                pro.save(update_fields=["user"])
            result[spec.key] = pro
        return result

    def patient(
        self,
        index: int,
        spec: Pat,
        coordinator: User,
        pros: dict[str, Professional],
        today: datetime.date,
    ) -> Patient:
        inclusion = (
            today - datetime.timedelta(days=30 * spec.months_included)
            if spec.months_included
            else None
        )
        patient, created = Patient.objects.get_or_create(
            last_name=spec.last,
            first_name=spec.first,
            birth_date=spec.birth,
            defaults={
                "sex": spec.sex,
                "nir": nir(spec.sex, spec.birth, "59", 350 + index * 17),
                "pathway": spec.pathway,
                "city": spec.city,
                "postal_code": spec.postal,
                "address": f"{3 + index * 4} rue {['des Stations', 'Gambetta', 'de Paris', 'Solférino', 'Nationale'][index % 5]}",
                "phone": f"06 {12 + index:02d} 45 {30 + index:02d} 8{index % 10}",
                "email": f"{spec.first.lower()}.{spec.last.lower()}@exemple.test".replace(
                    "é", "e"
                ).replace("è", "e"),
                "inclusion_criteria": list(spec.criteria),
                "coordinator": coordinator,
            },
        )
        if not created:
            return patient
        team = CareTeam.objects.create(patient=patient)
        if inclusion is None:
            Consent.objects.create(
                patient=patient,
                kind=ConsentKind.PARTICIPATION,
                recorded_by=coordinator,
                given_at=timezone.now() - datetime.timedelta(days=3),
            )
            return patient
        given = timezone.make_aware(datetime.datetime.combine(inclusion, datetime.time(10)))
        for kind in (
            ConsentKind.PARTICIPATION,
            ConsentKind.TEAM_SHARING,
            ConsentKind.SIC_ATTENDANCE,
        ):
            Consent.objects.create(
                patient=patient, kind=kind, recorded_by=coordinator, given_at=given
            )
        patient.include(on=inclusion)
        for key in spec.team:
            pro = pros[key]
            Membership.objects.create(
                team=team,
                professional=pro,
                added_by=coordinator,
                role=ROLE_OF.get(pro.profession, pro.default_team_role),
                joined_at=given + datetime.timedelta(days=2),
            )
        if spec.exited:
            patient.exit(reason=spec.exited, on=today - datetime.timedelta(days=20))
        return patient

    def caregiver(self, patient: Patient, coordinator: User) -> None:
        caregiver, created = Caregiver.objects.get_or_create(
            patient=patient,
            email="aidant@demo.test",
            defaults={
                "first_name": "Françoise",
                "last_name": "Lambert",
                "relationship": "épouse",
                "phone": "06 11 22 33 44",
            },
        )
        if created:
            caregiver.user = self.user("aidant@demo.test", Role.CAREGIVER, "Françoise", "Lambert")
            caregiver.save(update_fields=["user"])
            Consent.objects.create(
                patient=patient,
                kind=ConsentKind.CAREGIVER_DELEGATION,
                caregiver=caregiver,
                recorded_by=coordinator,
            )

    def former_member(self, coordinator: User, pros: dict[str, Professional]) -> None:
        """A nurse who left Mme Vermeersch's team: history stays, access is gone."""
        patient = Patient.objects.get(last_name="Vermeersch")
        if not patient.care_team.memberships.filter(professional=pros["j.lemaire"]).exists():
            joined = timezone.now() - datetime.timedelta(days=300)
            Membership.objects.create(
                team=patient.care_team,
                professional=pros["j.lemaire"],
                role=TeamRole.NURSE,
                added_by=coordinator,
                joined_at=joined,
                left_at=joined + datetime.timedelta(days=120),
            )

    def access_history(self, patient: Patient, pros: dict[str, Professional]) -> None:
        if AccessLogEntry.objects.filter(patient=patient).exists():
            return
        now = timezone.now()
        reads = [
            (pros[GP].user, "patient record", 2),
            (pros[CARDIO].user, "care team", 5),
            (pros[PHARM].user, "patient record", 9),
            (pros[NURSE].user, "patient record", 12),
        ]
        AccessLogEntry.objects.bulk_create(
            AccessLogEntry(
                patient=patient,
                user=user,
                what=what,
                at=now - datetime.timedelta(days=days, hours=3),
                ip_address="10.59.0.12",
            )
            for user, what, days in reads
        )
