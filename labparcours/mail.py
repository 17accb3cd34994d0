"""How e-mails are written from templates: the HTML part escaped, the plain text not."""

from __future__ import annotations

from typing import Any, cast

from django.template import Context
from django.template.backends.django import Template as DjangoBackendTemplate
from django.template.loader import get_template


def render_text(template_name: str, context: dict[str, Any]) -> str:
    """A plain-text template — an e-mail's subject or text part — rendered without HTML
    escaping, so that an apostrophe or a link's `&` reaches the reader as typed (`&#x27;`
    and `&amp;` would corrupt them). HTML parts go through `render_to_string`, escaped."""
    # The template engine is Django's (settings.TEMPLATES): its templates wrap a `Template`.
    template = cast(DjangoBackendTemplate, get_template(template_name))
    return template.template.render(Context(context, autoescape=False))
