"""The budget's endpoints in the OpenAPI schema: valid, without a warning, each with the
refusals it can answer."""

from __future__ import annotations

# Path → method → the answers it documents beyond its success.
EXPECTED = {
    "/api/v1/budgets/": {"get": {"400", "403"}},
    "/api/v1/budgets/{id}/": {"get": {"403", "404"}},
    "/api/v1/supplementary-care/": {
        "get": {"400", "403"},
        "post": {"400", "403", "404", "409"},
    },
    "/api/v1/supplementary-care/{id}/": {"get": {"403", "404"}},
    "/api/v1/supplementary-care/{id}/approve/": {"post": {"403", "404", "409"}},
    "/api/v1/supplementary-care/{id}/refuse/": {"post": {"400", "403", "404", "409"}},
    "/api/v1/supplementary-care/{id}/cancel/": {"post": {"403", "404", "409"}},
    "/api/v1/expenses/": {"get": {"400", "403"}, "post": {"400", "403", "404", "409"}},
    "/api/v1/expenses/{id}/": {"get": {"403", "404"}},
    "/api/v1/expenses/{id}/mark-paid/": {"post": {"400", "403", "404", "409"}},
    "/api/v1/expenses/{id}/invoice/": {"get": {"403", "404"}},
    "/api/v1/budget-movements/": {"get": {"400", "403"}},
    "/api/v1/budget-movements/{id}/": {"get": {"403", "404"}},
}


def test_every_budget_endpoint_lists_its_refusals(api_schema: dict) -> None:
    paths = api_schema["paths"]
    for path, methods in EXPECTED.items():
        assert set(paths[path]) - {"parameters"} == set(methods), path
        for method, refusals in methods.items():
            answers = set(paths[path][method]["responses"])
            assert refusals <= answers, (path, method)
            assert answers & {"200", "201"}, (path, method)


def test_money_is_a_decimal_string_and_the_overdraft_says_what_is_left(api_schema: dict) -> None:
    components = api_schema["components"]["schemas"]
    envelope = components["Envelope"]["properties"]
    for name in ("allotted", "committed", "spent", "paid", "remaining"):
        assert envelope[name]["type"] == "string"
        assert envelope[name]["format"] == "decimal"
    assert set(components["Overdraft"]["properties"]) == {"code", "detail", "errors", "remaining"}
    approve = api_schema["paths"]["/api/v1/supplementary-care/{id}/approve/"]["post"]
    assert approve["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Overdraft"
    }


def test_the_invoice_is_uploaded_as_multipart(api_schema: dict) -> None:
    create = api_schema["paths"]["/api/v1/expenses/"]["post"]
    assert "multipart/form-data" in create["requestBody"]["content"]
