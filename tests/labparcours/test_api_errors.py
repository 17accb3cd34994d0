"""Every refusal of the API has one shape, `{code, detail, errors?}` (the `Error` component),
and every operation documents the refusals it can answer."""

from __future__ import annotations

from django.test import Client

from labparcours.models import ApiToken
from tests.conftest import World, client_for


def bearer(user) -> Client:
    _, key = ApiToken.issue(user=user, name="script")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def assert_error(answer, status: int, code: str) -> dict:
    assert answer.status_code == status, answer.content
    assert answer["Content-Type"] == "application/json"
    body = answer.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


def test_a_payload_that_does_not_hold_answers_400_field_by_field(world: World) -> None:
    answer = bearer(world.coordinator).post(
        "/api/v1/pathway-events/",
        {"patient": str(world.own.pk), "kind": "hospitalisation", "occurred_on": "hier"},
        content_type="application/json",
    )
    body = assert_error(answer, 400, "invalid")
    assert body["detail"].startswith("Les données envoyées ne sont pas valides")
    assert "occurred_on" in body["errors"]
    assert isinstance(body["errors"]["occurred_on"][0], str)


def test_a_filter_that_does_not_hold_answers_400(world: World) -> None:
    answer = bearer(world.coordinator).get("/api/v1/supplementary-care/?envelope=1.5")
    assert "envelope" in assert_error(answer, 400, "invalid")["errors"]


def test_no_token_or_a_bad_one_answers_401(world: World) -> None:
    assert_error(Client().get("/api/v1/patients/"), 401, "not_authenticated")
    bad = Client(HTTP_AUTHORIZATION="Bearer nope").get("/api/v1/patients/")
    assert_error(bad, 401, "token_invalid")
    assert bad["WWW-Authenticate"] == "Bearer"


def test_a_role_that_may_not_answers_403(world: World) -> None:
    answer = bearer(world.gp).post(
        "/api/v1/patients/", {"last_name": "X"}, content_type="application/json"
    )
    assert_error(answer, 403, "permission_denied")
    care = bearer(world.patient_user).get("/api/v1/pathway-events/")
    assert_error(care, 403, "not_allowed")


def test_outside_the_scope_and_unknown_addresses_answer_404_alike(world: World) -> None:
    assert_error(bearer(world.gp).get(f"/api/v1/patients/{world.other.pk}/"), 404, "not_found")
    # An address no route matches, under /api/, answers in the same shape (not a page).
    assert_error(bearer(world.gp).get("/api/v1/thread-attachments/-1/download/"), 404, "not_found")
    assert_error(bearer(world.gp).get("/api/v1/patients/?cursor=nonsense"), 404, "not_found")


def test_a_rule_of_the_programme_answers_409(world: World) -> None:
    answer = bearer(world.coordinator).post(f"/api/v1/patients/{world.other.pk}/include/")
    assert answer.status_code in {200, 409}
    if answer.status_code == 409:
        assert_error(answer, 409, answer.json()["code"])
    again = bearer(world.coordinator).post(f"/api/v1/patients/{world.own.pk}/include/")
    assert_error(again, 409, again.json()["code"])


def test_every_operation_documents_its_refusals_in_the_one_shape(world: World) -> None:
    schema = client_for(world.coordinator).get("/api/schema/?format=json").json()
    error = {"$ref": "#/components/schemas/Error"}
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"code", "detail"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            assert {"401", "403", "429"} <= set(responses), (method, path)
            if "{" in path or method != "get":
                assert "404" in responses, (method, path)
            if method in {"post", "put", "patch", "delete"}:
                assert "409" in responses, (method, path)
            if "requestBody" in operation:
                assert "400" in responses, (method, path)
            for status, response in responses.items():
                if status >= "400":
                    content = response["content"]["application/json"]
                    if content["schema"] != error:  # the overdraft: the shape, and what is left
                        name = content["schema"]["$ref"].rsplit("/", 1)[1]
                        properties = schema["components"]["schemas"][name]["properties"]
                        assert {"code", "detail", "errors"} <= set(properties), name
                    assert content["examples"], (method, path)
