"""On PostgreSQL, the database itself refuses a transaction that leaves an envelope, or one of
its categories' yearly ceiling, overdrawn: the services check under the envelope's row lock,
this guard holds whatever the door. It runs at commit (deferred), so that a transaction may
write a spend before the release that balances it."""

from django.db import migrations

GUARD = """
CREATE OR REPLACE FUNCTION budget_movement_no_overdraft() RETURNS trigger AS $$
DECLARE
    remaining numeric;
    used numeric;
    ceiling numeric;
BEGIN
    -- remaining = allotted - committed (commit + release) - spent; corrections count under
    -- the kind of the row they correct; payments move nothing.
    SELECT COALESCE(SUM(CASE COALESCE(c.kind, m.kind)
                WHEN 'allot' THEN m.amount
                WHEN 'pay' THEN 0
                ELSE -m.amount END), 0)
      INTO remaining
      FROM budget_budgetmovement m
      LEFT JOIN budget_budgetmovement c ON m.kind = 'correction' AND c.id = m.corrects_id
     WHERE m.envelope_id = NEW.envelope_id;
    IF remaining < 0 THEN
        RAISE EXCEPTION 'budget envelope %% overdrawn by %%', NEW.envelope_id, -remaining
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.category_id IS NOT NULL THEN
        SELECT yearly_ceiling INTO ceiling FROM budget_budgetcategory WHERE id = NEW.category_id;
        IF ceiling IS NOT NULL THEN
            SELECT COALESCE(SUM(CASE COALESCE(c.kind, m.kind)
                        WHEN 'allot' THEN 0
                        WHEN 'pay' THEN 0
                        ELSE m.amount END), 0)
              INTO used
              FROM budget_budgetmovement m
              LEFT JOIN budget_budgetmovement c
                     ON m.kind = 'correction' AND c.id = m.corrects_id
             WHERE m.envelope_id = NEW.envelope_id AND m.category_id = NEW.category_id;
            IF used > ceiling THEN
                RAISE EXCEPTION 'budget category %% over its ceiling in envelope %%',
                    NEW.category_id, NEW.envelope_id USING ERRCODE = 'check_violation';
            END IF;
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER budget_movement_no_overdraft
    AFTER INSERT ON budget_budgetmovement
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION budget_movement_no_overdraft();
"""
UNGUARD = """
DROP TRIGGER IF EXISTS budget_movement_no_overdraft ON budget_budgetmovement;
DROP FUNCTION IF EXISTS budget_movement_no_overdraft();
"""


def add_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD)


def remove_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD)


class Migration(migrations.Migration):
    dependencies = [("budget", "0003_history_of_envelopes_requests_expenses")]

    operations = [migrations.RunPython(add_guard, remove_guard)]
