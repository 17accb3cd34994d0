"""`attempt`, the one way a page turns a refused domain action into a French message."""

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from labparcours.errors import DomainError
from labparcours.http import attempt


def _request():
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)
    return request


def _refuse(exc: Exception):
    def action() -> None:
        raise exc

    return action


def test_it_turns_a_model_check_refusal_into_a_message_instead_of_a_500() -> None:
    request = _request()
    ok = attempt(request, _refuse(ValidationError("La date est passée.")), success="Fait.")
    assert ok is False
    assert [str(m) for m in get_messages(request)] == ["La date est passée."]


def test_it_puts_the_refusal_on_the_form_shown_again() -> None:
    request = _request()
    form = forms.Form(data={})
    assert form.is_valid()
    assert attempt(request, _refuse(DomainError("Déjà tenue.")), form=form) is False
    assert form.non_field_errors() == ["Déjà tenue."]
    assert list(get_messages(request)) == []


def test_it_confirms_only_when_told_what_to_say() -> None:
    request = _request()
    assert attempt(request, lambda: None) is True
    assert list(get_messages(request)) == []
    assert attempt(request, lambda: None, success="Enregistré.") is True
    assert [str(m) for m in get_messages(request)] == ["Enregistré."]
