from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("labparcours", "0006_reminders_move_to_their_app"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="phone",
            field=models.CharField(
                blank=True,
                help_text="Shown to the patients a coordinator follows, to call her.",
                max_length=30,
                verbose_name="work phone",
            ),
        ),
    ]
