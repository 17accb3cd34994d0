"""The reminder ledger, the notifications and the preferences move to the `reminders` app.

Only Django's idea of where the models live changes: their tables keep their names and their
rows (`reminders.0001_initial` takes the models over, on the same tables).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("labparcours", "0005_apitoken_expires_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="NotificationPreference"),
                migrations.DeleteModel(name="Reminder"),
            ],
            database_operations=[],
        ),
    ]
