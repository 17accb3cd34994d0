"""Each SIC held keeps the kinds of contribution submitted by the time it was held
(`Sic.prepared`), written here for the SICs already held, from their contributions, in one
UPDATE."""

from django.db import migrations, models


def write_prepared(apps, schema_editor):
    from sic.models import prepared_kinds

    sic = apps.get_model("sic", "Sic")
    contribution = apps.get_model("sic", "Contribution")
    sic.objects.filter(status="held").update(prepared=prepared_kinds(contribution.objects.all()))


class Migration(migrations.Migration):
    dependencies = [
        ("sic", "0005_sic_calendar_figures"),
    ]

    operations = [
        migrations.AddField(
            model_name="sic",
            name="prepared",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        # Back: the column goes, nothing to undo.
        migrations.RunPython(write_prepared, migrations.RunPython.noop, elidable=True),
    ]
