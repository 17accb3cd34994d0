"""Phone numbers and e-mail addresses as links a phone can follow: `{{ number|phone_link }}`
dials (`tel:`), `{{ address|email_link }}` writes (`mailto:`). Empty values show nothing."""

from __future__ import annotations

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

_NOT_DIALLED = re.compile(r"[^\d+]")


def dialled(number: str) -> str:
    """The number as a phone dials it: digits only, a French national number (0X XX XX XX XX)
    in its international form (+33 X XX XX XX XX), so that it works from abroad too."""
    digits = _NOT_DIALLED.sub("", number)
    if len(digits) == 10 and digits.startswith("0"):
        return "+33" + digits[1:]
    return digits


@register.filter
def phone_link(number: str | None) -> SafeString | str:
    if not number or not dialled(number):
        return number or ""
    return format_html('<a class="contact-link" href="tel:{}">{}</a>', dialled(number), number)


@register.filter
def email_link(address: str | None) -> SafeString | str:
    if not address:
        return ""
    return format_html('<a class="contact-link" href="mailto:{}">{}</a>', address, address)
