"""Widgets that pages render on every view, made without the template engine.

Django renders a select through a template that includes one more template per option (and
one for the attributes of each): a filter bar of three selects cost as much as a page of
rows. `Select` writes the same HTML in Python.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """` name="value"` for each attribute, ` name` alone for True, nothing for False (as
    django/forms/widgets/attrs.html)."""
    return format_html_join(
        "",
        " {}{}",
        (
            (name, format_html('="{}"', value) if value is not True else "")
            for name, value in attrs.items()
            if value is not False
        ),
    )


class Select(forms.Select):
    """Django's select, the same HTML, written without a template per option."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html: list[str] = [
            format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))
        ]
        for group, options, _index in widget["optgroups"]:
            if group:
                html.append(format_html('\n  <optgroup label="{}">', group))
            html += [
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',
                    option["value"],
                    _attrs(option["attrs"]),
                    option["label"],
                )
                for option in options
            ]
            if group:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # noqa: S308 — each part escaped by format_html
