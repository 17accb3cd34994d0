"""`labparcours_search_text(text)`: the text in capitals without its accents, as the searches
compare names on PostgreSQL (`labparcours.search`). `unaccent` is only stable (its dictionary
could change), so an index cannot be built on it; this function is declared immutable, as
PostgreSQL's documentation of `unaccent` suggests for indexing, with the extension's schema
and dictionary named, so that neither a session's `search_path` nor a rebuilt dictionary
changes what it returns. Nothing on SQLite."""

from django.db import migrations

FUNCTION = "labparcours_search_text"


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    # Trusted (PostgreSQL 13 and later): the owner of the database may create it. Left in place
    # when going back: another database object may have come to use it meanwhile.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'"
        )
        (schema,) = cursor.fetchone()
    schema_editor.execute(
        f"CREATE OR REPLACE FUNCTION {FUNCTION}(text) RETURNS text"
        " LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE"
        f" AS $$ SELECT upper({schema}.unaccent('{schema}.unaccent'::regdictionary, $1)) $$"
    )


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("labparcours", "0012_access_log_one_patient_index"),
    ]

    operations = [migrations.RunPython(forward, backward)]
