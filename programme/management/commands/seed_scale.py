"""A synthetic programme at national scale, written in bulk, for the benchmarks
(`programme.scale`). Refuses a database that already has patients unless `--force`."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from patients.models import Patient
from programme.scale import SCALE_PASSWORD, ScaleSeeder, cohort_digest


class Command(BaseCommand):
    help = "Generate N synthetic patients with their teams, SICs, plans, budget and indemnities."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patients", type=int, required=True, help="How many patients.")
        parser.add_argument("--seed", type=int, default=42, help="The random seed (42).")
        parser.add_argument(
            "--force", action="store_true", help="Add to a database that already has patients."
        )
        parser.add_argument(
            "--digest", action="store_true", help="Print the data's fingerprint at the end."
        )

    def handle(
        self, *args: Any, patients: int, seed: int, force: bool, digest: bool, **options: Any
    ) -> None:
        if patients < 1:
            raise CommandError("--patients must be at least 1.")
        if not force and Patient.objects.exists():
            raise CommandError("This database already has patients: use --force to add more.")
        start = time.perf_counter()
        seeder = ScaleSeeder(patients=patients, seed=seed, progress=self.stdout.write)
        report = seeder.run()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"{patients:,} patients in {time.perf_counter() - start:.1f} s. "
                f"Logins: {seeder.star_gp_email} (a GP in {seeder.star_gp_teams} teams), "
                f"{seeder.coordinator_email}; password: {SCALE_PASSWORD}"
            )
        )
        if digest:
            self.stdout.write(f"digest {cohort_digest()}")
