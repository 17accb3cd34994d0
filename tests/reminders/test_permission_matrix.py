"""The reminder pages of a patient × every role × (own patient, another patient)."""

from labparcours.models import Role
from tests.conftest import World
from tests.factories import UserFactory
from tests.matrix import COORDINATOR, STAFF, Case, matrix_tests, p


def someone_to_remind(world: World, target: str) -> None:
    """Whom the coordinator may remind about the patient: the own patient's GP; the other
    patient, whose team has no account, gets an account of their own."""
    if target == "own":
        world.reminded = world.gp
        return
    world.reminded = UserFactory(role=Role.PATIENT, email="josiane@example.test")
    world.other.user = world.reminded
    world.other.save(update_fields=["user"])


PAGES = [
    Case("reminder history", p("/patients/{pk}/relances/"), STAFF),
    Case(
        "send a reminder",
        p("/patients/{pk}/relances/envoyer/"),
        COORDINATOR,
        method="post",
        ok=302,
        data=lambda w: {"recipient": w.reminded.pk, "topic": "sic"},
        before=someone_to_remind,
    ),
]

API: list[Case] = []


# The reminders have no endpoint in the API.
test_page_answers_each_role_as_designed, _no_endpoint = matrix_tests(PAGES, API)
