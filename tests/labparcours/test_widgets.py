"""The selects written without the template engine give the HTML Django's templates give."""

import pytest
from django import forms

from labparcours.widgets import Select

CHOICES = [
    ("", "Tous les parcours"),
    ("ic", "Insuffisance cardiaque (IC)"),
    ("Groupe <b>", [("a", "Un & deux"), ("b", 'Les "guillemets"')]),
    (3, "Trois"),
]


@pytest.mark.parametrize("value", [None, "", "ic", "a", 3, ["ic"]])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_pathway"}, {"id": "id_x", "required": True, "disabled": False}],
)
def test_a_select_is_the_html_djangos_template_makes(value: object, attrs: dict | None) -> None:
    ours = Select(choices=CHOICES).render("pathway", value, attrs)
    django = forms.Select(choices=CHOICES).render("pathway", value, attrs)
    assert ours == django
