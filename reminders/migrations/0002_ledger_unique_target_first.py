"""The ledger's uniqueness, with the target first: (target, cycle, recipient, kind) instead of
(kind, target, recipient, cycle). The same rule (a reminder once per kind, target, recipient
and cycle), but an index the sweep's "already in the ledger?" read can use: it asks by targets
and cycles, and with `kind` first PostgreSQL read the whole ledger to answer (a sequential
scan growing with every reminder ever sent). Nothing else reads the ledger by kind first.

Dropped and added in one transaction on PostgreSQL; building the index locks the table for
writes for as long as it takes (seconds for a ledger of millions of rows): run it outside the
hours of the sweep."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0002_constraint_messages"),
        ("reminders", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="reminder", name="reminder_once"),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.UniqueConstraint(
                fields=("target_key", "cycle", "recipient", "kind"), name="reminder_once"
            ),
        ),
    ]
