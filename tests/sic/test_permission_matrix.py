"""Every SIC page and endpoint × every role × (own patient, another patient)."""

import pytest

from sic.models import Contribution
from sic.services import sic_ensure_planned, sic_schedule
from tests.conftest import ROLES, World, soon
from tests.factories import hold, started
from tests.matrix import (
    CLINICIANS,
    EVERYONE_IN_SCOPE,
    PATIENT_SIDE,
    STAFF,
    Case,
    matrix_tests,
)

GP_SUMMARY = {"history": "h", "current_problems": "p", "expectations": "e"}
NOT_MEMBERS = {"admin": 404, "coordinator": 404, "patient_user": 404, "caregiver_user": 404}
CAN_RUN = frozenset({"coordinator", "gp"})
TEAM = frozenset({"admin", "coordinator", *CLINICIANS})


@pytest.fixture(scope="module")
def module_world(module_world: World, django_db_blocker) -> World:
    with django_db_blocker.unblock():
        return dress(module_world)


def dress(world: World) -> World:
    """Per patient, a SIC held, and the next one scheduled, its time come (it may be
    recorded), with a submitted GP summary."""
    world.sics, world.summaries, world.held = {}, {}, {}
    for target, patient in (("own", world.own), ("other", world.other)):
        world.held[target] = hold(
            started(sic_schedule(sic=sic_ensure_planned(patient=patient), at=soon())),
            by=world.coordinator,
        )
        sic = started(sic_schedule(sic=sic_ensure_planned(patient=patient), at=soon()))
        gp = patient.care_team.memberships.get(role="gp").professional
        author = gp.user or world.coordinator
        world.sics[target] = sic
        world.summaries[target] = Contribution.objects.create(
            sic=sic,
            kind="gp_summary",
            author=author,
            entered_by=author,
            content=GP_SUMMARY,
            status="submitted",
            submitted_at=sic.scheduled_at,
        )
    return world


def s(path: str):
    return lambda world, target: path.format(
        sic=world.sics[target].pk, c=world.summaries[target].pk, held=world.held[target].pk
    )


PAGES = [
    Case("sic calendar", s("/sic/"), STAFF, about_patient=False),
    Case(
        "patient sics",
        lambda w, t: f"/patients/{(w.own if t == 'own' else w.other).pk}/sic/",
        EVERYONE_IN_SCOPE,
    ),
    Case("sic detail", s("/sic/{sic}/"), EVERYONE_IN_SCOPE),
    Case("schedule form", s("/sic/{sic}/planifier/"), CAN_RUN),
    Case("hold form", s("/sic/{sic}/compte-rendu/"), CAN_RUN),
    Case(
        "cancel",
        s("/sic/{sic}/annuler/"),
        CAN_RUN,
        method="post",
        ok=302,
        data=lambda w: {"reason": "Hospitalisation"},
    ),
    Case(
        "answer",
        s("/sic/{sic}/reponse/"),
        frozenset(CLINICIANS),
        method="post",
        ok=302,
        data=lambda w: {"attending": "yes"},
        otherwise=NOT_MEMBERS,
    ),
    Case("write gp summary", s("/sic/{sic}/contribution/gp_summary/"), frozenset({"gp"})),
    Case(
        "write experience form",
        s("/sic/{sic}/contribution/patient_experience/"),
        frozenset({"coordinator", *PATIENT_SIDE}),
    ),
    Case("report pdf", s("/sic/{held}/rapport.pdf"), TEAM),
    # Before the SIC is held there is no report: the page offers no link to it.
    Case("report pdf of a SIC not held", s("/sic/{sic}/rapport.pdf"), TEAM, ok=404),
    Case("held sic detail", s("/sic/{held}/"), EVERYONE_IN_SCOPE),
    Case(
        "read contribution",
        s("/contributions/{c}/"),
        TEAM,
        otherwise={"patient_user": 404, "caregiver_user": 404},
    ),
]

API = [
    Case("sics", s("/api/v1/sics/"), frozenset(ROLES), about_patient=False),
    Case("sic", s("/api/v1/sics/{sic}/"), EVERYONE_IN_SCOPE),
    Case(
        "contributions list",
        s("/api/v1/contributions/"),
        frozenset(ROLES),
        about_patient=False,
    ),
    Case(
        "schedule",
        s("/api/v1/sics/{sic}/schedule/"),
        CAN_RUN,
        method="post",
        data=lambda w: {"at": soon(20).isoformat()},
    ),
    Case(
        "cancel",
        s("/api/v1/sics/{sic}/cancel/"),
        CAN_RUN,
        method="post",
        data=lambda w: {"reason": "Hospitalisation"},
    ),
    Case(
        "hold",
        s("/api/v1/sics/{sic}/hold/"),
        CAN_RUN,
        method="post",
        data=lambda w: {"minutes": "Point sur le traitement", "patient_present": True},
    ),
    Case("contributions", s("/api/v1/sics/{sic}/contributions/"), EVERYONE_IN_SCOPE),
    Case(
        "contribute",
        s("/api/v1/sics/{sic}/contributions/"),
        frozenset({"gp"}),
        method="post",
        ok=201,
        data=lambda w: {"kind": "gp_summary", "content": GP_SUMMARY},
    ),
    Case("report", s("/api/v1/sics/{held}/report.pdf"), TEAM),
    Case("report of a SIC not held", s("/api/v1/sics/{sic}/report.pdf"), TEAM, ok=409),
    Case(
        "contribution",
        s("/api/v1/contributions/{c}/"),
        TEAM,
        otherwise={"patient_user": 404, "caregiver_user": 404},
    ),
]


test_page_answers_each_role_as_designed, test_endpoint_answers_each_role_as_designed = matrix_tests(
    PAGES, API
)
