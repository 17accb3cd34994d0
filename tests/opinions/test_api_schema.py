"""The opinions' endpoints in the OpenAPI schema: valid, without a warning, each with the
refusals it can answer."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

EXPECTED = {
    "/api/v1/opinion-requests/": {
        "get": {"400", "403"},
        "post": {"400", "403", "404", "409"},
    },
    "/api/v1/opinion-requests/{id}/": {"get": {"403", "404"}},
    "/api/v1/opinion-requests/{id}/answer/": {"post": {"400", "403", "404", "409"}},
    "/api/v1/opinion-requests/{id}/close/": {"post": {"403", "404", "409"}},
    "/api/v1/opinion-attachments/": {"get": {"400", "403"}},
    "/api/v1/opinion-attachments/{id}/": {"get": {"403", "404"}},
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = Path(tmp_path_factory.mktemp("schema")) / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_every_opinion_endpoint_lists_its_refusals(schema: dict) -> None:
    paths = schema["paths"]
    for path, methods in EXPECTED.items():
        assert set(paths[path]) - {"parameters"} == set(methods), path
        for method, refusals in methods.items():
            answers = set(paths[path][method]["responses"])
            assert refusals <= answers, (path, method)
            assert answers & {"200", "201"}, (path, method)


def test_attachments_are_uploaded_as_multipart(schema: dict) -> None:
    create = schema["paths"]["/api/v1/opinion-requests/"]["post"]
    assert "multipart/form-data" in create["requestBody"]["content"]
