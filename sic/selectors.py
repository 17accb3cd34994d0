"""Reads of SICs, always through the access scope (the patient's)."""

from __future__ import annotations

import uuid

from django.db.models import Count, Q
from django.http import Http404

from labparcours.access import log_access
from labparcours.http import AuthenticatedHttpRequest
from labparcours.models import User
from sic.models import ContributionStatus, Sic, SicQuerySet


def visible_sics(user: User) -> SicQuerySet:
    return Sic.objects.visible_to(user)


def access_sic(request: AuthenticatedHttpRequest, pk: int | str, *, what: str) -> Sic:
    """The SIC if its patient is in `request.user`'s scope (the read is logged), else 404."""
    try:
        sic = visible_sics(request.user).select_related("patient__user").get(pk=pk)
    except (Sic.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    log_access(request, sic.patient, what)
    return sic


def with_contribution_counts(qs: SicQuerySet) -> SicQuerySet:
    return qs.annotate(
        n_submitted=Count(
            "contributions", filter=Q(contributions__status=ContributionStatus.SUBMITTED)
        )
    )


def open_sic_by_patient(patient_ids: list[uuid.UUID]) -> dict[uuid.UUID, Sic]:
    """The open (planned or scheduled) SIC of each patient, in one query."""
    return {sic.patient_id: sic for sic in Sic.objects.open().filter(patient_id__in=patient_ids)}


def my_contribution_states(user: User, sics: list[Sic]) -> dict[int, str]:
    """For each SIC, the state of `user`'s own contribution (draft/submitted), in one query."""
    from sic.models import Contribution

    rows = Contribution.objects.filter(sic__in=sics, author=user).values_list("sic_id", "status")
    return dict(rows)
