"""Patients included in the programme, their consents and their caregivers."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from labparcours.errors import InvalidTransition
from labparcours.models import Role, User
from labparcours.roles import PROGRAMME_STAFF
from labparcours.search import searchable
from patients import criteria

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from patients.validators import normalise_nir, validate_nir


class Pathway(models.TextChoices):
    HEART_FAILURE = "ic", _("Heart failure (IC)")
    DIABETES = "dt2", _("Type 2 diabetes (DT2)")
    BOTH = "ic_dt2", _("Heart failure and type 2 diabetes")

    @property
    def criteria(self) -> Mapping[str, StrOrPromise]:
        return {
            "ic": criteria.HEART_FAILURE,
            "dt2": criteria.DIABETES,
            "ic_dt2": {**criteria.HEART_FAILURE, **criteria.DIABETES},
        }[self.value]


class PatientStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    INCLUDED = "included", _("Included")
    EXITED = "exited", _("Exited")


class ExitReason(models.TextChoices):
    DEATH = "death", _("Death")
    MOVED = "moved", _("Moved away")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    END_OF_PROGRAMME = "end_of_programme", _("End of programme")


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class ConsentKind(models.TextChoices):
    PARTICIPATION = "participation", _("Participation in the programme")
    TEAM_SHARING = "team_sharing", _("Sharing of data within the care team")
    SIC_ATTENDANCE = "sic_attendance", _("Attending the SICs")
    CAREGIVER_DELEGATION = "caregiver_delegation", _("Delegation to a caregiver")


REQUIRED_FOR_INCLUSION = (ConsentKind.PARTICIPATION, ConsentKind.TEAM_SHARING)


_Rows = TypeVar("_Rows", bound=models.QuerySet)


def _active_consent(kind: str, **extra: object) -> Exists:
    return Exists(
        Consent.objects.filter(
            patient=OuterRef("pk"), kind=kind, withdrawn_at__isnull=True, **extra
        )
    )


class PatientQuerySet(models.QuerySet["Patient"]):
    def visible_to(self, user: User) -> PatientQuerySet:
        """The only door to patients: those `user` may see (DESIGN.md, "who sees what").

        Admins and coordinators see the whole programme; a clinician the patients whose team
        they are an active member of and who consent to sharing within the team; a patient
        their own record; a caregiver the patient who delegated to them.

        Leaving the programme (exit) does not change the scope: the team keeps reading the
        patient's history. What asks for work stops instead: « Mes actions », reminders and
        SIC invitations leave exited patients out (`included()`, `patients.selectors.
        patient_audience`, the stated mirror of this scope: who may be told about a patient).
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role in PROGRAMME_STAFF:
            return self.all()
        if user.role == Role.CLINICIAN:
            from teams.models import Membership

            active_member = Membership.objects.active().filter(
                team__patient=OuterRef("pk"), professional__user=user
            )
            return self.filter(Exists(active_member), _active_consent(ConsentKind.TEAM_SHARING))
        if user.role == Role.PATIENT:
            return self.filter(user=user)
        if user.role == Role.CAREGIVER:
            delegated = Consent.objects.filter(
                patient=OuterRef("patient_id"),
                caregiver=OuterRef("pk"),
                kind=ConsentKind.CAREGIVER_DELEGATION,
                withdrawn_at__isnull=True,
            )
            links = Caregiver.objects.filter(patient=OuterRef("pk"), user=user).filter(
                Exists(delegated)
            )
            return self.filter(Exists(links))
        return self.none()

    def included(self) -> PatientQuerySet:
        return self.filter(status=PatientStatus.INCLUDED)

    def rows_of_visible(self, rows: _Rows, user: User, path: str = "patient") -> _Rows:
        """`rows` (SICs, plans…, reaching their patient by `path`) whose patient `user` may
        see: the door to a patient's rows. When the scope is the whole programme, no condition
        at all: every row has a patient, and `patient_id IN (every patient)` would only cost
        a join over the cohort on every count and page."""
        patients = self.visible_to(user)
        if not patients.query.where:
            return rows
        return rows.filter(**{f"{path}__in": patients})


class Patient(models.Model):
    """A patient included in the programme (patient inclus), on one or two pathways."""

    # What the coordinator records and may correct (form and API alike).
    EDITABLE_FIELDS = (
        "last_name",
        "first_name",
        "birth_name",
        "birth_date",
        "sex",
        "nir",
        "address",
        "postal_code",
        "city",
        "phone",
        "email",
        "pathway",
        "inclusion_criteria",
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    birth_name = models.CharField(_("birth name"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    nir = models.CharField(
        _("NIR / INS"),
        max_length=15,
        blank=True,
        validators=[validate_nir],
        help_text=_("Social security number, 15 characters with its key."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    pathway = models.CharField(_("pathway"), max_length=10, choices=Pathway.choices)
    inclusion_criteria = models.JSONField(_("inclusion criteria met"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PatientStatus.choices, default=PatientStatus.CANDIDATE
    )
    inclusion_date = models.DateField(_("inclusion date"), null=True, blank=True)
    exit_date = models.DateField(_("exit date"), null=True, blank=True)
    exit_reason = models.CharField(
        _("exit reason"), max_length=20, choices=ExitReason.choices, blank=True
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referring coordinator"),
        on_delete=models.PROTECT,
        related_name="coordinated_patients",
        limit_choices_to={"role": Role.COORDINATOR},
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("patient account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patient_record",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # What the dashboard's search reads (labparcours.search), kept by the database; its
    # trigram index is in the database only (patients migration 0006). Not in the history:
    # it is the names again.
    search_text = models.GeneratedField(
        expression=searchable("last_name", "first_name", "city"),
        output_field=models.TextField(),
        db_persist=True,
    )

    history = HistoricalRecords(excluded_fields=["search_text"])
    objects = PatientQuerySet.as_manager()

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ("last_name", "first_name")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["nir"],
                condition=~Q(nir=""),
                name="patient_unique_nir",
                violation_error_message=_("A patient with this NIR is already recorded."),
            ),
            models.CheckConstraint(
                condition=~Q(status="included") | Q(inclusion_date__isnull=False),
                name="patient_included_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="exited") | (Q(exit_date__isnull=False) & ~Q(exit_reason="")),
                name="patient_exited_has_date_and_reason",
            ),
        ]
        # The dashboard and « Mes patients » list by name: read in index order and cut by
        # LIMIT, instead of sorting the whole cohort for each page. The dashboard's search has
        # a trigram index on PostgreSQL, in the database only (migration 0006).
        # The FHIR search by identity traits (interop.search) requires the birth date: found
        # by it, then compared on the names, not by reading every patient.
        indexes: ClassVar = [
            models.Index(fields=["last_name", "first_name", "id"], name="patient_by_name"),
            models.Index(fields=["birth_date"], name="patient_by_birth_date"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"

    @property
    def initials(self) -> str:
        return f"{self.first_name[:1]}.{self.last_name[:1]}.".upper()

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    def age_on(self, day: datetime.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        self.nir = normalise_nir(self.nir)
        errors = {}
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = _("The birth date cannot be in the future.")
        if self.nir and self.birth_date and self.sex:
            expected_sex = "1" if self.sex == Sex.MALE else "2"
            if self.nir[0] in "12" and self.nir[0] != expected_sex:
                errors["nir"] = _("The NIR does not match the sex.")
            elif self.nir[1:3] != f"{self.birth_date:%y}":
                errors["nir"] = _("The NIR does not match the year of birth.")
        unknown = set(self.inclusion_criteria or []) - set(criteria.ALL)
        if unknown:
            errors["inclusion_criteria"] = _("Unknown inclusion criterion.")
        if errors:
            raise ValidationError(errors)

    def criteria_labels(self) -> list[str]:
        return [str(criteria.ALL[c]) for c in self.inclusion_criteria if c in criteria.ALL]

    def missing_inclusion_requirements(self, consent_kinds: set[str]) -> list[str]:
        """What still prevents inclusion: consents and criteria (in the user's language)."""
        missing = [
            gettext("Consent missing: %(kind)s") % {"kind": ConsentKind(kind).label}
            for kind in REQUIRED_FOR_INCLUSION
            if kind not in consent_kinds
        ]
        met = set(self.inclusion_criteria)
        pathways = {"ic": ["ic"], "dt2": ["dt2"], "ic_dt2": ["ic", "dt2"]}[self.pathway]
        if "ic" in pathways and not met & set(criteria.HEART_FAILURE):
            missing.append(gettext("At least one heart failure criterion is required."))
        if "dt2" in pathways and not met & set(criteria.DIABETES):
            missing.append(gettext("At least one diabetes criterion is required."))
        if not met & set(criteria.COMPLEXITY):
            missing.append(gettext("Medical or psycho-social complexity is required."))
        return missing

    def active_consent_kinds(self) -> set[str]:
        return set(
            self.consents.filter(withdrawn_at__isnull=True, caregiver__isnull=True).values_list(
                "kind", flat=True
            )
        )

    def include(self, *, on: datetime.date | None = None) -> None:
        """candidate → included, once the consents and criteria are there."""
        if self.status != PatientStatus.CANDIDATE:
            raise InvalidTransition(gettext("Only a candidate patient can be included."))
        missing = self.missing_inclusion_requirements(self.active_consent_kinds())
        if missing:
            raise InvalidTransition(" ".join(missing), code="inclusion_incomplete")
        self.status = PatientStatus.INCLUDED
        self.inclusion_date = on or timezone.localdate()
        self.save(update_fields=["status", "inclusion_date"])

    def exit(self, *, reason: str, on: datetime.date | None = None) -> None:
        """included → exited, with a reason; the record and its history stay."""
        if self.status != PatientStatus.INCLUDED:
            raise InvalidTransition(gettext("Only an included patient can leave the programme."))
        self.status = PatientStatus.EXITED
        self.exit_reason = ExitReason(reason)
        self.exit_date = on or timezone.localdate()
        self.save(update_fields=["status", "exit_reason", "exit_date"])


class Caregiver(models.Model):
    """A relative (aidant / proche) who may act for the patient, with the patient's consent."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="caregivers")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    relationship = models.CharField(_("relationship"), max_length=100)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="caregiver_links",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("caregiver")
        verbose_name_plural = _("caregivers")
        ordering = ("last_name", "first_name")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["patient", "email"], name="caregiver_unique_email"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.relationship})"


class ConsentQuerySet(models.QuerySet["Consent"]):
    def active(self) -> ConsentQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """A consent (consentement) given by the patient, and its withdrawal; never deleted."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("kind"), max_length=30, choices=ConsentKind.choices)
    caregiver = models.ForeignKey(
        Caregiver,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents",
        help_text=_("For a delegation: the caregiver it is given to."),
    )
    given_at = models.DateTimeField(_("given on"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()
    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ("kind", "-given_at")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["patient", "kind"],
                condition=Q(withdrawn_at__isnull=True, caregiver__isnull=True),
                name="consent_one_active_per_kind",
                violation_error_message=_("This consent is already recorded."),
            ),
            models.UniqueConstraint(
                fields=["patient", "kind", "caregiver"],
                condition=Q(withdrawn_at__isnull=True, caregiver__isnull=False),
                name="consent_one_active_delegation_per_caregiver",
                violation_error_message=_("The patient already delegates to this caregiver."),
            ),
            models.CheckConstraint(
                condition=Q(kind="caregiver_delegation", caregiver__isnull=False)
                | (~Q(kind="caregiver_delegation") & Q(caregiver__isnull=True)),
                name="consent_delegation_names_caregiver",
                violation_error_message=_(
                    "A delegation names its caregiver, and only a delegation does."
                ),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("given_at")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.patient}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    def withdraw(self) -> None:
        if self.withdrawn_at is not None:
            raise InvalidTransition(gettext("This consent has already been withdrawn."))
        self.withdrawn_at = timezone.now()
        self.save(update_fields=["withdrawn_at"])


# --- The pathway: events, follow-up windows after a discharge, contacts ---------------------


class EventKind(models.TextChoices):
    HOSPITALISATION = "hospitalisation", _("Hospitalisation")
    EMERGENCY = "emergency", _("Emergency visit without admission")
    DEATH = "death", _("Death")
    MOVED = "moved", _("Move out of the territory")


# The events after which the patient leaves the programme, and the reason of their exit.
EXIT_EVENTS: dict[str, ExitReason] = {
    EventKind.DEATH: ExitReason.DEATH,
    EventKind.MOVED: ExitReason.MOVED,
}
# The events that may carry a cause and an establishment.
CARE_EVENTS = (EventKind.HOSPITALISATION, EventKind.EMERGENCY)


class EventCause(models.TextChoices):
    HEART_FAILURE = "heart_failure", _("Heart failure")
    DIABETES = "diabetes", _("Diabetes")
    OTHER = "other", _("Other cause")


class EventSource(models.TextChoices):
    DISCHARGE_LETTER = "discharge_letter", _("Discharge letter")
    PATIENT_CALL = "patient_call", _("Call from the patient")
    RELATIVE = "relative", _("A relative")
    PROFESSIONAL = "professional", _("A professional of the team")
    DMP = "dmp", _("DMP (shared medical record)")
    OTHER = "other", _("Other source")


class PathwayEvent(models.Model):
    """An event of the patient's pathway (événement de parcours): a hospitalisation (recorded
    at admission, its discharge later), an emergency visit without admission, a death or a
    move out of the territory. A health record: every correction is kept in its history, and
    a discharge opens the follow-up windows (`FollowUpWindow`)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="pathway_events")
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    occurred_on = models.DateField(
        _("date"), help_text=_("Admission, visit, death or move: the day it happened.")
    )
    discharged_on = models.DateField(_("discharge date"), null=True, blank=True)
    cause = models.CharField(_("cause"), max_length=20, choices=EventCause.choices, blank=True)
    establishment = models.CharField(_("establishment"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=EventSource.choices)
    source_detail = models.CharField(
        _("source, details"),
        max_length=200,
        blank=True,
        help_text=_("E.g. who called, which letter."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded on"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pathway event")
        verbose_name_plural = _("pathway events")
        ordering = ("-occurred_on", "-pk")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True)
                | (Q(kind="hospitalisation") & Q(discharged_on__gte=models.F("occurred_on"))),
                name="pathway_event_discharge_after_admission",
                violation_error_message=_(
                    "Only a hospitalisation has a discharge, on or after its admission."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["hospitalisation", "emergency"])
                | (Q(cause="") & Q(establishment="")),
                name="pathway_event_cause_of_care_only",
                violation_error_message=_(
                    "Only a hospitalisation or an emergency visit has a cause and an establishment."
                ),
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(kind="death"),
                name="pathway_event_one_death",
                violation_error_message=_("The death of this patient is already recorded."),
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["patient", "-occurred_on"], name="pathway_event_by_patient"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.occurred_on:%d/%m/%Y}"

    @property
    def is_stay_open(self) -> bool:
        """A hospitalisation recorded at admission, its discharge still to record."""
        return self.kind == EventKind.HOSPITALISATION and self.discharged_on is None

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        today = timezone.localdate()
        errors = {}
        if self.occurred_on and self.occurred_on > today:
            errors["occurred_on"] = _("The date cannot be in the future.")
        if self.discharged_on and self.discharged_on > today:
            errors["discharged_on"] = _("The discharge cannot be recorded before it happens.")
        elif self.discharged_on and self.occurred_on and self.discharged_on < self.occurred_on:
            errors["discharged_on"] = _("The discharge cannot come before the admission.")
        if self.kind not in CARE_EVENTS:
            self.cause = ""
            self.establishment = ""
        if self.kind != EventKind.HOSPITALISATION and self.discharged_on:
            errors["discharged_on"] = _("Only a hospitalisation has a discharge.")
        if errors:
            raise ValidationError(errors)


class FollowUpKind(models.TextChoices):
    MEDICAL = "medical", _("Medical contact")
    SPECIALIST = "specialist", _("Specialist contact")


@dataclass(frozen=True)
class WindowRule:
    """How long after a discharge a contact is due, and from which day it is reminded."""

    days: int
    remind_on_day: int


# A medical contact (the GP or another physician of the team) within 7 days of a discharge,
# reminded on day 5; a specialist contact within 60 days, reminded on day 45.
WINDOW_RULES = {
    FollowUpKind.MEDICAL: WindowRule(days=7, remind_on_day=5),
    FollowUpKind.SPECIALIST: WindowRule(days=60, remind_on_day=45),
}


class FollowUpWindowQuerySet(models.QuerySet["FollowUpWindow"]):
    def unmet(self) -> FollowUpWindowQuerySet:
        """No contact recorded for it yet (open, or broken)."""
        return self.filter(contact__isnull=True)

    def still_open(self, today: datetime.date | None = None) -> FollowUpWindowQuerySet:
        return self.unmet().filter(closes_on__gte=today or timezone.localdate())

    def broken(self, today: datetime.date | None = None) -> FollowUpWindowQuerySet:
        """Missed, and no contact since: a break in the pathway (point de rupture)."""
        return self.unmet().filter(closes_on__lt=today or timezone.localdate())


class FollowUpWindow(models.Model):
    """A follow-up window (fenêtre de suivi) that a hospital discharge opens: a contact of
    its kind is due from the discharge to `closes_on`, the last day inside it (dates in
    Paris). Unmet when that day is over, it is a break (rupture) until a contact is made."""

    event = models.ForeignKey(PathwayEvent, on_delete=models.CASCADE, related_name="windows")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=FollowUpKind.choices)
    opens_on = models.DateField(_("from"))
    closes_on = models.DateField(_("until"))
    contact = models.ForeignKey(
        "FollowUpContact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="windows",
    )

    objects = FollowUpWindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up window")
        verbose_name_plural = _("follow-up windows")
        ordering = ("closes_on", "pk")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["event", "kind"], name="followup_window_once"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="followup_window_closes_after_it_opens",
            ),
        ]
        # « Ruptures » and the reminders read the unmet windows by their last day.
        indexes: ClassVar = [
            models.Index(
                fields=["closes_on", "patient"],
                condition=Q(contact__isnull=True),
                name="followup_window_unmet",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.closes_on:%d/%m/%Y}"

    @property
    def rule(self) -> WindowRule:
        return WINDOW_RULES[FollowUpKind(self.kind)]

    def state(self, today: datetime.date | None = None) -> str:
        """met (in time), late (a contact after the window), open or broken."""
        if self.contact is not None:
            return "met" if self.contact.contacted_on <= self.closes_on else "late"
        return "open" if (today or timezone.localdate()) <= self.closes_on else "broken"

    def days_left(self, today: datetime.date | None = None) -> int:
        return (self.closes_on - (today or timezone.localdate())).days


class FollowUpContact(models.Model):
    """A contact with the patient after a hospital discharge (contact de suivi): medical (the
    GP or another physician) or specialist, made on a day by a member of the team. It meets
    the unmet windows of its kind that were open by then."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="followup_contacts")
    kind = models.CharField(_("kind"), max_length=20, choices=FollowUpKind.choices)
    contacted_on = models.DateField(_("date of the contact"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("recorded on"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up contact")
        verbose_name_plural = _("follow-up contacts")
        ordering = ("-contacted_on", "-pk")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.contacted_on:%d/%m/%Y}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.contacted_on and self.contacted_on > timezone.localdate():
            raise ValidationError({"contacted_on": _("The contact cannot be in the future.")})
