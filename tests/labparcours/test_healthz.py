import pytest
from django.db.utils import OperationalError
from django.test import Client


@pytest.mark.django_db
def test_it_reports_the_database_and_the_broker() -> None:
    response = Client().get("/healthz/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "database", "broker"}
    assert body["database"] == "ok"


@pytest.mark.django_db
def test_it_answers_503_when_the_database_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import connection

    def broken(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)
    response = Client().get("/healthz/")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


@pytest.mark.django_db
def test_it_says_nothing_else_about_the_installation() -> None:
    body = Client().get("/healthz/").content.decode()
    for secret in ("postgres", "sqlite", "redis://", "Django", "version"):
        assert secret not in body
