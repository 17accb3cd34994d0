"""The access log's own index on its patient goes: the (patient, -at) index leads with the same
column, and each index is one more write for every read logged.

On PostgreSQL the index is dropped by name (with it, its copy on every monthly partition), and
nothing else: Django's AlterField would also drop and re-add the foreign key, checking every row
of the log again under lock. Elsewhere (SQLite), Django's AlterField does it."""

import copy

import django.db.models.deletion
from django.db import migrations, models

INDEX = "labparcours_accesslogentry_patient_id_b8d41bb3"
WITHOUT_INDEX = models.ForeignKey(
    db_index=False,
    on_delete=django.db.models.deletion.PROTECT,
    related_name="access_log",
    to="patients.patient",
)


def _alter(apps, schema_editor, *, index: bool) -> None:
    if schema_editor.connection.vendor == "postgresql":
        if index:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON labparcours_accesslogentry (patient_id)"
            )
        else:
            schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        return
    # The field from the state at hand (before the migration, whichever way it runs), once
    # as it is in the database now and once as it must become.
    model = apps.get_model("labparcours", "AccessLogEntry")
    field = model._meta.get_field("patient")
    old, new = copy.copy(field), copy.copy(field)
    old.db_index, new.db_index = not index, index
    schema_editor.alter_field(model, old, new)


def forward(apps, schema_editor) -> None:
    _alter(apps, schema_editor, index=False)


def backward(apps, schema_editor) -> None:
    _alter(apps, schema_editor, index=True)


class Migration(migrations.Migration):
    dependencies = [
        ("labparcours", "0011_access_log_partitioned"),
        ("patients", "0004_pathway_events"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="accesslogentry", name="patient", field=WITHOUT_INDEX
                ),
            ],
            database_operations=[migrations.RunPython(forward, backward)],
        ),
    ]
