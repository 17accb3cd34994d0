"""A field's choice label, as `get_<field>_display()` answers it, from a table made once per
field: Django's own method builds the table of the field's choices again at each call — on a
list that names each reader's profession, a table per row."""

from __future__ import annotations

import functools
from typing import Any

from django.db.models import Field, Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


@functools.cache
def _labels(field: Field) -> dict[Any, Any]:
    # The labels stay lazy: translated when shown, in the reader's language.
    return dict(make_hashable(field.flatchoices))


def display(instance: Model, name: str) -> str:
    """`instance.get_<name>_display()`: the label of the field's value, or the value when it
    is not one of the choices."""
    field = instance._meta.get_field(name)
    value = getattr(instance, field.attname)  # type: ignore[union-attr]
    return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)
