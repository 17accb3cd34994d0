"""The directory's search reads one column that the database keeps: the names and the
organisation in capitals without their accents (`labparcours.search`), with a trigram index on
PostgreSQL (in the database only), instead of `unaccent` called three times for each of the
directory's professionals at every search."""

from django.db import migrations, models
from django.db.models.functions import Concat

from labparcours.search import SearchText, trigram_index

TABLE, INDEX = "teams_professional", "professional_search_text"


def forward(apps, schema_editor) -> None:
    trigram_index(schema_editor, TABLE, INDEX)


def backward(apps, schema_editor) -> None:
    trigram_index(schema_editor, TABLE, INDEX, create=False)


class Migration(migrations.Migration):
    dependencies = [
        ("labparcours", "0013_search_text"),
        # pg_trgm
        ("patients", "0005_patient_search_trigrams"),
        ("teams", "0003_profession_etp_educator"),
    ]

    operations = [
        migrations.AddField(
            model_name="professional",
            name="search_text",
            field=models.GeneratedField(
                db_persist=True,
                expression=SearchText(
                    Concat(
                        models.F("last_name"),
                        models.Value(" "),
                        models.F("first_name"),
                        models.Value(" "),
                        models.F("organisation"),
                        output_field=models.TextField(),
                    )
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
