import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def validate_rpps(value: str) -> None:
    """An RPPS number has 11 digits, the last one a Luhn control key."""
    if not re.fullmatch(r"\d{11}", value or ""):
        raise ValidationError(_("The RPPS number must have exactly 11 digits."), code="rpps_format")
    if not luhn_ok(value):
        raise ValidationError(
            _("The RPPS control key is wrong: please check the number."), code="rpps_key"
        )
