"""The dashboard's search reads names and cities without their accents on PostgreSQL
(`labparcours.search`): its trigram indexes are rebuilt on the expression it now compares,
`labparcours_search_text(column)` (capitals, no accents), in place of `UPPER(column)`
(migration 0005). In the database only, as before; nothing on SQLite."""

from django.db import migrations

SEARCHED = ("last_name", "first_name", "city")


# Each column's index: (name, expression), before this migration and after it.
BEFORE = ("patient_{}_trgm", "upper({}::text)")
AFTER = ("patient_{}_search", "labparcours_search_text({})")


def _rebuild(schema_editor, old: tuple[str, str], new: tuple[str, str]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {old[0].format(column)}")
        schema_editor.execute(
            f"CREATE INDEX {new[0].format(column)} ON patients_patient"
            f" USING gin ({new[1].format(column)} gin_trgm_ops)"
        )


def forward(apps, schema_editor) -> None:
    _rebuild(schema_editor, BEFORE, AFTER)


def backward(apps, schema_editor) -> None:
    _rebuild(schema_editor, AFTER, BEFORE)


class Migration(migrations.Migration):
    dependencies = [
        ("labparcours", "0013_search_text"),
        ("patients", "0005_patient_search_trigrams"),
    ]

    operations = [migrations.RunPython(forward, backward)]
