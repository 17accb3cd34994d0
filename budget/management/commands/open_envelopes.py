"""Open the envelopes of the programme years that begin today (what the daily beat does)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from budget.services import envelopes_open_due


class Command(BaseCommand):
    help = "Open the envelopes of the programme years that have begun (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, help="the day to run as (YYYY-MM-DD)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        opened = envelopes_open_due(options.get("today"))
        self.stdout.write(f"{opened} envelope(s) opened.")
