"""The directory of professionals and the care team around each patient."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from labparcours.errors import InvalidTransition
from labparcours.search import searchable, words_in
from teams.validators import validate_rpps


class Profession(models.TextChoices):
    GP = "gp", _("General practitioner")
    NURSE = "nurse", _("Nurse")
    PHARMACIST = "pharmacist", _("Pharmacist")
    CARDIOLOGIST = "cardiologist", _("Cardiologist")
    DIABETOLOGIST = "diabetologist", _("Diabetologist")
    NEPHROLOGIST = "nephrologist", _("Nephrologist")
    GERIATRICIAN = "geriatrician", _("Geriatrician")
    PULMONOLOGIST = "pulmonologist", _("Pulmonologist")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    DIETITIAN = "dietitian", _("Dietitian")
    APA_TEACHER = "apa_teacher", _("Adapted physical activity teacher")
    ETP_EDUCATOR = "etp_educator", _("Therapeutic patient education educator")
    PHYSIOTHERAPIST = "physiotherapist", _("Physiotherapist")
    PODIATRIST = "podiatrist", _("Podiatrist")
    OTHER = "other", _("Other")


SPECIALIST_PROFESSIONS = {
    Profession.CARDIOLOGIST,
    Profession.DIABETOLOGIST,
    Profession.NEPHROLOGIST,
    Profession.GERIATRICIAN,
    Profession.PULMONOLOGIST,
}


class PracticeMode(models.TextChoices):
    LIBERAL = "liberal", _("Liberal")
    HOSPITAL = "hospital", _("Hospital")
    SALARIED = "salaried", _("Salaried")


class ProfessionalQuerySet(models.QuerySet["Professional"]):
    def search(
        self, *, text: str = "", profession: str = "", city: str = ""
    ) -> ProfessionalQuerySet:
        # Accents aside on PostgreSQL: « lefevre » finds « Lefèvre » (labparcours.search).
        qs = self.filter(words_in(text))
        if profession:
            qs = qs.filter(profession=profession)
        if city:
            qs = qs.filter(city__icontains=city)
        return qs


class Professional(models.Model):
    """A health professional of the directory (annuaire des PS); may not have a login yet."""

    # What the coordinator records in the directory (form and API alike).
    EDITABLE_FIELDS = (
        "last_name",
        "first_name",
        "profession",
        "rpps",
        "practice_mode",
        "organisation",
        "address",
        "postal_code",
        "city",
        "phone",
        "email",
        "mssante_email",
    )

    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices)
    rpps = models.CharField(
        _("RPPS number"),
        max_length=11,
        blank=True,
        validators=[validate_rpps],
        help_text=_("11 digits; not every profession has one."),
    )
    practice_mode = models.CharField(
        _("practice mode"), max_length=20, choices=PracticeMode.choices
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    mssante_email = models.EmailField(_("MSSanté address"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="professional",
    )
    # What the directory's search reads (labparcours.search), kept by the database; its
    # trigram index is in the database only (teams migration 0005).
    search_text = models.GeneratedField(
        expression=searchable("last_name", "first_name", "organisation"),
        output_field=models.TextField(),
        db_persist=True,
    )
    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = ProfessionalQuerySet.as_manager()

    class Meta:
        verbose_name = _("health professional")
        verbose_name_plural = _("health professionals")
        ordering = ("last_name", "first_name")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["rpps"],
                condition=~Q(rpps=""),
                name="professional_unique_rpps",
                violation_error_message=_(
                    "A professional with this RPPS number is already recorded."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name(self.first_name, self.last_name)

    @staticmethod
    def full_name(first_name: str, last_name: str) -> str:
        """A professional's name as the application shows it (a list may hold only the two
        columns, not the professional)."""
        return f"{first_name} {last_name}"

    @property
    def default_team_role(self) -> str:
        if self.profession in SPECIALIST_PROFESSIONS:
            return TeamRole.SPECIALIST
        if self.profession in {TeamRole.GP, TeamRole.NURSE, TeamRole.PHARMACIST}:
            return self.profession
        return TeamRole.OTHER


class TeamRole(models.TextChoices):
    GP = "gp", _("General practitioner (médecin traitant)")
    NURSE = "nurse", _("Nurse")
    PHARMACIST = "pharmacist", _("Pharmacist")
    SPECIALIST = "specialist", _("Specialist")
    OTHER = "other", _("Other")


REQUIRED_ROLES = (TeamRole.GP, TeamRole.NURSE, TeamRole.PHARMACIST, TeamRole.SPECIALIST)


def role_counts(team: str = "team") -> dict[str, Coalesce]:
    """Annotations n_gp, n_nurse…: the active members per required role.

    `team` leads from a membership to the annotated row: "team" for a team, "team__patient"
    for a patient. Each count is a subquery of the row (not a join grouped over every row):
    a page sorted and cut by LIMIT counts only the rows it shows.
    """
    counts = {}
    for role in REQUIRED_ROLES:
        members = (
            Membership.objects.filter(**{team: OuterRef("pk")}, role=role, left_at__isnull=True)
            .order_by()
            .values(team)
            .annotate(n=Count("pk"))
            .values("n")
        )
        counts[f"n_{role}"] = Coalesce(Subquery(members), 0)
    return counts


def complete_teams() -> QuerySet[Any, Any]:
    """The ids of the teams with an active member in every required role: one aggregate over
    the active memberships by team (no join), not a count per patient."""
    return (
        Membership.objects.filter(role__in=REQUIRED_ROLES, left_at__isnull=True)
        .order_by()
        .values("team")
        .annotate(roles=Count("role", distinct=True))
        .filter(roles=len(REQUIRED_ROLES))
        .values("team")
    )


def team_incomplete() -> Q:
    """On patients: some required role has no active member, or no team at all (needs no
    annotation)."""
    return ~Q(care_team__in=complete_teams())


def missing_roles_among(present: Collection[str]) -> list[TeamRole]:
    """The required roles not in `present` (the roles of a team's active members)."""
    return [TeamRole(role) for role in REQUIRED_ROLES if role not in present]


def missing_roles_counted(row: object) -> list[TeamRole]:
    """The required roles with no active member, read from `role_counts` annotations."""
    return [TeamRole(role) for role in REQUIRED_ROLES if not getattr(row, f"n_{role}", 0)]


def missing_roles_of(patient_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[TeamRole]]:
    """Patient id → the required roles with no active member in their team (every role for a
    patient without a team), in one query: which required roles each team has, no count. For
    a page of a list, cheaper to build than a count subquery per role (`role_counts`)."""
    present: dict[uuid.UUID, set[str]] = {patient_id: set() for patient_id in patient_ids}
    rows = (
        Membership.objects.active()
        .filter(team__patient_id__in=present, role__in=REQUIRED_ROLES)
        .order_by()
        .values_list("team__patient_id", "role")
        .distinct()
    )
    for patient_id, role in rows:
        present[patient_id].add(role)
    return {patient_id: missing_roles_among(roles) for patient_id, roles in present.items()}


class CareTeamQuerySet(models.QuerySet["CareTeam"]):
    def with_role_counts(self) -> CareTeamQuerySet:
        return self.annotate(**role_counts("team"))


class CareTeam(models.Model):
    """The care team (équipe de soins) around ONE patient."""

    patient = models.OneToOneField(
        "patients.Patient", on_delete=models.CASCADE, related_name="care_team"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()
    objects = CareTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("care team")
        verbose_name_plural = _("care teams")

    def __str__(self) -> str:
        return gettext("Team of %(patient)s") % {"patient": self.patient}

    def missing_roles(self) -> list[TeamRole]:
        """Required roles with no active member; read from `with_role_counts` when annotated."""
        if hasattr(self, "n_gp"):
            return missing_roles_counted(self)
        return missing_roles_among(set(self.memberships.active().values_list("role", flat=True)))

    @property
    def is_complete(self) -> bool:
        return not self.missing_roles()


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(left_at__isnull=True)

    def leading_gps(self) -> MembershipQuerySet:
        """The GP who leads each team: its longest-standing active GP (the earliest joined,
        then the first recorded), one membership per team that has a GP. As a condition on
        the memberships, not a lookup per team: the database answers it for a whole cohort
        in one pass."""
        gps = self.model.objects.filter(role=TeamRole.GP, left_at__isnull=True)
        earlier = gps.filter(team=OuterRef("team")).filter(
            Q(joined_at__lt=OuterRef("joined_at"))
            | Q(joined_at=OuterRef("joined_at"), pk__lt=OuterRef("pk"))
        )
        return self.filter(role=TeamRole.GP, left_at__isnull=True).exclude(Exists(earlier))


class Membership(models.Model):
    """A professional's place in a care team; leaving keeps the row (history)."""

    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="memberships")
    professional = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role in the team"), max_length=20, choices=TeamRole.choices)
    joined_at = models.DateTimeField(_("joined on"), default=timezone.now)
    left_at = models.DateTimeField(_("left on"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ("role", "joined_at")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["team", "professional"],
                condition=Q(left_at__isnull=True),
                name="membership_one_active_per_professional",
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=models.F("joined_at")),
                name="membership_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.professional} — {self.get_role_display()}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None

    def leave(self) -> None:
        """The professional loses access to the patient from this moment."""
        if self.left_at is not None:
            raise InvalidTransition(gettext("This professional has already left the team."))
        self.left_at = timezone.now()
        self.save(update_fields=["left_at"])
