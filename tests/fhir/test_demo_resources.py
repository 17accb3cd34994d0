"""Every resource of the demo, read through /fhir/, is valid FHIR: each patient's record
($everything), each resource of it read alone (and the same as in the record), each
questionnaire and the capability statement."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command

from interop.conformance import READABLE
from labparcours.models import User
from patients.models import Patient
from sic.models import ContributionKind
from tests.conftest import client_for
from tests.fhir.validation import valid

pytestmark = pytest.mark.django_db


def test_every_resource_of_the_demo_validates_and_reads_alone_as_in_the_record() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    client = client_for(User.objects.get(email="coordinatrice@demo.test"))
    seen: Counter[str] = Counter()
    for pk in Patient.objects.values_list("pk", flat=True):
        bundle = valid(client.get(f"/fhir/Patient/{pk}/$everything").json())
        assert bundle["entry"][0]["resource"]["id"] == str(pk)
        for entry in bundle["entry"]:
            path = entry["fullUrl"].split("/fhir/", 1)[1]
            alone = client.get(f"/fhir/{path}")
            assert alone.status_code == 200, path
            assert alone.json() == entry["resource"], path
            seen[entry["resource"]["resourceType"]] += 1
    for kind in ContributionKind.values:
        valid(client.get(f"/fhir/Questionnaire/{kind.replace('_', '-')}").json())
    valid(client.get("/fhir/metadata").json())
    # The demo shows every type of resource the server reads (questionnaires apart).
    assert set(seen) == set(READABLE) - {"Questionnaire"}
