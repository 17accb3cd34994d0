"""The access log becomes append-only: on PostgreSQL a trigger refuses any UPDATE of its rows,
and any DELETE except by the retention purge (which sets `labparcours.purge_access_log` for its
own transaction) of rows older than 180 days; the purges are recorded (`AccessLogPurge`)."""

import django.utils.timezone
from django.db import migrations, models

GUARD = """
    CREATE OR REPLACE FUNCTION labparcours_accesslogentry_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE'
           AND current_setting('labparcours.purge_access_log', true) = 'on'
           AND OLD.at < now() - interval '180 days' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'labparcours_accesslogentry is append-only: only the retention purge '
                        'deletes, and only rows older than 180 days';
    END;
    $$ LANGUAGE plpgsql;
    CREATE TRIGGER labparcours_accesslogentry_guard BEFORE UPDATE OR DELETE
        ON labparcours_accesslogentry FOR EACH ROW
        EXECUTE FUNCTION labparcours_accesslogentry_guard();
"""
UNGUARD = """
    DROP TRIGGER IF EXISTS labparcours_accesslogentry_guard ON labparcours_accesslogentry;
    DROP FUNCTION IF EXISTS labparcours_accesslogentry_guard();
"""


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD)


class Migration(migrations.Migration):
    dependencies = [
        ("labparcours", "0008_access_log_listed"),
    ]

    operations = [
        migrations.CreateModel(
            name="AccessLogPurge",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("cutoff", models.DateTimeField(verbose_name="reads before")),
                ("deleted", models.PositiveIntegerField(verbose_name="rows deleted")),
            ],
            options={
                "verbose_name": "access log purge",
                "verbose_name_plural": "access log purges",
                "ordering": ("-at",),
            },
        ),
        migrations.RunPython(guard, unguard),
    ]
