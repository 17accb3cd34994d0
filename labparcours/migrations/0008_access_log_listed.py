from django.db import migrations, models

# The reads of lists written before the field existed: they showed many patients at once.
LIST_READS = (
    "dashboard",
    "my patients",
    "SIC calendar",
    "my actions",
    "budget overview",
    "budget rows",
    "budget export",
    "supplementary care requests",
    "indemnities (patient initials)",
    "indemnity report",
    "indemnity statement",
    "indemnity batch listing",
)


def mark_list_reads(apps, schema_editor):
    AccessLogEntry = apps.get_model("labparcours", "AccessLogEntry")
    AccessLogEntry.objects.filter(what__in=LIST_READS).update(listed=True)


class Migration(migrations.Migration):
    dependencies = [
        ("labparcours", "0007_user_phone"),
    ]

    operations = [
        migrations.AddField(
            model_name="accesslogentry",
            name="listed",
            field=models.BooleanField(default=False, verbose_name="seen in a list"),
        ),
        migrations.RunPython(mark_list_reads, migrations.RunPython.noop),
    ]
