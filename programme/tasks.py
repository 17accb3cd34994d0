"""The programme's periodic work: the indicators' default view computed ahead."""

from __future__ import annotations

from celery import shared_task

from labparcours.models import User
from labparcours.roles import PROGRAMME_STAFF
from programme.dashboard import warm_numbers
from programme.indicators import Filters


@shared_task
def warm_indicators() -> bool:
    """Each hour (beat): the figures of the indicators' page as it opens (the last twelve
    months, no filter) for the programme's staff, kept until the next run; False when the
    programme has no staff account yet. A run lost is not retried: the next one comes."""
    reader = User.objects.filter(role__in=PROGRAMME_STAFF, is_active=True).order_by("pk").first()
    if reader is None:
        return False
    warm_numbers(reader, Filters.default())
    return True
