"""`labparcours.choices.display` answers what Django's `get_<field>_display()` answers, in the
reader's language, for a value among the choices and for one outside them."""

from __future__ import annotations

from django.utils import translation

from labparcours.choices import display
from labparcours.models import Role, User
from teams.models import Profession, Professional


def test_it_answers_as_django_does_in_each_language() -> None:
    professional = Professional(profession=Profession.CARDIOLOGIST)
    user = User(role=Role.COORDINATOR)
    for language in ("fr", "en"):
        with translation.override(language):
            assert display(professional, "profession") == professional.get_profession_display()
            assert display(user, "role") == user.get_role_display()
    with translation.override("fr"):
        assert display(professional, "profession") == "Cardiologue"


def test_a_value_outside_the_choices_is_shown_as_it_is() -> None:
    assert display(Professional(profession="retired"), "profession") == "retired"
