"""The reads of the FHIR resources, each through the scope of the app that owns the data
(`Patient.objects.visible_to` and its siblings): a resource outside it is not found (404), as
on every page. Each read of a patient's data is logged; a directory read is not about a
patient, and a questionnaire is a blank form."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404
from rest_framework.request import Request

from careplans.models import Action, CarePlan, Goal
from careplans.selectors import visible_plans
from interop import conformance, people, plans, questionnaires
from interop.fhirtypes import Resource
from labparcours.access import log_access
from labparcours.http import api_user
from labparcours.permissions import can_browse_directory
from patients.models import Consent, Patient
from patients.selectors import visible_patients
from sic.models import Attendance, Contribution, Sic, SicStatus
from sic.selectors import visible_sics
from teams.models import CareTeam, Membership, Professional, TeamRole

_Row = TypeVar("_Row", bound=Model)

# What each read is about, as the access log stores it (labparcours/access_labels.py).
WHAT = {
    "Patient": "fhir patient",
    "PractitionerRole": "fhir care team",
    "CareTeam": "fhir care team",
    "CarePlan": "fhir care plan",
    "Goal": "fhir care plan",
    "Encounter": "fhir sic",
    "QuestionnaireResponse": "fhir sic contribution",
    "Consent": "fhir consents",
    "$everything": "fhir record",
}


def _one(rows: QuerySet[_Row], pk: str) -> _Row:
    """The row of `rows` (already cut to the caller's scope) with this id, else 404: an id
    of the wrong shape is not found either."""
    try:
        return rows.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def _members(*team_ids: int) -> QuerySet[Membership]:
    """The members of a team (or of several), in the order they joined."""
    return (
        Membership.objects.filter(team_id__in=team_ids)
        .select_related("professional")
        .order_by("joined_at", "pk")
    )


def _gps(memberships: Iterable[Membership]) -> list[Professional]:
    return [m.professional for m in memberships if m.left_at is None and m.role == TeamRole.GP]


def patient(request: Request, pk: str) -> Resource:
    found = _one(visible_patients(api_user(request)).select_related("care_team"), pk)
    log_access(request, found, WHAT["Patient"])
    return patient_resource(found)


def patient_resource(found: Patient) -> Resource:
    """The Patient resource of a patient read with their team (`select_related`), its GPs
    as general practitioners."""
    return patient_resources([found])[0]


def patient_resources(found: Sequence[Patient]) -> list[Resource]:
    """`patient_resource` of each patient, their teams' GPs read in one query."""
    teams = [team.pk for p in found if (team := getattr(p, "care_team", None)) is not None]
    gps: dict[int, list[Professional]] = defaultdict(list)
    if teams:
        for member in _members(*teams).filter(role=TeamRole.GP, left_at__isnull=True):
            gps[member.team_id].append(member.professional)
    resources = []
    for p in found:
        team = getattr(p, "care_team", None)
        resources.append(people.patient(p, gps=gps[team.pk] if team is not None else []))
    return resources


def visible_practitioners(user: Any) -> QuerySet[Professional]:
    """The directory is every professional's (as in the API); the patient's side reads the
    professionals who are, or were, in the patient's team."""
    professionals = Professional.objects.all()
    if not can_browse_directory(user):
        professionals = professionals.filter(
            pk__in=Membership.objects.filter(team__patient__in=visible_patients(user)).values(
                "professional"
            )
        )
    return professionals


def practitioner(request: Request, pk: str) -> Resource:
    return people.practitioner(_one(visible_practitioners(api_user(request)), pk))


def practitioner_role(request: Request, pk: str) -> Resource:
    memberships = Membership.objects.filter(
        team__patient__in=visible_patients(api_user(request))
    ).select_related("professional", "team__patient")
    membership = _one(memberships, pk)
    log_access(request, membership.team.patient, WHAT["PractitionerRole"])
    return people.practitioner_role(membership)


def care_team(request: Request, pk: str) -> Resource:
    teams = CareTeam.objects.filter(patient__in=visible_patients(api_user(request))).select_related(
        "patient"
    )
    team = _one(teams, pk)
    log_access(request, team.patient, WHAT["CareTeam"])
    return people.care_team(team, _members(team.pk))


def _with_content(plans_qs: QuerySet[CarePlan]) -> QuerySet[CarePlan]:
    return plans_qs.select_related("patient", "sic").prefetch_related(
        "goals",
        Prefetch("actions", Action.objects.select_related("membership__professional")),
    )


def _care_plan(plan: CarePlan, *, team_id: object | None, replaces: object | None) -> Resource:
    return plans.care_plan(
        plan,
        goals=plan.goals.all(),
        actions=plan.actions.all(),
        team_id=team_id,
        replaces=replaces,
    )


def care_plan(request: Request, pk: str) -> Resource:
    plan = _one(_with_content(visible_plans(api_user(request))), pk)
    previous = (
        CarePlan.objects.filter(patient_id=plan.patient_id, version__lt=plan.version)
        .order_by("-version")
        .values_list("pk", flat=True)
        .first()
    )
    team_id = CareTeam.objects.filter(patient_id=plan.patient_id).values_list("pk", flat=True)
    log_access(request, plan.patient, WHAT["CarePlan"])
    return _care_plan(plan, team_id=team_id.first(), replaces=previous)


def goal(request: Request, pk: str) -> Resource:
    goals = Goal.objects.filter(plan__in=visible_plans(api_user(request))).select_related(
        "plan__patient"
    )
    found = _one(goals, pk)
    log_access(request, found.plan.patient, WHAT["Goal"])
    return plans.goal(found, found.plan)


def _held(sics: QuerySet[Sic]) -> QuerySet[Sic]:
    """SICs held, with the members recorded present: the encounters."""
    return (
        sics.filter(status=SicStatus.HELD)
        .select_related("patient")
        .prefetch_related(
            Prefetch(
                "attendances",
                Attendance.objects.select_related("membership__professional").order_by("pk"),
            )
        )
    )


def encounter(request: Request, pk: str) -> Resource:
    sic = _one(_held(visible_sics(api_user(request))), pk)
    log_access(request, sic.patient, WHAT["Encounter"])
    return plans.encounter(sic, sic.attendances.all())


def _contributions(request: Request) -> QuerySet[Contribution]:
    """Submitted contributions and one's own drafts; the patient's side reads only the
    patient's form (`Contribution.objects.visible_to`)."""
    return Contribution.objects.visible_to(api_user(request)).select_related(
        "sic__patient", "author__professional"
    )


def questionnaire_response(request: Request, pk: str) -> Resource:
    contribution = _one(_contributions(request), pk)
    patient_found = contribution.sic.patient
    log_access(request, patient_found, WHAT["QuestionnaireResponse"])
    return questionnaires.questionnaire_response(
        contribution, patient_user_id=patient_found.user_id
    )


def questionnaire(request: Request, pk: str) -> Resource:
    kind = questionnaires.kind_of(pk)
    if kind is None:
        raise Http404
    return questionnaires.questionnaire(kind)


def consent(request: Request, pk: str) -> Resource:
    consents = Consent.objects.filter(
        patient__in=visible_patients(api_user(request))
    ).select_related("patient", "caregiver")
    found = _one(consents, pk)
    log_access(request, found.patient, WHAT["Consent"])
    return people.consent(found)


def _record(request: Request, found: Patient) -> list[Resource]:
    """Everything of the patient the caller may read, each kind of row in one query."""
    user = api_user(request)
    team = getattr(found, "care_team", None)
    members = list(_members(team.pk)) if team is not None else []
    record: list[Resource] = [people.patient(found, gps=_gps(members))]
    professionals = {m.professional_id: m.professional for m in members}
    record += [people.practitioner(pro) for pro in professionals.values()]
    record += [people.practitioner_role(m) for m in members]
    if team is not None:
        record.append(people.care_team(team, members))
    consents = Consent.objects.filter(patient=found).select_related("caregiver").order_by("pk")
    record += [people.consent(c) for c in consents]
    record += _plans(_with_content(visible_plans(user).filter(patient=found)), team)
    for sic in _held(visible_sics(user).filter(patient=found)).order_by("held_at", "pk"):
        record.append(plans.encounter(sic, sic.attendances.all()))
    contributions = _contributions(request).filter(sic__patient=found).order_by("pk")
    record += [
        questionnaires.questionnaire_response(c, patient_user_id=found.user_id)
        for c in contributions
    ]
    return record


def _plans(versions: QuerySet[CarePlan], team: CareTeam | None) -> list[Resource]:
    """Each version with its goals; each replaces the version before it."""
    found: list[Resource] = []
    previous: Any = None
    for plan in versions.order_by("version"):
        found.append(_care_plan(plan, team_id=team.pk if team else None, replaces=previous))
        found += [plans.goal(g, plan) for g in plan.goals.all()]
        previous = plan.pk
    return found


def everything(request: Request, pk: str) -> Resource:
    """Patient/{id}/$everything: the patient's record as one searchset bundle, one read of
    the record in the access log."""
    found = _one(visible_patients(api_user(request)).select_related("care_team"), pk)
    record = _record(request, found)
    log_access(request, found, WHAT["$everything"])
    return conformance.searchset(
        f"{conformance.full_url(record[0])}/$everything", [record[0]], record[1:]
    )
