"""The default kinds of indemnity, and on PostgreSQL the triggers that keep the ledger's tables
append-only whatever the door (the ORM refuses updates and deletes too, on every database)."""

from django.db import migrations

from indemnities.defaults import DEFAULT_KINDS, ensure_default_kinds
from labparcours.ledger import append_only_guard


def add_kinds(apps, schema_editor):
    ensure_default_kinds(apps.get_model("indemnities", "IndemnityKind"))


def remove_kinds(apps, schema_editor):
    codes = [code for code, *_ in DEFAULT_KINDS]
    apps.get_model("indemnities", "IndemnityKind").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("indemnities", "0001_initial")]

    operations = [
        migrations.RunPython(add_kinds, remove_kinds),
        append_only_guard("indemnities_indemnityline"),
        append_only_guard("indemnities_lineapproval"),
        append_only_guard("indemnities_batchline"),
    ]
