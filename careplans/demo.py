"""Care plans of the demo programme (see seed_demo): every state shows."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from weasyprint import HTML

from careplans.models import Action, ActionStatus, CarePlan, Goal, Owner, PlanStatus
from labparcours.models import User
from patients.models import Patient
from sic.models import SicStatus
from teams.models import Membership

GOALS = [
    "Aller au marché le dimanche avec ma femme",
    "Ne plus retourner à l’hôpital cette année",
]
# (what, owner: team role or "patient"/"caregiver"/"provider:<name>", when, days until due)
ACTIONS = [
    (
        "Pesée trois fois par semaine, alerte si +2 kg en 3 jours",
        "nurse",
        "lundi, mercredi, vendredi",
        None,
    ),
    ("Préparer le pilulier de la semaine", "pharmacist", "chaque vendredi", None),
    ("Orienter vers la réadaptation cardiaque", "specialist", "avant la prochaine SIC", 45),
    (
        "Séances d’activité physique adaptée",
        "provider:Association Sport Santé Métropole (APA)",
        "deux fois par semaine",
        None,
    ),
    ("Marcher 20 minutes chaque jour", "patient", "tous les jours", None),
    ("Noter le poids dans le carnet", "caregiver", "à chaque pesée", None),
]


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(11)))


def _plan(
    patient: Patient,
    version: int,
    by: User,
    status: str,
    *,
    sic: object = None,
    actions: list = ACTIONS,
    goals: list = GOALS,
    today: datetime.date,
) -> CarePlan:
    members = {m.role: m for m in Membership.objects.active().filter(team__patient=patient)}
    plan = CarePlan.objects.create(
        patient=patient, version=version, sic=sic, created_by=by, status=status
    )
    Goal.objects.bulk_create(Goal(plan=plan, text=t, position=i) for i, t in enumerate(goals))
    rows = []
    for i, (what, who, when, days) in enumerate(actions):
        owner, membership, provider = who, None, ""
        if who.startswith("provider:"):
            owner, provider = Owner.PROVIDER, who.split(":", 1)[1]
        elif who not in {Owner.PATIENT, Owner.CAREGIVER}:
            if who not in members:
                continue
            owner, membership = Owner.MEMBER, members[who]
        due = today + datetime.timedelta(days=days) if days is not None else None
        rows.append(
            Action(
                plan=plan,
                what=what,
                owner=owner,
                membership=membership,
                provider=provider,
                when=when,
                due_date=due,
                position=i,
            )
        )
    Action.objects.bulk_create(rows)
    return plan


def _signed_sheet(patient: Patient, plan: CarePlan) -> ContentFile:
    """A one-page PDF standing for the sheet the patient signed on paper (initials only)."""
    html = (
        f"<h1>Plan de soins personnalisé — version {plan.version}</h1>"
        f"<p>Patient : {patient.initials}</p><p>Lu et approuvé. Signature : ✍</p>"
    )
    return ContentFile(HTML(string=html).write_pdf(), name="feuille-signee.pdf")


def seed_careplans(today: datetime.date) -> None:
    """Idempotent: patients who already have a plan are left as they are."""
    coordinator = User.objects.get(email="coordinatrice@demo.test")
    day = datetime.timedelta(days=1)
    for patient in (
        Patient.objects.filter(care_plans__isnull=True, sics__status=SicStatus.HELD)
        .distinct()
        .select_related("user")
    ):
        first_sic = patient.sics.filter(status=SicStatus.HELD).order_by("held_at").first()
        held = timezone.localtime(first_sic.held_at).date()
        name = patient.last_name
        if name == "Lambert":
            # patient@demo.test: v1 validated online, v2 proposed and waiting for him.
            v1 = _plan(patient, 1, coordinator, PlanStatus.SUPERSEDED, sic=first_sic, today=held)
            v1.actions.filter(owner=Owner.MEMBER, membership__role="pharmacist").update(
                status=ActionStatus.DONE, done_at=_aware(held + 20 * day)
            )
            CarePlan.objects.filter(pk=v1.pk).update(
                status=PlanStatus.VALIDATED,
                proposed_at=_aware(held + 3 * day),
                validated_at=_aware(held + 6 * day),
                validated_by=patient.user,
                validation_method="online",
            )
            revised = [
                *ACTIONS[:4],
                ("Marcher 30 minutes chaque jour", "patient", "tous les jours", None),
                ACTIONS[5],
                (
                    "Consultation diététique (sel, diabète)",
                    "provider:Antoine Fontaine, diététicien",
                    "une fois par mois",
                    30,
                ),
            ]
            v2 = _plan(patient, 2, coordinator, PlanStatus.PROPOSED, actions=revised, today=today)
            CarePlan.objects.filter(pk=v2.pk).update(proposed_at=_aware(today - 8 * day))
        elif name in {"Vermeersch", "Dupuis", "Haddou"}:
            plan = _plan(patient, 1, coordinator, PlanStatus.PROPOSED, sic=first_sic, today=held)
            # Mme Haddou signed her plan on paper: the scanned sheet is kept with it.
            on_paper = name == "Haddou"
            if on_paper:
                plan.validation_scan.save("scan.pdf", _signed_sheet(patient, plan), save=True)
            CarePlan.objects.filter(pk=plan.pk).update(
                status=PlanStatus.VALIDATED,
                proposed_at=_aware(held + 2 * day),
                validated_at=_aware(held + 9 * day),
                validated_by=coordinator,
                validation_method="paper" if on_paper else "phone",
            )
        elif name == "Maes":
            # A plan in force with an action past its date: a point de rupture to follow.
            late = [("Bilan podologique annuel", "nurse", "une fois", -12), *ACTIONS[1:3]]
            plan = _plan(
                patient,
                1,
                coordinator,
                PlanStatus.PROPOSED,
                sic=first_sic,
                actions=late,
                today=today,
            )
            CarePlan.objects.filter(pk=plan.pk).update(
                status=PlanStatus.VALIDATED,
                proposed_at=_aware(held + 2 * day),
                validated_at=_aware(held + 5 * day),
                validated_by=coordinator,
                validation_method="phone",
            )
        elif name == "Boukhalfa":
            plan = _plan(
                patient, 1, coordinator, PlanStatus.CHANGES_REQUESTED, sic=first_sic, today=today
            )
            CarePlan.objects.filter(pk=plan.pk).update(
                proposed_at=_aware(today - 6 * day),
                changes_requested_at=_aware(today - 2 * day),
                changes_comment="Je ne peux pas marcher tous les jours à cause de mon genou ; "
                "je préfère la piscine deux fois par semaine.",
            )
        elif name == "Masquelier":
            plan = _plan(patient, 1, coordinator, PlanStatus.PROPOSED, sic=first_sic, today=today)
            CarePlan.objects.filter(pk=plan.pk).update(proposed_at=_aware(today - 16 * day))
        elif name == "Hennebert":
            _plan(patient, 1, coordinator, PlanStatus.DRAFT, sic=first_sic, today=today)
