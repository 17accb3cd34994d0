"""Care-team pages and endpoints × every role × (own patient, another patient), and the
directory's entries (no patient) × every role.

The care team's reading and adding rows are in tests/patients/test_permission_matrix.py."""

from teams.models import Membership, Professional
from tests.conftest import World
from tests.matrix import COORDINATOR, PROS, Case, matrix_tests, patient_of


def gp_membership(world: World, target: str) -> Membership:
    """The patient's GP, an active member: the one who leaves."""
    return patient_of(world, target).care_team.memberships.get(role="gp", left_at__isnull=True)


def without_account(world: World) -> Professional:
    """The other patient's GP: in the directory, without an account (one can invite them)."""
    return world.other.care_team.memberships.get(role="gp").professional


def leave(path: str):
    return lambda w, t: path.format(
        pk=patient_of(w, t).pk, team=patient_of(w, t).care_team.pk, m=gp_membership(w, t).pk
    )


def entry(path: str):
    return lambda w, t: path.format(pro=without_account(w).pk)


PAGES = [
    Case("a member leaves: confirmation", leave("/patients/{pk}/equipe/{m}/depart/"), COORDINATOR),
    Case(
        "a member leaves",
        leave("/patients/{pk}/equipe/{m}/depart/"),
        COORDINATOR,
        method="post",
        ok=302,
    ),
    Case(
        "edit a directory entry",
        entry("/annuaire/{pro}/modifier/"),
        COORDINATOR,
        about_patient=False,
    ),
    Case(
        "invite a professional",
        entry("/annuaire/{pro}/invitation/"),
        COORDINATOR,
        method="post",
        ok=302,
        about_patient=False,
    ),
]

API = [
    Case(
        "a member leaves",
        leave("/api/v1/teams/{team}/members/{m}/leave/"),
        COORDINATOR,
        method="post",
    ),
    Case("directory entry", entry("/api/v1/professionals/{pro}/"), PROS, about_patient=False),
]


test_page_answers_each_role_as_designed, test_endpoint_answers_each_role_as_designed = matrix_tests(
    PAGES, API
)
