"""Checks of French identifiers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_NIR = re.compile(r"^[1-478]\d{4}(?:\d{2}|2A|2B)\d{6}\d{2}$")


def normalise_nir(value: str) -> str:
    return re.sub(r"[\s.-]", "", value or "").upper()


def nir_key(first_13: str) -> int:
    """The control key of a NIR (numéro de sécurité sociale): 97 - (number mod 97).

    Corsican departments 2A and 2B count as 19 and 18.
    """
    number = first_13.replace("2A", "19").replace("2B", "18")
    return 97 - int(number) % 97


def validate_nir(value: str) -> None:
    nir = normalise_nir(value)
    if not _NIR.match(nir):
        raise ValidationError(
            _("The NIR must have 15 characters: 13 for the number and 2 for the key."),
            code="nir_format",
        )
    if nir_key(nir[:13]) != int(nir[13:]):
        raise ValidationError(
            _("The NIR control key is wrong: please check the number."), code="nir_key"
        )
