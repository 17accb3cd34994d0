"""The world of the FHIR tests: for each patient a SIC held with the patient's form and the
GP's summary submitted, a care plan in force and the next version in the making."""

from __future__ import annotations

from django.utils import timezone

from careplans.models import PlanStatus
from careplans.services import careplan_start
from patients.models import ConsentKind
from sic.models import Contribution, ContributionKind, ContributionStatus
from tests.conftest import World
from tests.factories import held_sic, make_plan
from tests.matrix import patient_of

FHIR = "application/fhir+json"


def _contribution(sic, kind: str, author, content: dict) -> Contribution:
    return Contribution.objects.create(
        sic=sic,
        kind=kind,
        author=author,
        entered_by=author,
        content=content,
        status=ContributionStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )


def dress(world: World) -> World:
    world.fhir = {}
    for target in ("own", "other"):
        patient = patient_of(world, target)
        own = target == "own"
        sic = held_sic(world, present=["gp", "nurse"] if own else [], patient=patient)
        experience = _contribution(
            sic,
            ContributionKind.PATIENT_EXPERIENCE,
            world.patient_user if own else world.coordinator,
            {"what_matters_most": "Aller au marché le dimanche", "goals": "Marcher"},
        )
        summary = _contribution(
            sic,
            ContributionKind.GP_SUMMARY,
            world.gp if own else world.coordinator,
            {
                "history": "IC depuis 2019",
                "current_problems": "Dyspnée d'effort",
                "expectations": "Ajuster le traitement",
                "hba1c_percent": "7.2",
                "hospitalisations": [{"date": "2026-01-10", "reason": "OAP", "days": 5}],
            },
        )
        in_force = make_plan(world, patient, status=PlanStatus.VALIDATED)
        draft = careplan_start(patient=patient, by=world.coordinator)
        gp = patient.care_team.memberships.get(role="gp", left_at__isnull=True)
        world.fhir[target] = {
            "patient": patient.pk,
            "team": patient.care_team.pk,
            "gp_role": gp.pk,
            "gp": gp.professional_id,
            "consent": patient.consents.get(kind=ConsentKind.TEAM_SHARING).pk,
            "plan": in_force.pk,
            "goal": in_force.goals.first().pk,
            "draft": draft.pk,
            "draft_goal": draft.goals.first().pk,
            "sic": sic.pk,
            "experience": experience.pk,
            "summary": summary.pk,
        }
    return world
