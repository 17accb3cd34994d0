"""Tests use production's static-files storage: a missing static file fails a test."""

import pytest
from django.template import Context, Template


def render(name: str) -> str:
    return Template("{% load static %}{% static name %}").render(Context({"name": name}))


def test_a_static_file_resolves_to_its_hashed_name() -> None:
    url = render("css/app.css")
    assert url.startswith("/static/css/app.")
    assert url != "/static/css/app.css"


def test_a_template_naming_a_missing_static_file_fails() -> None:
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        render("css/does-not-exist.css")
