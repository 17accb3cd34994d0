"""Grant the application's database role what it uses, and nothing of an owner's rights."""

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from labparcours.db_roles import ensure_login_role, grant_application_role


class Command(BaseCommand):
    help = (
        "Grant ROLE (the role the web, the workers and beat connect as) what the application "
        "uses on this database, run as the tables' owner after every migrate: rows read and "
        "written, ledgers only read and appended to, no DDL. PostgreSQL only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the application's role, e.g. labparcours_app")
        parser.add_argument(
            "--password-env",
            metavar="VARIABLE",
            help=(
                "create the role if it does not exist (LOGIN, owning nothing) and set its "
                "password from this environment variable (never on the command line)"
            ),
        )

    def handle(self, *args: Any, role: str, password_env: str | None, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are a PostgreSQL feature: nothing to grant here.")
        try:
            if password_env:
                password = os.environ.get(password_env, "")
                if not password:
                    raise CommandError(f"{password_env} is empty: set the role's password there.")
                if ensure_login_role(role, password):
                    self.stdout.write(f"Role {role} created.")
            grants = grant_application_role(role)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{role}: {len(grants.tables)} tables read and written, {len(grants.ledgers)} "
            f"ledgers read and appended to ({', '.join(grants.ledgers)}), "
            f"{grants.sequences} sequences."
        )
