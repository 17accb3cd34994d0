"""Reads of SICs, always through the access scope (the patient's)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest

from labparcours.access import log_access
from labparcours.models import User
from sic.models import ContributionStatus, Sic


def visible_sics(user: User) -> QuerySet[Sic]:
    return Sic.objects.visible_to(user)


def access_sic(request: HttpRequest, pk: int | str, *, what: str) -> Sic:
    """The SIC if its patient is in `request.user`'s scope (the read is logged), else 404."""
    try:
        sic = visible_sics(request.user).select_related("patient__user").get(pk=pk)
    except (Sic.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    log_access(request, sic.patient, what)
    return sic


def with_contribution_counts(qs: QuerySet[Sic]) -> QuerySet[Sic]:
    return qs.annotate(
        n_submitted=Count(
            "contributions", filter=Q(contributions__status=ContributionStatus.SUBMITTED)
        )
    )
