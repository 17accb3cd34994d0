"""On PostgreSQL the access log becomes a table partitioned by month of `at` (calendar months
in UTC), so that its indexes stay the size of a month and the retention purge drops whole months
instead of deleting rows one by one. SQLite is left as it is.

The rows move into a new partitioned table of the same name: one partition per month from the
month of the oldest row to twelve months ahead, and a DEFAULT partition for any other moment (an
insert never fails for want of a partition). The ids continue where they were (the new identity
sequence starts at the old one's value); the primary key in the database is (id, at), as
PostgreSQL requires the partition key in it, while Django keeps `id` as the model's key (the
sequence keeps the ids unique). The indexes, foreign keys, triggers (the append-only guard, now
on the parent, so that it fires on every partition) and grants of the old table are re-created
as they were.

Two functions (SECURITY DEFINER, so that an application role that does not own the table can
run the upkeep once granted EXECUTE) add a month's partition and drop a month past the 180-day
floor, the latter only for the retention purge (`labparcours.partitions`,
`labparcours.retention`).

The table is locked while its rows are copied: on a large log, run it in a maintenance window.
Reversible: backwards, the rows move back into a plain table and the functions go.
"""

from django.db import migrations

TABLE = "labparcours_accesslogentry"
DEFAULT = f"{TABLE}_default"
MONTHS_AHEAD = 12

FUNCTIONS = """
CREATE OR REPLACE FUNCTION labparcours_accesslogentry_add_month(first_day date) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp SET TimeZone = 'UTC'
AS $$
DECLARE
    partition_name text := format('labparcours_accesslogentry_p%s', to_char(first_day, 'YYYY_MM'));
    low timestamptz := first_day::timestamp AT TIME ZONE 'UTC';
    high timestamptz := (first_day + interval '1 month')::timestamp AT TIME ZONE 'UTC';
BEGIN
    IF first_day <> date_trunc('month', first_day::timestamp)::date THEN
        RAISE EXCEPTION 'labparcours_accesslogentry: % is not the first day of a month',
            first_day;
    END IF;
    IF to_regclass(partition_name) IS NOT NULL THEN
        RETURN 'exists';
    END IF;
    -- Creating the partition locks the table and scans the default partition: hold the lock
    -- from the check on, so that no row of the month slips into the default meanwhile.
    LOCK TABLE labparcours_accesslogentry IN ACCESS EXCLUSIVE MODE;
    IF EXISTS (SELECT 1 FROM labparcours_accesslogentry_default
               WHERE at >= low AND at < high) THEN
        RETURN 'default';
    END IF;
    EXECUTE format('CREATE TABLE %I PARTITION OF labparcours_accesslogentry '
                   'FOR VALUES FROM (%L) TO (%L)', partition_name, low, high);
    RETURN 'created';
END;
$$;

CREATE OR REPLACE FUNCTION labparcours_accesslogentry_drop_month(first_day date) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp SET TimeZone = 'UTC'
AS $$
DECLARE
    partition_name text := format('labparcours_accesslogentry_p%s', to_char(first_day, 'YYYY_MM'));
    low timestamptz := first_day::timestamp AT TIME ZONE 'UTC';
    high timestamptz := (first_day + interval '1 month')::timestamp AT TIME ZONE 'UTC';
    bound text;
    n bigint;
BEGIN
    IF current_setting('labparcours.purge_access_log', true) IS DISTINCT FROM 'on' THEN
        RAISE EXCEPTION 'labparcours_accesslogentry is append-only: only the retention purge '
                        'drops a month';
    END IF;
    IF high > now() - interval '180 days' THEN
        RAISE EXCEPTION 'labparcours_accesslogentry is append-only: only months older than '
                        '180 days are dropped, not %', to_char(first_day, 'YYYY-MM');
    END IF;
    SELECT pg_get_expr(c.relpartbound, c.oid) INTO bound
    FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
    WHERE c.oid = to_regclass(partition_name) AND i.inhparent = 'labparcours_accesslogentry'::regclass;
    IF bound IS NULL THEN
        RETURN 0;
    END IF;
    IF bound <> format('FOR VALUES FROM (%L) TO (%L)', low, high) THEN
        RAISE EXCEPTION 'labparcours_accesslogentry: % is not the partition of its month (%)',
            partition_name, bound;
    END IF;
    EXECUTE format('SELECT count(*) FROM %I', partition_name) INTO n;
    EXECUTE format('ALTER TABLE labparcours_accesslogentry DETACH PARTITION %I', partition_name);
    EXECUTE format('DROP TABLE %I', partition_name);
    RETURN n;
END;
$$;

-- A SECURITY DEFINER function is callable by every role unless revoked: only the owner, and
-- the roles the deployment grants EXECUTE to (an application role that does not own the
-- table), may call these.
REVOKE ALL ON FUNCTION labparcours_accesslogentry_add_month(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION labparcours_accesslogentry_drop_month(date) FROM PUBLIC;
"""
DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS labparcours_accesslogentry_add_month(date);
DROP FUNCTION IF EXISTS labparcours_accesslogentry_drop_month(date);
"""


def _fetch(cursor, sql: str, params: list[object] | None = None) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def _definitions(cursor) -> list[str]:
    """The statements that re-create what hangs on the table besides its columns and primary
    key: indexes, foreign keys and checks, triggers, grants (read before it is renamed, so
    that they name it as it will be named again)."""
    statements = [
        row[0]
        for row in _fetch(
            cursor,
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indrelid = %s::regclass AND NOT indisprimary ORDER BY indexrelid",
            [TABLE],
        )
    ]
    statements += [
        f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}'
        for name, definition in _fetch(
            cursor,
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype IN ('f', 'c') ORDER BY conname",
            [TABLE],
        )
    ]
    statements += [
        row[0]
        for row in _fetch(
            cursor,
            "SELECT pg_get_triggerdef(oid) FROM pg_trigger"
            " WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgparentid = 0"
            " ORDER BY tgname",
            [TABLE],
        )
    ]
    statements += [
        f"GRANT {privilege} ON {TABLE} TO {grantee}"
        for privilege, grantee in _fetch(
            cursor,
            "SELECT a.privilege_type,"
            " CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END"
            " FROM pg_class c, aclexplode(c.relacl) a"
            " WHERE c.oid = %s::regclass AND a.grantee <> c.relowner",
            [TABLE],
        )
    ]
    return statements


def _rebuild(cursor, *, partitioned: bool) -> None:
    """Move the table's rows into a new table of the same name, partitioned by month or plain."""
    old = f"{TABLE}_{'unpartitioned' if partitioned else 'partitioned'}"
    cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
    definitions = _definitions(cursor)
    [(sequence,)] = _fetch(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
    [(last_value, is_called)] = _fetch(cursor, f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
    cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {old}")
    cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {old}_id_seq")
    cursor.execute(
        f"CREATE TABLE {TABLE} (LIKE {old} INCLUDING DEFAULTS INCLUDING IDENTITY)"
        + (" PARTITION BY RANGE (at)" if partitioned else "")
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, %s)", [TABLE, last_value, is_called]
    )
    if partitioned:
        cursor.execute(f"CREATE TABLE {DEFAULT} PARTITION OF {TABLE} DEFAULT")
        cursor.execute(
            f"""
            SELECT labparcours_accesslogentry_add_month(month::date)
            FROM generate_series(
                date_trunc('month', coalesce((SELECT min(at) FROM {old}), now()) AT TIME ZONE 'UTC'),
                date_trunc('month', now() AT TIME ZONE 'UTC') + interval '{MONTHS_AHEAD} months',
                interval '1 month'
            ) AS month
            """  # noqa: S608
        )
    cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {old}")  # noqa: S608
    cursor.execute(f"DROP TABLE {old}")
    key = "id, at" if partitioned else "id"
    cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY ({key})")
    for statement in definitions:
        cursor.execute(statement)
    cursor.execute(f"ANALYZE {TABLE}")


def partition(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        [(schema,)] = _fetch(cursor, "SELECT quote_ident(current_schema())")
        cursor.execute(FUNCTIONS.replace("{schema}", schema))
        _rebuild(cursor, partitioned=True)


def unpartition(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        _rebuild(cursor, partitioned=False)
        cursor.execute(DROP_FUNCTIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("labparcours", "0010_user_session_epoch"),
    ]

    operations = [
        migrations.RunPython(partition, unpartition),
    ]
