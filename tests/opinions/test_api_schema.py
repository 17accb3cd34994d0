"""The opinions' endpoints in the OpenAPI schema: valid, without a warning, each with the
refusals it can answer."""

from __future__ import annotations

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


def test_every_opinion_endpoint_lists_its_refusals(api_schema: dict) -> None:
    paths = api_schema["paths"]
    for path, methods in EXPECTED.items():
        assert set(paths[path]) - {"parameters"} == set(methods), path
        for method, refusals in methods.items():
            answers = set(paths[path][method]["responses"])
            assert refusals <= answers, (path, method)
            assert answers & {"200", "201"}, (path, method)


def test_attachments_are_uploaded_as_multipart(api_schema: dict) -> None:
    create = api_schema["paths"]["/api/v1/opinion-requests/"]["post"]
    assert "multipart/form-data" in create["requestBody"]["content"]
