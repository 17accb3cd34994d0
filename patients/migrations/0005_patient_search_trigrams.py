"""The dashboard's search finds a part of a name or a city anywhere in it: Django's `icontains`,
`UPPER(column::text) LIKE UPPER('%word%')`, which no B-tree serves, so every search read every
patient. On PostgreSQL, pg_trgm's GIN indexes on those same expressions (`UPPER(column)`) serve
it: the matching rows are found from the trigrams of the word (three letters or more).

PostgreSQL only, and in the database only: SQLite has no GIN index, and an index in the model's
state would be created again by SQLite whenever it rebuilds the table. The extension is trusted
(PostgreSQL 13 and later): the owner of the database may create it."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations
from django.db.models.functions import Upper

SEARCHED = ("last_name", "first_name", "city")


def _indexes() -> list[GinIndex]:
    return [
        GinIndex(OpClass(Upper(column), name="gin_trgm_ops"), name=f"patient_{column}_trgm")
        for column in SEARCHED
    ]


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    patient = apps.get_model("patients", "Patient")
    for index in _indexes():
        schema_editor.add_index(patient, index)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    patient = apps.get_model("patients", "Patient")
    for index in _indexes():
        schema_editor.remove_index(patient, index)


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0004_pathway_events"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(forward, backward),
    ]
