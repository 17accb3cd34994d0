import datetime

import pytest
from django.utils import timezone

from sic.models import Sic
from sic.services import sic_ensure_planned, sic_schedule
from tests.conftest import World


def soon(days: int = 10, hour: int = 14) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def sics(world: World) -> dict[str, Sic]:
    """A scheduled SIC for the own patient and for the other one."""
    return {
        target: sic_schedule(sic=sic_ensure_planned(patient=patient), at=soon())
        for target, patient in (("own", world.own), ("other", world.other))
    }
