"""The reminder ledger, the notifications and the preferences, taken over from `labparcours`
on the same tables (`labparcours_reminder`…) with every row: this migration changes Django's
idea of where the models live, not the database. On a new database the tables were just
created by `labparcours.0003_reminders`, on an existing one they hold the rows already. The
content types follow, so that permissions and admin history stay attached."""

import django.db.models.deletion
import django.utils.timezone
import reminders.registry
from django.conf import settings
from django.db import migrations, models


MODELS = ("reminder", "notification", "notificationpreference")


def _relabel(apps, schema_editor, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.using(schema_editor.connection.alias).filter(
        app_label=old, model__in=MODELS
    ).update(app_label=new)


def move_content_types(apps, schema_editor) -> None:
    _relabel(apps, schema_editor, "labparcours", "reminders")


def move_content_types_back(apps, schema_editor) -> None:
    _relabel(apps, schema_editor, "reminders", "labparcours")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("labparcours", "0006_reminders_move_to_their_app"),
        ("patients", "0002_constraint_messages"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Reminder",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=reminders.registry.kind_choices,
                                max_length=30,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "target_key",
                            models.CharField(
                                help_text='The object reminded about, e.g. "sic:12".',
                                max_length=80,
                                verbose_name="about",
                            ),
                        ),
                        (
                            "cycle",
                            models.CharField(
                                help_text="Which occurrence: a due date, a week, a threshold before a SIC…",
                                max_length=40,
                                verbose_name="cycle",
                            ),
                        ),
                        (
                            "link",
                            models.CharField(
                                help_text="The page to act on.", max_length=300, verbose_name="link"
                            ),
                        ),
                        (
                            "context",
                            models.JSONField(
                                blank=True,
                                default=dict,
                                help_text="What the message needs besides the initials (dates, counts); no health data.",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        (
                            "channel",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("email", "E-mail at once (and in the app)"),
                                    ("in_app", "In the app only"),
                                    ("digest", "One e-mail a day, a digest (and in the app)"),
                                ],
                                max_length=10,
                                verbose_name="channel",
                            ),
                        ),
                        ("claimed_at", models.DateTimeField(blank=True, null=True)),
                        ("claim_token", models.UUIDField(blank=True, db_index=True, null=True)),
                        (
                            "attempts",
                            models.PositiveSmallIntegerField(
                                default=0, verbose_name="failed attempts"
                            ),
                        ),
                        (
                            "last_error",
                            models.CharField(blank=True, max_length=500, verbose_name="last error"),
                        ),
                        ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "sent_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="sent on"),
                        ),
                        (
                            "cancelled_at",
                            models.DateTimeField(
                                blank=True,
                                help_text="Not sent: no longer due.",
                                null=True,
                                verbose_name="no longer due on",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "patient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="reminders",
                                to="patients.patient",
                            ),
                        ),
                        (
                            "recipient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="reminders",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="recipient",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "reminder",
                        "verbose_name_plural": "reminders",
                        "db_table": "labparcours_reminder",
                        "ordering": ("-created_at", "-pk"),
                    },
                ),
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "read_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="read on"),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "reminder",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notification",
                                to="reminders.reminder",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "db_table": "labparcours_notification",
                        "ordering": ("-created_at", "-pk"),
                    },
                ),
                migrations.CreateModel(
                    name="NotificationPreference",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=reminders.registry.kind_choices,
                                max_length=30,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "channel",
                            models.CharField(
                                choices=[
                                    ("email", "E-mail at once (and in the app)"),
                                    ("in_app", "In the app only"),
                                    ("digest", "One e-mail a day, a digest (and in the app)"),
                                ],
                                max_length=10,
                                verbose_name="channel",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notification_preferences",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "notification preference",
                        "verbose_name_plural": "notification preferences",
                        "db_table": "labparcours_notificationpreference",
                        "ordering": ("user", "kind"),
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "kind"), name="notification_preference_once"
                            )
                        ],
                    },
                ),
                migrations.AddIndex(
                    model_name="reminder",
                    index=models.Index(
                        fields=["patient", "-created_at"], name="labparcours_patient_c84b8e_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="reminder",
                    index=models.Index(
                        condition=models.Q(
                            ("cancelled_at__isnull", True), ("sent_at__isnull", True)
                        ),
                        fields=["next_attempt_at"],
                        name="reminder_unsent",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="reminder",
                    constraint=models.UniqueConstraint(
                        fields=("kind", "target_key", "recipient", "cycle"), name="reminder_once"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="reminder",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("sent_at__isnull", True),
                            ("cancelled_at__isnull", True),
                            _connector="OR",
                        ),
                        name="reminder_sent_or_cancelled",
                    ),
                ),
                migrations.AddIndex(
                    model_name="notification",
                    index=models.Index(
                        fields=["user", "read_at"], name="labparcours_user_id_aaae62_idx"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back, elidable=True),
    ]
