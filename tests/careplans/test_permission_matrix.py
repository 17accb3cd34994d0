"""Every care-plan page and endpoint × every role × (own patient, another patient)."""

import pytest
from django.utils import timezone

from careplans.models import CarePlan, PlanStatus
from careplans.services import careplan_start
from sic.services import sic_ensure_planned, sic_hold, sic_schedule
from tests.conftest import ROLES, World, soon
from tests.factories import make_plan, started
from tests.matrix import (
    CLINICIANS,
    EVERYONE_IN_SCOPE,
    PATIENT_SIDE,
    Case,
    matrix_tests,
    patient_of,
)
from tests.uploads import signed_sheet

LEAD = frozenset({"coordinator", "gp"})
TEAM = frozenset({"admin", "coordinator", *CLINICIANS})
TO_MY_PLAN = {"patient_user": 302, "caregiver_user": 302}


def dress(world: World) -> World:
    """A validated plan (v1) and a draft (v2) for each patient, and a SIC held with one
    decision."""
    world.drafts, world.validated, world.held = {}, {}, {}
    for target in ("own", "other"):
        patient = patient_of(world, target)
        world.validated[target] = make_plan(world, patient, status=PlanStatus.VALIDATED)
        world.drafts[target] = careplan_start(patient=patient, by=world.coordinator)
        world.held[target] = sic_hold(
            sic=started(sic_schedule(sic=sic_ensure_planned(patient=patient), at=soon())),
            by=world.coordinator,
            minutes="Point sur le traitement",
            patient_present=True,
            caregiver_present=False,
            present_memberships=[],
            decisions=["Marcher 20 minutes par jour"],
        )
    return world


@pytest.fixture(scope="module")
def module_world(module_world: World, django_db_blocker) -> World:
    with django_db_blocker.unblock():
        return dress(module_world)


def propose(world: World, target: str) -> None:
    world.drafts[target].propose()


def ask_changes(world: World, target: str) -> None:
    """The target's draft proposed, and changes asked on it (written as the patient's answer
    leaves it: the other patient has no account to ask with)."""
    draft = world.drafts[target]
    draft.propose()
    CarePlan.objects.filter(pk=draft.pk).update(
        status=PlanStatus.CHANGES_REQUESTED,
        changes_comment="Plutôt la piscine",
        changes_requested_at=timezone.now(),
    )


def attach_scan(world: World, target: str) -> None:
    world.validated[target].validation_scan.save("scan.pdf", signed_sheet())


def aim(world: World, target: str) -> None:
    """The posted form names the decision of the target patient's SIC (`data` sees only the
    world)."""
    world.decision = world.held[target].decisions.get()


def decisions_to_actions(world: World) -> dict:
    return {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-decision": world.decision.pk,
        "form-0-include": "on",
        "form-0-what": world.decision.text,
        "form-0-who": "patient",
    }


def done_today(world: World, target: str) -> None:
    world.validated[target].actions.first().set_status("done")


def item(kind: str, suffix: str = ""):
    """The first goal or action of the target patient's draft, to rewrite in place."""

    def url(w: World, t: str) -> str:
        plan = w.drafts[t]
        items = plan.goals if kind == "objectifs" else plan.actions
        return f"/plans/{plan.pk}/{kind}/{items.first().pk}/modifier/{suffix}"

    return url


def pl(path: str, plan: str = "validated"):
    return lambda w, t: path.format(
        plan=getattr(w, plan)[t].pk,
        pk=patient_of(w, t).pk,
        action=w.validated[t].actions.first().pk,
    )


def from_sic(world: World, target: str) -> str:
    return f"/sic/{world.held[target].pk}/plan/"


PAGES = [
    Case("patient plans", pl("/patients/{pk}/plans/"), TEAM, otherwise=TO_MY_PLAN),
    Case("plan detail", pl("/plans/{plan}/"), TEAM, otherwise=TO_MY_PLAN),
    Case(
        "draft detail",
        pl("/plans/{plan}/", "drafts"),
        TEAM,
        otherwise={"patient_user": 404, "caregiver_user": 404},
    ),
    Case("plan pdf", pl("/plans/{plan}/pdf/"), EVERYONE_IN_SCOPE),
    Case(
        "signed sheet", pl("/plans/{plan}/feuille-signee/"), EVERYONE_IN_SCOPE, before=attach_scan
    ),
    Case("my plan", pl("/mon-plan/"), PATIENT_SIDE, about_patient=False),
    Case(
        "my actions",
        pl("/mes-actions/"),
        frozenset({*CLINICIANS, "former_member"}),
        about_patient=False,
    ),
    Case(
        "add goal",
        pl("/plans/{plan}/objectifs/", "drafts"),
        LEAD,
        method="post",
        ok=302,
        data=lambda w: {"text": "Nager"},
        otherwise={"patient_user": 404, "caregiver_user": 404},
    ),
    Case(
        "remove a goal",
        lambda w, t: f"/plans/{w.drafts[t].pk}/objectif/{w.drafts[t].goals.first().pk}/supprimer/",
        LEAD,
        method="post",
        ok=302,
        otherwise={"patient_user": 404, "caregiver_user": 404},
    ),
    Case(
        "edit a goal: the form",
        item("objectifs"),
        LEAD,
        otherwise={"patient_user": 404, "caregiver_user": 404},
    ),
    Case(
        "edit a goal",
        item("objectifs"),
        LEAD,
        method="post",
        ok=302,
        data=lambda w: {"text": "Aller au marché le samedi"},
        otherwise={"patient_user": 404, "caregiver_user": 404},
    ),
    Case(
        "edit an action: the form",
        item("actions"),
        LEAD,
        otherwise={"patient_user": 404, "caregiver_user": 404},
    ),
    Case(
        "edit an action",
        item("actions"),
        LEAD,
        method="post",
        ok=302,
        data=lambda w: {"what": "Marcher 30 minutes", "who": "patient"},
        otherwise={"patient_user": 404, "caregiver_user": 404},
    ),
    Case(
        "propose",
        pl("/plans/{plan}/proposer/", "drafts"),
        LEAD,
        method="post",
        ok=302,
        otherwise={"patient_user": 404, "caregiver_user": 404},
    ),
    Case(
        "validate",
        pl("/plans/{plan}/valider/", "drafts"),
        PATIENT_SIDE,
        method="post",
        ok=302,
        before=propose,
    ),
    Case(
        "validate: the confirmation",
        pl("/plans/{plan}/valider/", "drafts"),
        PATIENT_SIDE,
        before=propose,
    ),
    Case(
        "record validation",
        pl("/plans/{plan}/validation/", "drafts"),
        frozenset({"coordinator"}),
        method="post",
        ok=302,
        data=lambda w: {"method": "phone", "confirm": "on"},
        before=propose,
    ),
    Case(
        "request changes",
        pl("/plans/{plan}/modifications/", "drafts"),
        PATIENT_SIDE,
        method="post",
        ok=302,
        data=lambda w: {"comment": "Plutôt la piscine"},
        before=propose,
    ),
    Case(
        "answer the changes asked",
        pl("/plans/{plan}/reponse/", "drafts"),
        LEAD,
        method="post",
        ok=302,
        data=lambda w: {"answer": "D'accord pour la piscine"},
        before=ask_changes,
    ),
    Case(
        "follow an action",
        pl("/actions/{action}/statut/"),
        LEAD | {"nurse"},
        method="post",
        ok=302,
        data=lambda w: {"status": "done"},
    ),
    Case(
        "undo an action done",
        pl("/actions/{action}/annuler-fait/"),
        LEAD | {"nurse"},
        method="post",
        ok=302,
        before=done_today,
    ),
    Case("new version", pl("/patients/{pk}/plans/nouveau/"), LEAD, method="post", ok=302),
    Case(
        "add an action",
        pl("/plans/{plan}/actions/", "drafts"),
        LEAD,
        method="post",
        ok=302,
        data=lambda w: {"what": "Marcher 20 minutes", "who": "patient"},
        otherwise={"patient_user": 404, "caregiver_user": 404},
    ),
    Case("decisions to actions form", from_sic, LEAD),
    Case(
        "decisions to actions",
        from_sic,
        LEAD,
        method="post",
        ok=302,
        data=decisions_to_actions,
        before=aim,
    ),
]

API = [
    Case("careplans", pl("/api/v1/careplans/"), frozenset(ROLES), about_patient=False),
    Case("careplan", pl("/api/v1/careplans/{plan}/"), EVERYONE_IN_SCOPE),
    Case("careplan pdf", pl("/api/v1/careplans/{plan}/pdf/"), EVERYONE_IN_SCOPE),
    Case(
        "careplan scan",
        pl("/api/v1/careplans/{plan}/scan/"),
        EVERYONE_IN_SCOPE,
        before=attach_scan,
    ),
    Case(
        "validate",
        pl("/api/v1/careplans/{plan}/validate/", "drafts"),
        PATIENT_SIDE,
        method="post",
        before=propose,
    ),
    Case(
        "request changes",
        pl("/api/v1/careplans/{plan}/request-changes/", "drafts"),
        PATIENT_SIDE,
        method="post",
        data=lambda w: {"comment": "Plutôt la piscine"},
        before=propose,
    ),
]


test_page_answers_each_role_as_designed, test_endpoint_answers_each_role_as_designed = matrix_tests(
    PAGES, API
)
