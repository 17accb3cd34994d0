"""Names found by the words a user types: each word anywhere in the names (or the city, the
organisation), capitals or not and, on PostgreSQL, accents aside: « lefevre helene » finds
« Lefèvre Hélène », as a coordinator types it on a phone.

What a search reads is one column that the database keeps (`searchable`, a generated column):
the fields in capitals without their accents, through `labparcours_search_text` (labparcours
migration 0013: `upper(unaccent(…))`, declared immutable so that a stored column and a trigram
index may be built on it). Each row's text is worked out once, when it is written, not at each
search: a search of one or two letters, which no trigram index serves, reads the column as it
is instead of calling `unaccent` three times a row. The typed word goes through the same
function, folded to a constant before the plan. SQLite has no `unaccent`: there the column is
the fields in capitals, and the letters are compared as they are."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import Concat

SEARCH_TEXT = "labparcours_search_text"
# Between two fields in the column: a typed word never holds it, so no word is found running
# from the end of one field into the next.
SEPARATOR = " "


class SearchText(Func):
    """A text as the search compares it: in capitals, without its accents on PostgreSQL."""

    function = SEARCH_TEXT
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return super().as_sql(compiler, connection, function="UPPER", **extra_context)


def searchable(*fields: str) -> SearchText:
    """The expression of a generated column holding `fields` as the search reads them."""
    parts: list[Any] = []
    for field in fields:
        parts += [F(field), Value(SEPARATOR)]
    return SearchText(Concat(*parts[:-1], output_field=TextField()))


def words_in(text: str, column: str = "search_text") -> Q:
    """Each word of `text` found in `column` (a `searchable` column); an empty Q when
    nothing is typed."""
    found = Q()
    for word in text.split():
        found &= Q(**{f"{column}__contains": SearchText(Value(word))})
    return found


def trigram_index(schema_editor: Any, table: str, name: str, *, create: bool = True) -> None:
    """Create (or drop) on PostgreSQL the trigram index `name` of `table`'s search column,
    which serves a word of three letters or more (for migrations: in the database only, as
    SQLite has no GIN index). pg_trgm comes with patients migration 0005."""
    if schema_editor.connection.vendor != "postgresql":
        return
    if create:
        schema_editor.execute(
            f"CREATE INDEX {name} ON {table} USING gin (search_text gin_trgm_ops)"
        )
    else:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
