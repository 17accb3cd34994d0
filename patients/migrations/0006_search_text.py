"""The dashboard's search reads one column that the database keeps: the names and the city in
capitals without their accents (`labparcours.search`), so that « lefevre besancon » finds
« Lefèvre Hélène, Besançon » and a short word costs a read of that column, not of `unaccent`
three times a row. Its trigram index, on PostgreSQL, takes the place of the three of
migration 0005 (in the database only, as they were)."""

from django.db import migrations, models
from django.db.models.functions import Concat

from labparcours.search import SearchText, trigram_index

TABLE, INDEX = "patients_patient", "patient_search_text"
BEFORE = ("last_name", "first_name", "city")  # migration 0005's indexes, one per column


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for column in BEFORE:
            schema_editor.execute(f"DROP INDEX IF EXISTS patient_{column}_trgm")
    trigram_index(schema_editor, TABLE, INDEX)


def backward(apps, schema_editor) -> None:
    trigram_index(schema_editor, TABLE, INDEX, create=False)
    if schema_editor.connection.vendor == "postgresql":
        for column in BEFORE:
            schema_editor.execute(
                f"CREATE INDEX patient_{column}_trgm ON {TABLE}"
                f" USING gin (upper({column}::text) gin_trgm_ops)"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("labparcours", "0013_search_text"),
        ("patients", "0005_patient_search_trigrams"),
    ]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="search_text",
            field=models.GeneratedField(
                db_persist=True,
                expression=SearchText(
                    Concat(
                        models.F("last_name"),
                        models.Value(" "),
                        models.F("first_name"),
                        models.Value(" "),
                        models.F("city"),
                        output_field=models.TextField(),
                    )
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
