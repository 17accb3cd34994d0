"""How a message's text is shown: plain text, never HTML. Escaped first; then its http(s)
links become links that open elsewhere without giving this page away, the members it names
are marked, and its line breaks are kept."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# On the escaped text: a link ends at a space or at what escaping made of <, >, " and '.
_URL = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}"


def _link(match: re.Match[str]) -> str:
    url = match.group(0)
    # `&amp;` stays in the address (it is how & is written in HTML); an entity for a quote
    # or a bracket ends it.
    cut = re.search(r"&(?:quot|#x27|#39|lt|gt);", url)
    tail = ""
    if cut:
        url, tail = url[: cut.start()], url[cut.start() :]
    while url and url[-1] in _TRAILING:
        url, tail = url[:-1], url[-1] + tail
    return (
        f'<a href="{url}" rel="noopener noreferrer" target="_blank">{url}</a>{tail}'
        if url
        else tail
    )


def render_text(text: str, names: Iterable[str] = ()) -> SafeString:
    html = _URL.sub(_link, escape(text))
    for name in sorted(set(names), key=len, reverse=True):
        words = r"\s+".join(re.escape(escape(word)) for word in name.split())
        if words:
            html = re.sub(
                rf"@{words}(?!\w)",
                lambda m: f'<span class="mention">{m.group(0)}</span>',
                html,
                flags=re.IGNORECASE,
            )
    html = html.replace("\r\n", "\n").replace("\n", "<br>")
    return mark_safe(html)  # noqa: S308 — built from escaped text only


@register.filter
def message_text(message: object) -> SafeString:
    """The message's text as HTML, with its mentions (prefetched) marked."""
    mentions = getattr(message, "mentions", None)
    names = [m.user.get_full_name() for m in mentions.all()] if mentions is not None else []
    return render_text(getattr(message, "text", ""), names)


@register.filter
def plain_text(text: str) -> SafeString:
    """A previous text of a message (its history), shown as the message was."""
    return render_text(text)
