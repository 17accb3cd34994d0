"""Links to pages, made by the thousand: `page(name, *args)` is `reverse(name, args=args)`
with the URL conf walked once per page name and the arguments filled into its path.

`reverse` resolves the name and checks the arguments on every call: for a list page's rows
(a link or three per row) and the reminder rules (a link per candidate), that cost more than
the rows' SQL. The path of each name is reversed once, with sample arguments of the same
types, and kept (per URL conf and script prefix); each link is then a `str.format`.
"""

from __future__ import annotations

import functools
import string
import uuid
from collections.abc import Callable
from urllib.parse import quote

from django.db.models import CharField, Expression, Value
from django.db.models.functions import Concat
from django.urls import get_script_prefix, get_urlconf, reverse

# Values no path holds otherwise, one per type of argument the pages take.
_SAMPLES: tuple[tuple[type, object], ...] = (
    (int, 7_919_191_979),
    (uuid.UUID, uuid.UUID("5a5a5a5a-5a5a-4a5a-8a5a-5a5a5a5a5a5a")),
    (str, "x7sample7x"),
)
_SAFE = "/~:@!$&'()*+,;="


def page(name: str, *args: int | uuid.UUID | str) -> str:
    """`reverse(name, args=args)`, the path made once per name and filled in."""
    return pages(name, *(type(arg) for arg in args))(*args)


def pages(name: str, *types: type) -> Callable[..., str]:
    """The links to `name` for arguments of these types, as a function: `page(name, …)` for
    the rows of a list, with the URL conf looked up once for them all."""
    template = _page_template(name, types, get_urlconf(), get_script_prefix())
    if template is None:
        return lambda *args: reverse(name, args=args)
    return lambda *args: template.format(*map(_quoted, args))


def _quoted(arg: object) -> str:
    # A number or a UUID needs no quoting: its text is made of characters a path keeps.
    if isinstance(arg, int | uuid.UUID):
        return str(arg)
    return quote(str(arg), safe=_SAFE)


@functools.cache
def _page_template(
    name: str, types: tuple[type, ...], _urlconf: object, _prefix: str
) -> str | None:
    """The path of `name` with `{0}`, `{1}`… for its arguments (None: no sample fits)."""
    samples = []
    for kind in types:
        sample = next((value for base, value in _SAMPLES if issubclass(kind, base)), None)
        if sample is None:
            return None
        samples.append(sample)
    path = reverse(name, args=samples).replace("{", "{{").replace("}", "}}")
    for index, sample in enumerate(samples):
        if path.count(str(sample)) != 1:
            return None
        path = path.replace(str(sample), f"{{{index}}}")
    return path


def page_sql(name: str, *args: tuple[type, Expression]) -> Expression:
    """The link to `name` written by the database: each argument a (type, expression of its
    text) pair, e.g. (int, Cast("pk", CharField())); for the rows a query writes itself."""
    types = tuple(kind for kind, _ in args)
    template = _page_template(name, types, get_urlconf(), get_script_prefix())
    if template is None:
        raise ValueError(f"no path of {name} takes these arguments")
    parts: list[Expression] = []
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        if literal:
            parts.append(Value(literal))
        if field is not None:
            parts.append(args[int(field)][1])
    return parts[0] if len(parts) == 1 else Concat(*parts, output_field=CharField())
