"""What the drills share: statements run as the server's administrator (`postgres`), for the
databases of their own they create and drop. Run from `scripts/`, next to the drills."""

from __future__ import annotations


def admin_sql(host: str, port: int | str, statement: str) -> None:
    """One statement on the `postgres` database, outside any transaction (CREATE/DROP
    DATABASE)."""
    import psycopg2

    connection = psycopg2.connect(host=host, port=port, user="postgres", dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()
