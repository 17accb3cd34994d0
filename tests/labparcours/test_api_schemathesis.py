"""The API keeps the promises of its schema: schemathesis draws requests from /api/schema/ for
every operation and sends them to the WSGI application (no server) with a coordinator's token
and a GP's, over the demo programme. Every answer must be documented (status and content
type), match its schema, and never be a server error.

Half of the drawn paths name a row that exists (a SIC, a plan, a request of the demo…), so
the answers are not all 404s; writes change the demo as they go, and the whole run is rolled
back with the test.

Four requests are drawn per operation (six until the suite had to fit its time budget): every
operation is still sent, with both tokens, about 720 requests in all.

Left out, with their reason:
- DELETE /api/v1/tokens/{id}/ revokes a token: it would revoke the run's own.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.apps import apps
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from labparcours.models import ApiToken, User

pytestmark = pytest.mark.django_db

EXAMPLES = 4  # per operation, each sent with both tokens: ~720 requests
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
EXCLUDED = {("DELETE", "/api/v1/tokens/{id}/")}

# The rows a path parameter names, by the collection it is under (or its own name).
ROWS = {
    "patients": "patients.Patient",
    "patient_pk": "patients.Patient",
    "professionals": "teams.Professional",
    "professional_id": "teams.Professional",
    "teams": "teams.CareTeam",
    "membership_pk": "teams.Membership",
    "sics": "sic.Sic",
    "contributions": "sic.Contribution",
    "careplans": "careplans.CarePlan",
    "budgets": "budget.BudgetEnvelope",
    "supplementary-care": "budget.SupplementaryCare",
    "expenses": "budget.Expense",
    "budget-movements": "budget.BudgetMovement",
    "pathway-events": "patients.PathwayEvent",
    "follow-up-contacts": "patients.FollowUpContact",
    "tokens": "labparcours.ApiToken",
    "indemnities": "indemnities.IndemnityLine",
    "indemnity-rates": "indemnities.IndemnityRate",
    "payment-batches": "indemnities.PaymentBatch",
    "opinion-requests": "opinions.OpinionRequest",
    "opinion-attachments": "opinions.OpinionAttachment",
    "thread-attachments": "threads.Attachment",
}


def existing(path: str, name: str) -> list[Any]:
    """Ids of rows that exist for the parameter `name` of `path`."""
    label = ROWS.get(name) or ROWS.get(path.split("/")[3])
    if label is None:
        return []
    return [str(pk) for pk in apps.get_model(label).objects.values_list("pk", flat=True)[:20]]


@pytest.fixture
def quiet_request_log() -> Iterator[None]:
    # Thousands of expected 4xx answers would each log a warning.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture
def api(settings: Any) -> Iterator[Any]:
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    settings.LABPARCOURS_API_RATE_LIMIT = ""  # the run sends more than an integrator may
    call_command("seed_demo", "--if-empty", stdout=io.StringIO())
    # As /api/schema/ serves it: plain JSON (the descriptions are lazy translations).
    raw = json.loads(
        json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str)
    )
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    # As Django's test client does: the requests run inside the test's transaction, so the
    # end of a request must not close the database connection (PostgreSQL would lose it).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schema
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def fuzz(operation: Any, tokens: list[str]) -> None:
    """Draw EXAMPLES requests of `operation`, each sent with every token, and check them."""
    ids = {
        parameter.name: existing(operation.path, parameter.name)
        for parameter in operation.path_parameters
    }

    @given(data=st.data())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy())
        for name, rows in ids.items():
            if rows and data.draw(st.booleans()):
                case.path_parameters[name] = data.draw(st.sampled_from(rows))
        for key in tokens:
            case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, checks=CHECKS)

    run()


def test_the_api_answers_as_its_schema_says(api: Any, quiet_request_log: None) -> None:
    tokens = [
        ApiToken.issue(user=User.objects.get(email=email), name="schemathesis")[1]
        for email in ("coordinatrice@demo.test", "medecin@demo.test")
    ]
    operations = [result.ok() for result in api.get_all_operations()]
    failures = []
    for operation in operations:
        if (operation.method.upper(), operation.path) in EXCLUDED:
            continue
        try:
            fuzz(operation, tokens)
        except (Exception, BaseExceptionGroup) as exc:  # every operation reported
            failures.append(f"{operation.method.upper()} {operation.path}\n{exc}")
    assert len(operations) > 70
    assert not failures, "\n\n".join(failures)
