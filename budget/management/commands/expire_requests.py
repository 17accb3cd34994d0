"""Expire the requests left waiting or unused on ended envelopes (what the daily beat does)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from budget.services import supplementary_care_expire_due


class Command(BaseCommand):
    help = "Expire the requests still open on the envelopes whose year has ended (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, help="the day to run as (YYYY-MM-DD)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        expired = supplementary_care_expire_due(options.get("today"))
        self.stdout.write(f"{expired} request(s) expired.")
