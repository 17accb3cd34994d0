"""The default care categories, and on PostgreSQL a trigger that refuses any UPDATE or DELETE
of a ledger row, whatever the door (the ORM refuses them too, on every database)."""

from django.db import migrations

DEFAULT_CATEGORIES = (
    "psychologue",
    "diététicien·ne",
    "activité physique adaptée",
    "éducation thérapeutique",
    "autre",
)

GUARD = """
CREATE OR REPLACE FUNCTION budget_movement_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'budget_budgetmovement is append-only: add a correction';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER budget_movement_append_only
    BEFORE UPDATE OR DELETE ON budget_budgetmovement
    FOR EACH ROW EXECUTE FUNCTION budget_movement_append_only();
"""
UNGUARD = """
DROP TRIGGER IF EXISTS budget_movement_append_only ON budget_budgetmovement;
DROP FUNCTION IF EXISTS budget_movement_append_only();
"""


def add_categories(apps, schema_editor):
    category = apps.get_model("budget", "BudgetCategory")
    for position, name in enumerate(DEFAULT_CATEGORIES):
        category.objects.get_or_create(name=name, defaults={"position": position})


def remove_categories(apps, schema_editor):
    apps.get_model("budget", "BudgetCategory").objects.filter(name__in=DEFAULT_CATEGORIES).delete()


def add_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD)


def remove_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD)


class Migration(migrations.Migration):
    dependencies = [("budget", "0001_initial")]

    operations = [
        migrations.RunPython(add_categories, remove_categories),
        migrations.RunPython(add_guard, remove_guard),
    ]
