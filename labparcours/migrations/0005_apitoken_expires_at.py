import datetime

from django.db import migrations, models
from django.db.models import F


def expire_existing_tokens(apps, schema_editor):
    """Tokens issued before expiry existed last 90 days from their creation."""
    ApiToken = apps.get_model("labparcours", "ApiToken")
    ApiToken.objects.update(expires_at=F("created_at") + datetime.timedelta(days=90))


class Migration(migrations.Migration):
    dependencies = [
        ("labparcours", "0004_reminder_sic_to_record"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires at"),
        ),
        migrations.RunPython(expire_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires at"),
        ),
    ]
