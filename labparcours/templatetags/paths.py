"""`{% url %}` for every template, its links made by `labparcours.links`: a list's rows
name a page or two each, and Django's tag walks the URL conf for each of them (a SIC calendar
of 25 rows reversed 51 paths a view, a tenth of its time).

Installed as a builtin (settings: TEMPLATES' `builtins`), so it replaces Django's tag under the
same name and syntax. It fills a path made once only for positional arguments that are ids
(whole numbers, UUIDs), whose text a path keeps as it is; any other link (keyword arguments,
text, a negative number) goes through Django's own tag, errors included. Django's tag passes
the page's namespace as `current_app`, which only chooses between several instances of one
namespace: the project installs none twice (a test holds it).
"""

from __future__ import annotations

import uuid

from django import template
from django.template.base import Parser, Token
from django.template.context import Context
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from labparcours.links import pages

register = template.Library()


def _is_id(value: object) -> bool:
    return (type(value) is int and value >= 0) or isinstance(value, uuid.UUID)


class PathNode(URLNode):
    def render(self, context: Context) -> str:
        if self.kwargs:
            return str(super().render(context))
        args = [arg.resolve(context) for arg in self.args]
        if not all(map(_is_id, args)):
            return str(super().render(context))
        try:
            path = pages(self.view_name.resolve(context), *map(type, args))(*args)
        except NoReverseMatch:
            return str(super().render(context))  # Django's answer: raised, or "" with `as`
        if self.asvar:
            context[self.asvar] = path
            return ""
        return str(conditional_escape(path)) if context.autoescape else path


@register.tag
def url(parser: Parser, token: Token) -> PathNode:
    """Django's `{% url %}`, parsed by Django (same syntax, same errors)."""
    node = django_url(parser, token)
    return PathNode(node.view_name, node.args, node.kwargs, node.asvar)
