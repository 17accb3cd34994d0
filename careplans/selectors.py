"""Reads of care plans, through the patient's access scope."""

from __future__ import annotations

from django.http import Http404

from careplans.models import CarePlan, CarePlanQuerySet, PlanStatus
from labparcours.access import log_access
from labparcours.http import AuthenticatedHttpRequest
from labparcours.models import User
from labparcours.permissions import is_patient_side


def visible_plans(user: User) -> CarePlanQuerySet:
    """Plans of the patients in scope; the patient's side does not see drafts in the making."""
    plans = CarePlan.objects.visible_to(user)
    if is_patient_side(user):
        plans = plans.exclude(status=PlanStatus.DRAFT)
    return plans


def access_plan(request: AuthenticatedHttpRequest, pk: int | str, *, what: str) -> CarePlan:
    try:
        plan = visible_plans(request.user).select_related("patient", "sic").get(pk=pk)
    except (CarePlan.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    log_access(request, plan.patient, what)
    return plan
