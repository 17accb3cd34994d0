"""SICs of the demo programme: every state shows, one of them overdue (see seed_demo)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from patients.models import Patient, PatientStatus
from sic.models import Attendance, Contribution, ContributionKind, Decision, Sic, next_due_date
from sic.services import sic_ensure_planned
from teams.models import Membership

CONTENT = {
    ContributionKind.GP_SUMMARY: {
        "history": "HTA, cardiopathie ischémique (stent 2016), DT2 depuis 2009. "
        "Hospitalisé en mars pour décompensation cardiaque.",
        "current_problems": "Essoufflement à l’effort, œdèmes des chevilles le soir, "
        "HbA1c à 8,4 %. Vit seul le jour, épouse au travail.",
        "expectations": "Ajuster le diurétique, organiser la surveillance du poids, "
        "revoir l’insuline avec la diabétologie.",
    },
    ContributionKind.MEDICATION_REVIEW: {
        "medications": [
            {"name": "Bisoprolol", "dose": "5 mg matin", "adherence": "good"},
            {"name": "Furosémide", "dose": "40 mg matin", "adherence": "partial"},
            {"name": "Sacubitril/valsartan", "dose": "49/51 mg x2", "adherence": "good"},
            {"name": "Metformine", "dose": "1000 mg x2", "adherence": "good"},
            {"name": "Insuline glargine", "dose": "18 UI soir", "adherence": "partial"},
        ],
        "interactions": "Pas d’interaction majeure. Attention AINS en automédication.",
        "problems": "Furosémide parfois sauté les jours de sortie. Ibuprofène acheté sans "
        "ordonnance pour des douleurs de genou.",
        "recommendations": "Pilulier hebdomadaire ; éviter les AINS (paracétamol) ; "
        "adapter l’heure du diurétique.",
    },
    ContributionKind.NURSING_ASSESSMENT: {
        "autonomy": "partial",
        "blood_pressure": "128/76",
        "heart_rate": 68,
        "weight_kg": "82.4",
        "weight_trend": "up",
        "home_situation": "Appartement au 2e sans ascenseur. Épouse présente le soir.",
        "needs": "Balance à domicile, éducation à l’auto-surveillance du poids.",
    },
    ContributionKind.SPECIALIST_OPINION: {
        "assessment": "IC à FE altérée (35 %), NYHA II-III. Congestion modérée.",
        "recommendations": "Majorer le furosémide si prise de poids > 2 kg en 3 jours ; "
        "réadaptation cardiaque à proposer.",
        "follow_up": "Échographie dans 6 mois.",
    },
    ContributionKind.PATIENT_EXPERIENCE: {
        "living_with_illness": "Je m’essouffle dans l’escalier, ça me fait peur.",
        "what_matters_most": "Pouvoir aller au marché le dimanche avec ma femme.",
        "difficulties": "Je ne sais jamais qui appeler quand ça ne va pas.",
        "goals": "Marcher 20 minutes par jour et ne plus retourner à l’hôpital.",
    },
}

MINUTES = (
    "Point sur la décompensation de mars. Poids en hausse de 2 kg depuis un mois. "
    "Le patient souhaite rester actif et sortir le dimanche. Accord sur une surveillance "
    "du poids par l’IDEL trois fois par semaine et un pilulier."
)
DECISIONS = [
    "Pesée trois fois par semaine par l’infirmière, alerte si +2 kg en 3 jours",
    "Pilulier hebdomadaire préparé par la pharmacie",
    "Orientation vers la réadaptation cardiaque",
    "Séances d’activité physique adaptée (APA) financées par l’enveloppe",
]


def _at(day: datetime.date, hour: int = 14) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _members(patient: Patient) -> dict[str, Membership]:
    members = Membership.objects.active().filter(team__patient=patient)
    return {m.role: m for m in members.select_related("professional__user")}


def _scheduled(patient: Patient, on: datetime.date) -> Sic:
    sic = Sic.objects.open().filter(patient=patient).first() or Sic.objects.create(
        patient=patient, due_date=next_due_date(patient)
    )
    sic.schedule(at=_at(on))
    Attendance.objects.bulk_create(
        [Attendance(sic=sic, membership=m) for m in _members(patient).values()],
        ignore_conflicts=True,
    )
    return sic


def _held(patient: Patient, on: datetime.date, *, with_contributions: bool) -> Sic:
    sic = _scheduled(patient, on)
    if with_contributions:
        _contribute(sic, ContributionKind.values, submitted_on=on - datetime.timedelta(days=3))
    sic.hold(minutes=MINUTES, patient_present=True, caregiver_present=True, held_at=_at(on))
    sic.attendances.update(present=True, response="confirmed")
    Decision.objects.bulk_create(
        Decision(sic=sic, text=text, position=i) for i, text in enumerate(DECISIONS)
    )
    return sic


def _contribute(
    sic: Sic, kinds: list[str], *, submitted_on: datetime.date | None, draft: list[str] = ()
) -> None:
    members = _members(sic.patient)
    authors = {
        ContributionKind.GP_SUMMARY: members.get("gp"),
        ContributionKind.MEDICATION_REVIEW: members.get("pharmacist"),
        ContributionKind.NURSING_ASSESSMENT: members.get("nurse"),
        ContributionKind.SPECIALIST_OPINION: members.get("specialist"),
    }
    for kind in kinds:
        if kind == ContributionKind.PATIENT_EXPERIENCE:
            author = sic.patient.user or sic.patient.coordinator
        else:
            member = authors.get(kind)
            author = member.professional.user if member else None
        if author is None:
            continue
        submitted = kind not in draft and submitted_on is not None
        Contribution.objects.create(
            sic=sic,
            kind=kind,
            author=author,
            entered_by=author,
            content=CONTENT[kind],
            status="submitted" if submitted else "draft",
            submitted_at=_at(submitted_on, 9) if submitted else None,
        )


def seed_sics(today: datetime.date) -> None:
    """Idempotent: a patient who already has SICs is left as they are."""
    day = datetime.timedelta(days=1)
    patients = Patient.objects.filter(status__in=[PatientStatus.INCLUDED, PatientStatus.EXITED])
    for patient in patients.exclude(sics__isnull=False).select_related("user", "coordinator"):
        months = (today - patient.inclusion_date).days // 30
        if patient.status == PatientStatus.EXITED:
            _held(patient, patient.inclusion_date + 40 * day, with_contributions=False)
        elif patient.last_name == "Lambert":
            # patient@demo.test: a full SIC held, the next one scheduled and in preparation.
            _held(patient, patient.inclusion_date + 38 * day, with_contributions=True)
            upcoming = _scheduled(patient, today + 12 * day)
            _contribute(
                upcoming,
                [ContributionKind.GP_SUMMARY, ContributionKind.MEDICATION_REVIEW],
                submitted_on=today - day,
                draft=[ContributionKind.MEDICATION_REVIEW],
            )
        elif patient.last_name == "Lecomte":
            _held(patient, patient.inclusion_date + 45 * day, with_contributions=True)
            cancelled = _scheduled(patient, today - 10 * day)
            cancelled.cancel(reason="Patiente hospitalisée la veille (décompensation).")
            sic_ensure_planned(patient=patient)
        elif patient.last_name == "Wallart":
            # Held three days ago by video, but nobody has recorded it yet.
            _scheduled(patient, today - 3 * day)
        elif months >= 4:
            _held(patient, patient.inclusion_date + 40 * day, with_contributions=True)
            if months >= 11:
                _held(patient, patient.inclusion_date + 225 * day, with_contributions=False)
            sic_ensure_planned(patient=patient)
        else:
            # Included recently: the first SIC is due (overdue for some of them).
            sic_ensure_planned(patient=patient)
