"""Load the directory from the national RPPS extract (see teams/rpps.py)."""

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from teams.rpps import ImportReport, rpps_import

PROGRESS_EVERY = 50_000


class Command(BaseCommand):
    help = (
        "Create or update the directory's professionals from an RPPS extract "
        "(PS_LibreAcces_Personne_activite, pipe-separated): by RPPS number, never deleting. "
        "Run twice, the second run changes nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="the extract (UTF-8 text, '|' separated)")
        parser.add_argument(
            "--refusals",
            type=Path,
            help="where to write the CSV of refused lines (default: FILE.refusals.csv)",
        )

    def handle(self, *args: Any, file: Path, refusals: Path | None, **options: Any) -> None:
        file = Path(file)
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        shown = [0]

        def progress(report: ImportReport) -> None:
            if report.lines - shown[0] >= PROGRESS_EVERY:
                shown[0] = report.lines
                self.stderr.write(f"… {report.lines:,} lines read".replace(",", " "))

        refusals = Path(refusals or file.with_name(file.name + ".refusals.csv"))
        with refusals.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["line", "identifier", "name", "reason"])
            try:
                with file.open(encoding="utf-8-sig", errors="replace", newline="") as stream:
                    report = rpps_import(stream, refused=writer.writerow, progress=progress)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{report.lines} lines read: {report.created} professionals created, "
            f"{report.updated} updated, {report.unchanged} unchanged, "
            f"{report.refused_total} refused."
        )
        for reason, count in report.refused.most_common():
            self.stdout.write(f"  refused, {reason}: {count}")
        self.stdout.write(f"Refused lines: {refusals}")
