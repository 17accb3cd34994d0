"""A synthetic programme at national scale, for the benchmarks: N included patients, each with
a care team drawn from a directory of N/5 professionals, 2.5 years of SICs, care plans,
reminders, access-log entries, budget envelopes and indemnity lines.

Realistic and reproducible: every name, date and choice comes from one `random.Random(seed)`,
so two runs from the same database state give the same data (`cohort_digest`). Written in
bulk: the patients are taken a chunk at a time, and each chunk's rows go in with a few
`bulk_create` per table, never through the services row by row. The rows are what the
services would have written (states, timestamps, ledgers), so the models' own validation
and the database constraints accept them.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import ExpressionWrapper, F, Max, Value
from django.db.models.functions import Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from budget.models import (
    BudgetCategory,
    BudgetEnvelope,
    BudgetMovement,
    BudgetRate,
    CareProvider,
    CareRequestStatus,
    Expense,
    ExpenseStatus,
    MovementKind,
    ProviderKind,
    SupplementaryCare,
)
from budget.services import add_years
from careplans.models import Action, CarePlan, Goal, Owner, PlanStatus, ValidationMethod
from indemnities.defaults import ensure_default_kinds
from indemnities.models import (
    IndemnityKind,
    IndemnityLine,
    IndemnityRate,
    IndemnitySource,
    LineApproval,
    LineEntry,
)
from labparcours.bulk import copy_text, insert_select
from labparcours.models import AccessLogEntry, Role, User
from labparcours.partitions import ensure_access_log_partitions
from opinions.models import OpinionRequest, OpinionStatus, Urgency
from patients.criteria import COMPLEXITY, DIABETES, HEART_FAILURE
from patients.models import (
    WINDOW_RULES,
    Consent,
    ConsentKind,
    EventCause,
    EventKind,
    EventSource,
    FollowUpContact,
    FollowUpKind,
    FollowUpWindow,
    PathwayEvent,
    Patient,
    PatientStatus,
)
from programme import demo_data as data
from reminders.models import Channel, Reminder
from sic.models import (
    KIND_OF_TEAM_ROLE,
    Attendance,
    Contribution,
    ContributionKind,
    ContributionStatus,
    Decision,
    Response,
    Sic,
    SicStatus,
    add_months,
)
from teams.models import (
    SPECIALIST_PROFESSIONS,
    CareTeam,
    Membership,
    PracticeMode,
    Profession,
    Professional,
    TeamRole,
)
from threads.models import Audience, Message, Thread

BATCH = 2000
CHUNK = 2000  # patients written together
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
HISTORY_DAYS = 912  # 2.5 years of inclusions
STAR_GP_TEAMS = 500  # « Mes patients » of a GP in 500 teams
ACCESS_PER_PATIENT = 30
# At most this many messages in each patient's team thread.
MESSAGES_PER_PATIENT = 6
THREAD_TEXTS = (
    "Pesée ce matin : poids stable.",
    "Pilulier refait pour la semaine.",
    "Bilan sanguin fait, résultats au cabinet.",
    "Rendez-vous de cardiologie décalé au mois prochain.",
    "Chevilles un peu gonflées, à surveiller.",
    "Tension correcte, pas de plainte particulière.",
)
SCALE_PASSWORD = data.DEMO_PASSWORD


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


LAST_NAMES = words(
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel "
    "Lefebvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine "
    "Rousseau Vincent Muller Lefevre Faure Andre Mercier Blanc Guerin Boyer Garnier Chevalier "
    "Francois Legrand Gauthier Garcia Perrin Robin Clement Morin Nicolas Henry Roussel Mathieu "
    "Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noel Meyer Dufour Meunier Brun "
    "Blanchard Giraud Joly Riviere Lucas Brunet Gaillard Barbier Arnaud Martinez Gerard Roche "
    "Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud "
    "Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoit Rey Leclerc Payet Rolland Leclercq "
    "Guillaume Lecomte Lopez Jean Dupuy Guillot Hubert Berger Carpentier Sanchez Dupuis Moulin "
    "Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet Adam Paris Poirier "
    "Marty Aubry Guyot Carre Charles Renault Charpentier Menard Maillard Baron Bertin Bailly "
    "Herve Schneider Fernandez Collet Leger Bouvier Julien Prevost Millet Perrot Daniel Cousin "
    "Germain Breton Besson Langlois Remy Pelletier Leveque Perrier Leblanc Barre Lebrun Marchal "
    "Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard Gillet Etienne "
    "Grondin Poulain Tessier Chevallier Collin Chauvin Bouchet Gay Lemaitre Benard Marechal "
    "Humbert Reynaud Antoine Hoarau Perret Barthelemy Cordier Pichon Lejeune Gilbert Lamy "
    "Delaunay Pasquier Carlier Laporte Dewitte Vermeersch Delattre Dhondt Vandamme Deconinck"
)
FIRST_NAMES = {
    "F": words(
        "Marie Jeanne Françoise Monique Catherine Nathalie Isabelle Jacqueline Sylvie Anne "
        "Martine Christine Nicole Christiane Chantal Brigitte Danielle Josiane Claudine "
        "Bernadette Colette Odette Simone Yvette Denise Paulette Ginette Michèle Annie Évelyne"
    ),
    "M": words(
        "Jean Pierre Michel André Philippe Alain Bernard Jacques Daniel Claude Gérard René "
        "Patrick Christian Roger Robert Marcel Louis Paul Georges Henri Serge Guy Joseph "
        "Raymond Maurice Lucien Roland Yves Francis"
    ),
}
PRO_FIRST_NAMES = words(
    "Camille Julie Sophie Claire Émilie Laura Céline Aurélie Élodie Pauline Thomas Nicolas "
    "Julien Maxime Antoine Guillaume Romain Alexandre Mathieu Florian Hugo Lucas Manon Léa"
)
CITIES = (
    ("Lille", "59000"),
    ("Roubaix", "59100"),
    ("Tourcoing", "59200"),
    ("Villeneuve-d'Ascq", "59650"),
    ("Lens", "62300"),
    ("Arras", "62000"),
    ("Douai", "59500"),
    ("Valenciennes", "59300"),
    ("Dunkerque", "59140"),
    ("Amiens", "80000"),
)
# A directory's professions and how often each comes (out of 100).
PROFESSION_MIX = (
    (Profession.GP, 25),
    (Profession.NURSE, 25),
    (Profession.PHARMACIST, 15),
    (Profession.CARDIOLOGIST, 6),
    (Profession.DIABETOLOGIST, 5),
    (Profession.NEPHROLOGIST, 2),
    (Profession.GERIATRICIAN, 2),
    (Profession.PULMONOLOGIST, 2),
    (Profession.DIETITIAN, 5),
    (Profession.APA_TEACHER, 4),
    (Profession.PSYCHOLOGIST, 3),
    (Profession.PHYSIOTHERAPIST, 4),
    (Profession.PODIATRIST, 2),
)
# The first four professionals make every required role present, whatever N.
FIRST_PROFESSIONS = (
    Profession.GP,
    Profession.NURSE,
    Profession.PHARMACIST,
    Profession.CARDIOLOGIST,
)
PROVIDER_PROFESSIONS = {Profession.DIETITIAN, Profession.APA_TEACHER, Profession.PHYSIOTHERAPIST}
READS = (
    "patient record",
    "patient record",
    "care team",
    "SIC",
    "SIC",
    "SIC contribution",
    "care plan",
    "care plan (PDF)",
    "SIC report (PDF)",
    "my patients",
)


def at(day: datetime.date, hour: int = 14, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


# --- The plan of one patient, drawn before any row is written ---------------------------------


@dataclass
class HeldSic:
    due: datetime.date
    held: datetime.date


@dataclass
class PatientPlan:
    """What the generator decided for one patient; the rows follow from it."""

    index: int
    patient: Patient
    held: list[HeldSic] = field(default_factory=list)
    open_due: datetime.date | None = None
    members: list[Membership] = field(default_factory=list)
    held_sics: list[Sic] = field(default_factory=list)


@dataclass
class Pro:
    pk: int
    profession: str
    liberal: bool
    user_id: int | None
    role: str


@dataclass
class Report:
    """Seconds spent and rows written, per step (summed over the chunks)."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def lines(self) -> list[str]:
        total = sum(self.seconds.values())
        out = [
            f"{step:<14} {self.seconds[step]:8.1f} s  {self.rows.get(step, 0):>10,} rows"
            for step in self.seconds
        ]
        out.append(f"{'total':<14} {total:8.1f} s  {sum(self.rows.values()):>10,} rows")
        return out


class RateBook:
    """The indemnity rates, looked up in memory as `IndemnityRate.objects.in_force` does."""

    def __init__(self, rates: Sequence[IndemnityRate]) -> None:
        self.rates = rates

    def find(self, kind_id: int, profession: str, on: datetime.date) -> IndemnityRate | None:
        found = [
            r
            for r in self.rates
            if r.kind_id == kind_id
            and r.profession in (profession, "")
            and r.valid_from <= on
            and (r.valid_until is None or r.valid_until >= on)
        ]
        found.sort(key=lambda r: r.profession, reverse=True)
        return found[0] if found else None


class ScaleSeeder:
    """`ScaleSeeder(patients=N, seed=42).run()` writes the programme and returns its report."""

    def __init__(
        self,
        *,
        patients: int,
        seed: int = 42,
        today: datetime.date | None = None,
        chunk: int = CHUNK,
        progress: Callable[[str], None] | None = None,
        existing: int | None = None,
    ) -> None:
        self.n = patients
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 — synthetic data, reproducible by design
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.chunk = chunk
        self.progress = progress or (lambda _message: None)
        self.report = Report()
        # Ids and e-mails must not collide with an earlier run (--force): they depend on what
        # is there already; the names, dates and choices do not.
        # `existing`: the patients there before this run, counted unless given (a seeder that
        # describes an earlier run on this database, without writing, gives what was there).
        self.existing = Patient.objects.count() if existing is None else existing
        self.ids = random.Random(f"ids:{seed}:{self.existing}")  # noqa: S311 — same
        self.tag = f"s{seed}r{self.existing}"

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.report.seconds[name] += time.perf_counter() - start

    def bulk(self, step: str, model: type[models.Model], rows: list[Any]) -> list[Any]:
        """Rows whose ids the next steps need: INSERT … RETURNING, a batch at a time."""
        self.report.rows[step] += len(rows)
        return model._default_manager.bulk_create(rows, batch_size=BATCH)

    def append(self, step: str, model: type[models.Model], rows: list[Any]) -> None:
        """Rows nothing points at: PostgreSQL's COPY (several times faster), else bulk."""
        if connection.vendor != "postgresql":
            self.bulk(step, model, rows)
            return
        self.report.rows[step] += len(rows)
        copy_rows(model, rows)

    @property
    def star_gp_email(self) -> str:
        return f"pro0.{self.tag}@scale.test"

    @property
    def star_gp_teams(self) -> int:
        return min(STAR_GP_TEAMS, self.n)

    @property
    def coordinator_email(self) -> str:
        return f"coordination0.{self.tag}@scale.test"

    @property
    def admin_email(self) -> str:
        return f"admin.{self.tag}@scale.test"

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.ids.getrandbits(128), version=4)

    # --- the whole run --------------------------------------------------------------------

    def run(self) -> Report:
        with transaction.atomic(), self.step("directory"):
            self.setup()
        for start in range(0, self.n, self.chunk):
            with transaction.atomic():
                self.write_chunk(range(start, min(self.n, start + self.chunk)))
            self.progress(f"{min(self.n, start + self.chunk):,} / {self.n:,} patients")
        return self.report

    def setup(self) -> None:
        self.users()
        self.directory()
        self.reference_data()

    def write_chunk(self, indexes: range) -> None:
        with self.step("patients"):
            plans = self.patients(indexes)
        with self.step("teams"):
            self.teams(plans)
        with self.step("sics"):
            self.sics(plans)
        with self.step("sic work"):
            contributions, attendances = self.sic_work(plans)
        with self.step("care plans"):
            self.care_plans(plans)
        with self.step("reminders"):
            self.reminders(plans)
        with self.step("access log"):
            self.access_log(plans)
        with self.step("budget"):
            self.budget(plans)
        with self.step("indemnities"):
            self.indemnities(contributions, attendances)
        with self.step("threads"):
            self.threads(plans)
        with self.step("opinions"):
            self.opinions(plans)
        with self.step("pathway events"):
            self.pathway_events(plans)

    # --- people ---------------------------------------------------------------------------

    def user(self, local: str, role: str, first: str, last: str) -> User:
        return User(
            email=f"{local}.{self.tag}@scale.test",
            password=self.password,
            role=role,
            first_name=first,
            last_name=last,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )

    def users(self) -> None:
        self.password = make_password(SCALE_PASSWORD)
        count = max(1, self.n // 1000)
        coordinators = [
            self.user(f"coordination{i}", Role.COORDINATOR, self.pro_first(), self.last())
            for i in range(count)
        ]
        admin = self.user("admin", Role.ADMIN, "Isabelle", "Vasseur")
        made = self.bulk("directory", User, [admin, *coordinators])
        self.admin, self.coordinators = made[0], made[1:]

    def last(self) -> str:
        return self.rng.choice(LAST_NAMES)

    def pro_first(self) -> str:
        return self.rng.choice(PRO_FIRST_NAMES)

    def profession(self, i: int) -> str:
        if i < len(FIRST_PROFESSIONS):
            return FIRST_PROFESSIONS[i]
        professions, weights = zip(*PROFESSION_MIX, strict=True)
        return str(self.rng.choices(professions, weights)[0])

    def practice_mode(self, profession: str) -> str:
        draw = self.rng.random()
        if profession in SPECIALIST_PROFESSIONS:
            return PracticeMode.HOSPITAL if draw < 0.6 else PracticeMode.LIBERAL
        if draw < 0.05:
            return PracticeMode.HOSPITAL
        return PracticeMode.SALARIED if draw < 0.1 else PracticeMode.LIBERAL

    def directory(self) -> None:
        """N/5 professionals, four in five with an account (those who write contributions);
        the first GP, who has one, is in min(500, N) teams."""
        count = max(8, self.n // 5)
        offset = 60_000_000 + Professional.objects.count()
        specs = []
        for i in range(count):
            profession = self.profession(i)
            city, postal = self.rng.choice(CITIES)
            first, last = self.pro_first(), self.last()
            specs.append(
                Professional(
                    last_name=last,
                    first_name=first,
                    profession=profession,
                    rpps=data.rpps(offset + i),
                    practice_mode=self.practice_mode(profession),
                    city=city,
                    postal_code=postal,
                    phone=f"03 20 {i // 10000 % 100:02d} {i // 100 % 100:02d} {i % 100:02d}",
                    email=f"pro{i}.{self.tag}@scale.test",
                )
            )
        accounts = [i == 0 or self.rng.random() < 0.8 for i in range(count)]
        users = self.bulk(
            "directory",
            User,
            [
                self.user(f"pro{i}", Role.CLINICIAN, p.first_name, p.last_name)
                for i, p in enumerate(specs)
                if accounts[i]
            ],
        )
        by_email = {u.email: u for u in users}
        for pro in specs:
            pro.user = by_email.get(pro.email)
        self.pros = [
            Pro(p.pk, p.profession, p.practice_mode == PracticeMode.LIBERAL, p.user_id, "")
            for p in self.bulk("directory", Professional, specs)
        ]
        self.star_gp = self.pros[0]
        self.pools: dict[str, list[Pro]] = defaultdict(list)
        for member in self.pros:
            role = data.ROLE_OF.get(Profession(member.profession), default_role(member.profession))
            member.role = role
            self.pools[role].append(member)

    def reference_data(self) -> None:
        """The budget rates and categories, a few providers, the indemnity kinds and rates:
        those already there are used, the missing ones set as the demo sets them."""
        start = self.today - (HISTORY_DAYS + 400) * DAY
        if not BudgetRate.objects.exists():
            for pathway, amount in data.BUDGET_RATES:
                BudgetRate.objects.create(pathway=pathway, amount=Decimal(amount), valid_from=start)
        self.budget_rates = list(BudgetRate.objects.order_by("-valid_from"))
        if not BudgetCategory.objects.exists():
            BudgetCategory.objects.create(name="Activité physique adaptée")
        self.categories = list(BudgetCategory.objects.filter(is_active=True).order_by("pk"))
        makers = [p for p in self.pros if p.profession in PROVIDER_PROFESSIONS and p.liberal]
        providers = [
            CareProvider(kind=ProviderKind.PROFESSIONAL, professional_id=p.pk) for p in makers[:50]
        ]
        self.providers = self.bulk("directory", CareProvider, providers) or [
            CareProvider.objects.create(
                kind=ProviderKind.PROFESSIONAL, professional_id=self.pros[-1].pk
            )
        ]
        ensure_default_kinds(IndemnityKind)
        if not IndemnityRate.objects.exists():
            for code, amount, profession in data.INDEMNITY_RATES:
                IndemnityRate.objects.create(
                    kind=IndemnityKind.objects.get(code=code),
                    profession=profession,
                    amount=Decimal(amount),
                    valid_from=start,
                )
        self.rates = RateBook(list(IndemnityRate.objects.all()))
        kinds = IndemnityKind.objects.exclude(source=IndemnitySource.OTHER)
        self.contribution_kind = {
            k.contribution_kind: k.pk for k in kinds if k.source == IndemnitySource.CONTRIBUTION
        }
        self.attendance_kind = next(
            (k.pk for k in kinds if k.source == IndemnitySource.ATTENDANCE), None
        )

    # --- patients and teams ---------------------------------------------------------------

    def patients(self, indexes: range) -> list[PatientPlan]:
        plans = []
        for i in indexes:
            sex = self.rng.choice("FM")
            birth = datetime.date(self.rng.randint(1935, 1970), self.rng.randint(1, 12), 1)
            birth += self.rng.randint(0, 27) * DAY
            city, postal = self.rng.choice(CITIES)
            inclusion = self.today - self.rng.randint(30, HISTORY_DAYS) * DAY
            pathway = self.rng.choices(("ic", "dt2", "ic_dt2"), (40, 40, 20))[0]
            patient = Patient(
                id=self.uuid(),
                last_name=self.last(),
                first_name=self.rng.choice(FIRST_NAMES[sex]),
                birth_date=birth,
                sex=sex,
                nir=data.nir(sex, birth, postal[:2], (self.existing + i) % 1_000_000),
                city=city,
                postal_code=postal,
                address=f"{self.rng.randint(1, 200)} rue {self.rng.choice(data.STREETS)}",
                pathway=pathway,
                inclusion_criteria=self.criteria(pathway),
                status=PatientStatus.INCLUDED,
                inclusion_date=inclusion,
                coordinator=self.coordinators[i % len(self.coordinators)],
            )
            plans.append(PatientPlan(index=i, patient=patient))
        self.bulk("patients", Patient, [p.patient for p in plans])
        consents = [
            Consent(
                patient=p.patient,
                kind=kind,
                given_at=at(p.patient.inclusion_date or self.today, 10),
                recorded_by=p.patient.coordinator,
            )
            for p in plans
            for kind in (
                ConsentKind.PARTICIPATION,
                ConsentKind.TEAM_SHARING,
                ConsentKind.SIC_ATTENDANCE,
            )
        ]
        self.append("patients", Consent, consents)
        return plans

    def criteria(self, pathway: str) -> list[str]:
        """One criterion of each pathway the patient is on, and one of complexity."""
        groups = {"ic": [HEART_FAILURE], "dt2": [DIABETES], "ic_dt2": [HEART_FAILURE, DIABETES]}
        return [self.rng.choice(sorted(g)) for g in [*groups[pathway], COMPLEXITY]]

    def team_of(self, plan: PatientPlan) -> list[Pro]:
        team = [self.star_gp if plan.index < STAR_GP_TEAMS else self.pick(TeamRole.GP)]
        team += [self.pick(r) for r in (TeamRole.NURSE, TeamRole.PHARMACIST, TeamRole.SPECIALIST)]
        if self.pools[TeamRole.OTHER] and self.rng.random() < 0.3:
            team.append(self.pick(TeamRole.OTHER))
        return team

    def pick(self, role: str) -> Pro:
        return self.rng.choice(self.pools[role])

    def teams(self, plans: list[PatientPlan]) -> None:
        teams = self.bulk("teams", CareTeam, [CareTeam(patient=p.patient) for p in plans])
        members = []
        for plan, team in zip(plans, teams, strict=True):
            joined = at(plan.patient.inclusion_date or self.today, 10) + 2 * DAY
            plan.members = [
                Membership(
                    team=team,
                    professional_id=pro.pk,
                    role=pro.role,
                    joined_at=joined,
                    added_by=plan.patient.coordinator,
                )
                for pro in self.team_of(plan)
            ]
            members += plan.members
        self.bulk("teams", Membership, members)
        self.pro_of = {p.pk: p for p in self.pros}

    # --- SICs -----------------------------------------------------------------------------

    def timeline(self, plan: PatientPlan) -> None:
        """Held every six months from six weeks after the inclusion; the next one open."""
        due = (plan.patient.inclusion_date or self.today) + 42 * DAY
        while True:
            held = due + self.rng.randint(-5, 20) * DAY
            if held >= self.today - 3 * DAY:
                break
            plan.held.append(HeldSic(due=due, held=held))
            due = add_months(held, 6)
        plan.open_due = due

    def sics(self, plans: list[PatientPlan]) -> None:
        rows: list[Sic] = []
        for plan in plans:
            self.timeline(plan)
            plan.held_sics = [self.held_sic(plan.patient, h) for h in plan.held]
            rows += plan.held_sics
            rows.append(self.open_sic(plan.patient, plan.open_due or self.today))
        self.bulk("sics", Sic, rows)

    def held_sic(self, patient: Patient, held: HeldSic) -> Sic:
        when = at(held.held, self.rng.choice((9, 11, 14, 17)))
        return Sic(
            patient=patient,
            status=SicStatus.HELD,
            due_date=held.due,
            scheduled_at=when,
            held_at=when,
            uid=self.uuid(),
            patient_present=self.rng.random() < 0.9,
            caregiver_present=self.rng.random() < 0.3,
            minutes=data.MINUTES,
            video_url=self.room(),
        )

    def room(self) -> str:
        """The SIC's video link, as `Sic.default_video_url` names it (drawn from the seed)."""
        base = settings.LABPARCOURS_VIDEO_BASE_URL.rstrip("/")
        return f"{base}/labparcours-{self.ids.getrandbits(96):024x}"

    def open_sic(self, patient: Patient, due: datetime.date) -> Sic:
        sic = Sic(patient=patient, status=SicStatus.PLANNED, due_date=due, uid=self.uuid())
        if due <= self.today + 30 * DAY and self.rng.random() < 0.6:
            sic.status = SicStatus.SCHEDULED
            sic.scheduled_at = at(self.today + self.rng.randint(1, 30) * DAY, 14)
            sic.video_url = self.room()
        return sic

    def sic_work(self, plans: list[PatientPlan]) -> tuple[list[Contribution], list[Attendance]]:
        attendances, contributions, decisions = [], [], []
        for plan in plans:
            for visit, sic in enumerate(plan.held_sics):
                attendances += self.attendances(sic, plan.members)
                contributions += self.contributions(sic, plan, visit)
                decisions += [
                    Decision(sic=sic, text=text, position=n)
                    for n, text in enumerate(self.rng.sample(data.DECISIONS, 2))
                ]
        self.bulk("sic work", Attendance, attendances)
        self.bulk("sic work", Contribution, contributions)
        self.append("sic work", Decision, decisions)
        # What each SIC held was prepared with, from the contributions just written.
        held = [sic.pk for plan in plans for sic in plan.held_sics]
        Sic.objects.filter(pk__in=held).record_prepared()
        return contributions, attendances

    def attendances(self, sic: Sic, members: list[Membership]) -> list[Attendance]:
        held = sic.held_at or self.now
        return [
            Attendance(
                sic=sic,
                membership=m,
                response=Response.CONFIRMED,
                responded_at=held - 5 * DAY,
                present=self.rng.random() < 0.9,
            )
            for m in members
        ]

    def contributions(self, sic: Sic, plan: PatientPlan, visit: int) -> list[Contribution]:
        """The members' contributions to the patient's SIC number `visit`: the demo's
        measures and medications of that visit for the patient's pathway (the clinical view
        then shows trends, a list that changes, a hospitalisation)."""
        submitted = (sic.held_at or self.now) - 3 * DAY
        pathway = plan.patient.pathway

        def contribution(kind: str, author: int) -> Contribution:
            return Contribution(
                sic=sic,
                kind=kind,
                author_id=author,
                entered_by_id=author,
                status=ContributionStatus.SUBMITTED,
                content=data.content(kind, pathway, visit, submitted.date()),
                submitted_at=submitted,
            )

        rows = []
        for m in plan.members:
            user_id = self.pro_of[m.professional_id].user_id
            if m.role in KIND_OF_TEAM_ROLE and user_id and self.rng.random() < 0.85:
                rows.append(contribution(KIND_OF_TEAM_ROLE[m.role], user_id))
        if self.rng.random() < 0.5:
            coordinator = plan.patient.coordinator.pk
            rows.append(contribution(ContributionKind.PATIENT_EXPERIENCE, coordinator))
        return rows

    # --- care plans -----------------------------------------------------------------------

    def care_plans(self, plans: list[PatientPlan]) -> None:
        """A version after each of the last three held SICs: the older ones superseded, the
        last validated (or proposed, the one before staying in force)."""
        versions: list[tuple[PatientPlan, CarePlan]] = []
        for plan in plans:
            sics = plan.held_sics[-3:]
            if not sics:
                continue
            last_proposed = self.rng.random() < 0.2 or self.day_of(sics[-1]) + 9 * DAY > self.today
            for number, sic in enumerate(sics, start=1):
                status = self.plan_status(number, len(sics), last_proposed)
                versions.append((plan, self.care_plan(plan, sic, number, status)))
        for (_plan, version), (_next, following) in zip(versions, versions[1:], strict=False):
            if version.status == PlanStatus.SUPERSEDED:  # by the patient's next version
                version.superseded_at = following.validated_at or following.proposed_at
        rows = self.bulk("care plans", CarePlan, [v for _p, v in versions])
        goals, actions = [], []
        for (plan, _v), version in zip(versions, rows, strict=True):
            goals += [
                Goal(plan=version, text=text, position=n) for n, text in enumerate(data.GOALS)
            ]
            actions += self.actions(version, plan)
        self.append("care plans", Goal, goals)
        self.append("care plans", Action, actions)

    @staticmethod
    def plan_status(number: int, count: int, last_proposed: bool) -> str:
        if number == count:
            return PlanStatus.PROPOSED if last_proposed else PlanStatus.VALIDATED
        if number == count - 1 and last_proposed:
            return PlanStatus.VALIDATED
        return PlanStatus.SUPERSEDED

    def day_of(self, sic: Sic) -> datetime.date:
        return timezone.localdate(sic.held_at or self.now)

    def care_plan(self, plan: PatientPlan, sic: Sic, version: int, status: str) -> CarePlan:
        held = self.day_of(sic)
        row = CarePlan(
            patient=plan.patient,
            version=version,
            sic=sic,
            status=status,
            created_by=plan.patient.coordinator,
            proposed_at=at(held + 3 * DAY, 11),
        )
        if status != PlanStatus.PROPOSED:
            row.validated_at = at(held + 9 * DAY, 11)
            row.validated_by = plan.patient.coordinator
            row.validation_method = ValidationMethod.PHONE  # the patients have no accounts
        return row

    def actions(self, version: CarePlan, plan: PatientPlan) -> list[Action]:
        members = {m.role: m for m in plan.members}
        base = timezone.localdate(version.proposed_at or self.now)
        rows = []
        for position, (what, who, when, days) in enumerate(data.ACTIONS):
            action = Action(plan=version, what=what, when=when, position=position)
            if who.startswith("provider:"):
                action.owner, action.provider = Owner.PROVIDER, who.split(":", 1)[1]
            elif who in members:
                action.owner, action.membership = Owner.MEMBER, members[who]
            elif who == Owner.PATIENT:
                action.owner = Owner.PATIENT
            else:
                continue
            if days is not None:
                action.due_date = base + days * DAY
            rows.append(action)
        return rows

    # --- reminders and the access log -----------------------------------------------------

    def reminders(self, plans: list[PatientPlan]) -> None:
        """The sweep's past work: the coordinator told of each SIC due, sent by e-mail."""
        rows = []
        for plan in plans:
            for sic in plan.held_sics:
                told = at(sic.due_date - 14 * DAY, 7)
                rows.append(
                    Reminder(
                        kind="sic_due",
                        recipient=plan.patient.coordinator,
                        patient=plan.patient,
                        target_key=f"sic:{sic.pk}",
                        cycle=sic.due_date.isoformat(),
                        link=reverse("sic:detail", args=[sic.pk]),
                        context={"date": sic.due_date.isoformat()},
                        created_at=told,
                        channel=Channel.EMAIL,
                        sent_at=told + datetime.timedelta(minutes=2),
                    )
                )
        self.append("reminders", Reminder, rows)

    def access_log(self, plans: list[PatientPlan]) -> None:
        rows = []
        for plan in plans:
            readers = [plan.patient.coordinator.pk] + [
                uid for m in plan.members if (uid := self.pro_of[m.professional_id].user_id)
            ]
            days = (self.today - (plan.patient.inclusion_date or self.today)).days
            for _ in range(ACCESS_PER_PATIENT):
                day = self.today - self.rng.randint(0, days) * DAY
                rows.append(
                    AccessLogEntry(
                        patient=plan.patient,
                        user_id=self.rng.choice(readers),
                        at=at(day, self.rng.randint(8, 19), self.rng.randint(0, 59)),
                        what=self.rng.choice(READS),
                        ip_address=f"10.59.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}",
                    )
                )
        # On PostgreSQL, each past month its own partition, as the nightly upkeep would have
        # made it: else the back-dated reads would all land in the default partition.
        ensure_access_log_partitions(since=min((row.at for row in rows), default=None))
        self.append("access log", AccessLogEntry, rows)

    def threads(self, plans: list[PatientPlan]) -> None:
        """A team thread per patient with a few messages of its members over the last weeks;
        a generator of its own, so that the rows before stay what they were."""
        rng = random.Random(f"threads:{self.seed}:{self.existing + plans[0].index}")  # noqa: S311
        threads = self.bulk(
            "threads", Thread, [Thread(patient=p.patient, audience=Audience.TEAM) for p in plans]
        )
        rows = []
        for plan, thread in zip(plans, threads, strict=True):
            authors = [plan.patient.coordinator.pk] + [
                uid for m in plan.members if (uid := self.pro_of[m.professional_id].user_id)
            ]
            for n in range(rng.randint(0, MESSAGES_PER_PATIENT)):
                day = self.today - rng.randint(0, 60) * DAY
                rows.append(
                    Message(
                        thread=thread,
                        author_id=rng.choice(authors),
                        text=rng.choice(THREAD_TEXTS),
                        created_at=at(day, rng.randint(8, 19), n % 60),
                    )
                )
        rows.sort(key=lambda message: message.created_at)
        self.append("threads", Message, rows)

    # --- budget ---------------------------------------------------------------------------

    def opinions(self, plans: list[PatientPlan]) -> None:
        """One patient in four has asked a specialist with an account for an opinion: a
        member of the team (the coordinator when none has an account) asked it, this week or
        since the inclusion; those asked over a week ago were answered (in 2 to 70 hours) and
        closed, the others wait."""
        specialists = [p for p in self.pools[TeamRole.SPECIALIST] if p.user_id is not None]
        rows = []
        for plan in plans:
            if not specialists or self.rng.random() >= 0.25:
                continue
            askers = [self.pro_of[m.professional_id].user_id for m in plan.members]
            asker = next((u for u in askers if u is not None), plan.patient.coordinator_id)
            specialist = self.rng.choice(specialists)
            since = (self.today - (plan.patient.inclusion_date or self.today)).days
            # One in five asked this week (open), the others since the inclusion.
            hours = 150 if self.rng.random() < 0.2 else max(1, since) * 24
            asked = self.now - self.rng.randint(1, hours) * HOUR
            urgency = self.rng.choice(Urgency.values)
            row = OpinionRequest(
                patient=plan.patient,
                asked_by_id=asker,
                specialist_id=specialist.pk,
                question="Avis sur le traitement, résultats joints.",
                urgency=urgency,
                asked_at=asked,
                due_at=asked + Urgency(urgency).delay,
            )
            if asked < self.now - 7 * DAY:
                row.status = OpinionStatus.CLOSED
                row.answer = "Réponse faite : voir le compte rendu de la SIC."
                row.answered_at = asked + self.rng.randint(2, 70) * HOUR
                row.answered_by_id = specialist.user_id
                row.closed_at, row.closed_by_id = row.answered_at + DAY, asker
            rows.append(row)
        self.append("opinions", OpinionRequest, rows)

    def pathway_events(self, plans: list[PatientPlan]) -> None:
        """One patient in sixteen was in hospital (for their pathway's disease, mostly) since
        the inclusion, discharged with the two follow-up windows: the medical contact made in
        time four times in five, the specialist contact twice in three; one in fifty went to
        the emergencies without admission. A generator of its own: the rows before stay."""
        rng = random.Random(f"pathway:{self.seed}:{self.existing + plans[0].index}")  # noqa: S311
        causes = {"ic": EventCause.HEART_FAILURE, "dt2": EventCause.DIABETES}
        stays: list[tuple[PatientPlan, PathwayEvent, datetime.date]] = []
        events = []
        for plan in plans:
            patient = plan.patient
            since = (self.today - (patient.inclusion_date or self.today)).days
            draw = rng.random()
            if since < 20 or draw >= 1 / 16 + 1 / 50:
                continue
            admitted = self.today - rng.randint(12, since) * DAY
            event = PathwayEvent(
                patient=patient,
                occurred_on=admitted,
                source=EventSource.DISCHARGE_LETTER,
                recorded_by_id=patient.coordinator_id,
                recorded_at=at(admitted, 10),
                establishment="CH de la métropole",
                cause=causes.get(patient.pathway, EventCause.HEART_FAILURE),
            )
            if draw < 1 / 16:
                event.kind = EventKind.HOSPITALISATION
                discharged = admitted + rng.randint(3, 10) * DAY
                event.discharged_on = discharged
                stays.append((plan, event, discharged))
            else:
                event.kind = EventKind.EMERGENCY
                event.source = EventSource.PATIENT_CALL
            events.append(event)
        self.bulk("pathway events", PathwayEvent, events)
        contacts, windows = [], []
        for plan, event, discharged in stays:
            for kind, chance in ((FollowUpKind.MEDICAL, 0.8), (FollowUpKind.SPECIALIST, 0.67)):
                rule = WINDOW_RULES[kind]
                window = FollowUpWindow(
                    event=event,
                    patient=plan.patient,
                    kind=kind,
                    opens_on=discharged,
                    closes_on=discharged + rule.days * DAY,
                )
                day = discharged + rng.randint(1, rule.days) * DAY
                if rng.random() < chance and day <= self.today:
                    window.contact = FollowUpContact(
                        patient=plan.patient,
                        kind=kind,
                        contacted_on=day,
                        by_id=plan.patient.coordinator_id,
                        recorded_at=at(day, 17),
                    )
                    contacts.append(window.contact)
                windows.append(window)
        self.bulk("pathway events", FollowUpContact, contacts)
        for window in windows:
            window.contact_id = window.contact.pk if window.contact else None
        self.append("pathway events", FollowUpWindow, windows)

    def budget(self, plans: list[PatientPlan]) -> None:
        """An envelope per programme year begun; in three in five an approved request, its
        expenses (half of them paid) and the ledger the services would have written."""
        envelopes = []
        for plan in plans:
            envelopes += self.envelopes(plan.patient)
        envelopes = self.bulk("budget", BudgetEnvelope, envelopes)
        movements = [
            BudgetMovement(
                envelope=e,
                kind=MovementKind.ALLOT,
                amount=e.amount,
                why=gettext("Yearly amount of the pathway"),
                at=e.opened_at,
            )
            for e in envelopes
        ]
        requests = [r for e in envelopes if (r := self.care_request(e)) is not None]
        requests = self.bulk("budget", SupplementaryCare, requests)
        expenses = []
        for request in requests:
            cost = request.unit_price * request.sessions
            approved = gettext("Request approved")
            movements.append(
                movement(request, MovementKind.COMMIT, cost, request.decided_at, approved)
            )
            expenses += self.expenses(request)
        expenses = self.bulk("budget", Expense, expenses)
        for x in expenses:
            spent = at(x.date, 12)
            done = gettext("Sessions done")
            movements.append(movement(x.request, MovementKind.SPEND, x.amount, spent, done, x))
            movements.append(movement(x.request, MovementKind.RELEASE, -x.amount, spent, done, x))
            if x.status == ExpenseStatus.PAID:
                paid = at(x.paid_on or x.date, 12)
                why = gettext("Paid, reference %(reference)s") % {"reference": x.payment_reference}
                movements.append(movement(x.request, MovementKind.PAY, x.amount, paid, why, x))
        self.append("budget", BudgetMovement, movements)

    def rate_for(self, pathway: str, on: datetime.date) -> BudgetRate | None:
        return next(
            (r for r in self.budget_rates if r.pathway == pathway and r.valid_from <= on), None
        )

    def envelopes(self, patient: Patient) -> list[BudgetEnvelope]:
        inclusion = patient.inclusion_date or self.today
        rows = []
        year = 1
        while (starts := add_years(inclusion, year - 1)) <= self.today:
            rate = self.rate_for(patient.pathway, starts)
            rows.append(
                BudgetEnvelope(
                    patient=patient,
                    year=year,
                    starts_on=starts,
                    ends_on=add_years(inclusion, year),
                    amount=rate.amount if rate else Decimal("600.00"),
                    rate=rate,
                    opened_at=at(starts, 6),
                )
            )
            year += 1
        return rows

    def care_request(self, envelope: BudgetEnvelope) -> SupplementaryCare | None:
        if self.rng.random() >= 0.6 or envelope.amount < Decimal("500.00"):
            return None
        last = min(envelope.ends_on, self.today - 2 * DAY)
        span = max(0, (last - envelope.starts_on).days)
        requested = at(envelope.starts_on + self.rng.randint(0, span) * DAY, 11)
        return SupplementaryCare(
            envelope=envelope,
            category=self.rng.choice(self.categories),
            provider=self.rng.choice(self.providers),
            sessions=self.rng.randint(4, 10),
            unit_price=Decimal(self.rng.choice(("40.00", "45.00", "50.00"))),
            prescriber=envelope.patient.coordinator,
            requested_at=requested,
            status=CareRequestStatus.APPROVED,
            decided_by=envelope.patient.coordinator,
            decided_at=min(requested + 2 * DAY, self.now),
        )

    def expenses(self, request: SupplementaryCare) -> list[Expense]:
        decided = timezone.localdate(request.decided_at or self.now)
        done = self.rng.randint(0, request.sessions)
        rows = []
        for number, sessions in enumerate((done // 2, done - done // 2)):
            day = decided + 10 * (number + 1) * DAY
            if not sessions or day >= self.today:
                continue
            paid = self.rng.random() < 0.5 and day + 5 * DAY < self.today
            rows.append(
                Expense(
                    request=request,
                    sessions=sessions,
                    date=day,
                    amount=request.unit_price * sessions,
                    recorded_by=request.prescriber,
                    recorded_at=at(day, 17),
                    status=ExpenseStatus.PAID if paid else ExpenseStatus.TO_PAY,
                    paid_on=day + 5 * DAY if paid else None,
                    paid_by=self.admin if paid else None,
                    payment_reference=f"VIR-{day:%Y%m%d}-{number}" if paid else "",
                )
            )
        return rows

    # --- indemnities ----------------------------------------------------------------------

    def indemnities(self, contributions: list[Contribution], attendances: list[Attendance]) -> None:
        """An accrual per contribution and per presence of a liberal professional, at the
        rate in force that day; the lines of the months before this one approved."""
        pro_of_user = {p.user_id: p for p in self.pros if p.user_id}
        lines: list[IndemnityLine | None] = []
        for c in contributions:
            pro = pro_of_user.get(c.author_id)
            kind = self.contribution_kind.get(c.kind)
            if pro and kind:
                day = timezone.localdate(c.submitted_at or self.now)
                lines.append(self.line(pro, kind, day, c.sic, contribution=c))
        for a in attendances:
            pro = self.pro_of[a.membership.professional_id]
            if a.present and self.attendance_kind:
                day = timezone.localdate(a.sic.held_at or self.now)
                lines.append(self.line(pro, self.attendance_kind, day, a.sic, attendance=a))
        before = IndemnityLine.objects.aggregate(last=Max("pk"))["last"] or 0
        self.append("indemnities", IndemnityLine, [x for x in lines if x is not None])
        # Approved by the admin ten days after the work, the months before this one: written
        # by the database from the lines just written (INSERT … SELECT).
        approved = IndemnityLine.objects.filter(
            pk__gt=before, worked_on__lt=self.today.replace(day=1)
        )
        self.report.rows["indemnities"] += approved.count()
        approved_at = Least(
            ExpressionWrapper(
                F("created_at") + Value(datetime.timedelta(days=10) - 9 * HOUR),
                output_field=models.DateTimeField(),
            ),
            Value(self.now, output_field=models.DateTimeField()),
        )
        insert_select(
            LineApproval,
            ["line", "by", "at"],
            approved.values_list("pk", Value(self.admin.pk), approved_at),
        )

    def line(
        self, pro: Pro, kind: int, day: datetime.date, sic: Sic, **source: object
    ) -> IndemnityLine | None:
        if not pro.liberal:
            return None
        rate = self.rates.find(kind, pro.profession, day)
        if rate is None:
            return None
        return IndemnityLine(
            professional_id=pro.pk,
            kind_id=kind,
            entry=LineEntry.ACCRUAL,
            amount=rate.amount,
            rate=rate,
            worked_on=day,
            patient_id=sic.patient_id,
            sic=sic,
            created_at=at(day, 18),
            **source,
        )


def copy_rows(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """Write `rows` (unsaved instances, their related rows saved before they were assigned,
    so that each foreign key's id is set) with one COPY, the id left to the database. The
    values are the instances' own (defaults set at creation), JSON as text; the fields
    stamped on save (auto_now_add) through their `pre_save`."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if f is not model._meta.auto_field and not f.generated
    ]
    stamped = {
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    json_fields = {f.attname: f for f in fields if isinstance(f, models.JSONField)}
    buffer = io.StringIO()
    for row in rows:
        values = []
        for f in fields:
            value = f.pre_save(row, add=True) if f.attname in stamped else getattr(row, f.attname)
            if f.attname in json_fields:
                value = json.dumps(value, cls=json_fields[f.attname].encoder)
            values.append(copy_text(value))
        buffer.write("\t".join(values) + "\n")
    buffer.seek(0)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN", buffer)


def movement(
    request: SupplementaryCare,
    kind: str,
    amount: Decimal,
    when: datetime.datetime | None,
    why: str,
    expense: Expense | None = None,
) -> BudgetMovement:
    """A row of the envelope's ledger, as the budget's services write it."""
    return BudgetMovement(
        envelope_id=request.envelope_id,
        category_id=request.category_id,
        kind=kind,
        amount=amount,
        by_id=expense.recorded_by_id if expense else request.decided_by_id,
        at=when or timezone.now(),
        why=why,
        request=request,
        expense=expense,
    )


def default_role(profession: str) -> str:
    return Professional(profession=profession).default_team_role


# --- Reproducibility ------------------------------------------------------------------------------


def cohort_digest() -> str:
    """A fingerprint of what a run wrote that does not depend on the database's ids: the
    patients (by their generated uuid), their SICs, plans and reads, the directory."""
    digest = hashlib.sha256()
    queries: list[models.QuerySet[Any, Any]] = [
        Patient.objects.order_by("pk").values_list(
            "pk", "last_name", "first_name", "birth_date", "pathway", "inclusion_date", "nir"
        ),
        Professional.objects.order_by("rpps").values_list(
            "rpps", "last_name", "first_name", "profession", "practice_mode"
        ),
        Sic.objects.order_by("patient", "due_date").values_list(
            "patient", "due_date", "status", "held_at", "scheduled_at"
        ),
        CarePlan.objects.order_by("patient", "version").values_list(
            "patient", "version", "status", "validated_at"
        ),
        AccessLogEntry.objects.order_by("patient", "at", "what").values_list(
            "patient", "at", "what"
        ),
        IndemnityLine.objects.order_by("patient", "worked_on", "amount").values_list(
            "patient", "worked_on", "amount"
        ),
    ]
    for query in queries:
        for row in query.iterator(chunk_size=5000):
            digest.update(repr(row).encode())
    return digest.hexdigest()
