"""Names found by the words a user types: each word anywhere in one of the fields, capitals or
not and, on PostgreSQL, accents aside: « lefevre helene » finds « Lefèvre Hélène », as a
coordinator types it on a phone.

On PostgreSQL both sides go through `labparcours_search_text` (labparcours migration 0013):
`upper(unaccent(…))`, declared immutable so that trigram indexes can be built on it (the
dashboard's, patients migration 0006) and the typed word is folded to a constant before the
plan. SQLite compares the letters as they are, capitals aside (`icontains`)."""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence

from django.db import connection
from django.db.models import Func, Q, TextField, Value
from django.db.models.lookups import Contains

SEARCH_TEXT = "labparcours_search_text"


class SearchText(Func):
    """A text as the search compares it on PostgreSQL: upper case, without its accents."""

    function = SEARCH_TEXT
    output_field = TextField()


def words_in(text: str, fields: Sequence[str]) -> Q:
    """Each word of `text` in one of `fields` at least (an empty Q when nothing is typed)."""
    found = Q()
    for word in text.split():
        found &= functools.reduce(operator.or_, (_contains(field, word) for field in fields))
    return found


def _contains(field: str, word: str) -> Q:
    if connection.vendor == "postgresql":
        return Q(Contains(SearchText(field), SearchText(Value(word))))
    return Q(**{f"{field}__icontains": word})
