"""The ledger's indexes, each used by a query (the sweep writes an entry in every index for
every row it adds: nine a row before, six after):

- `patient_id` alone: dropped. The index on (patient, -created_at) answers every read by
  patient (the history page, the resolution of a patient's reminders, the PROTECT check).
- `claim_token`: only the rows being sent hold one (the sending reads them by token); now a
  partial index of those rows. The sweep's rows hold none and add no entry.
- `created_by_id`: only the reminders written by hand have an author (read by the PROTECT
  check when an account is deleted); now a partial index of those rows, same reason.

Kept: the primary key; the unique (target, cycle, recipient, kind), which leaves out what is
there already; `reminder_unsent` (the sweep's and the workers' "what is still to send");
`recipient_id` (a recipient's digest); `created_at` (the admin's list, newest first).

Building the two partial indexes locks the table for writes while they are built (seconds for
a ledger of millions of rows): run it outside the hours of the sweep."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0004_pathway_events"),
        ("reminders", "0002_ledger_unique_target_first"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="reminder",
            name="claim_token",
            field=models.UUIDField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="patient",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reminders",
                to="patients.patient",
            ),
        ),
        migrations.AddIndex(
            model_name="reminder",
            index=models.Index(
                condition=models.Q(("claim_token__isnull", False)),
                fields=["claim_token"],
                name="reminder_claimed",
            ),
        ),
        migrations.AddIndex(
            model_name="reminder",
            index=models.Index(
                condition=models.Q(("created_by__isnull", False)),
                fields=["created_by"],
                name="reminder_created_by",
            ),
        ),
    ]
