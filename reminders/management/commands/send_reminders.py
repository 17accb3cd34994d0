"""Run the reminder sweep by hand, sending in this process (no worker needed)."""

from typing import Any

from django.core.management.base import BaseCommand

from reminders.sending import digest_recipients, reminders_send_digest
from reminders.sweep import reminders_sweep


class Command(BaseCommand):
    help = (
        "Record the reminders that are due and send those not sent yet, here and now: the "
        "same sweep as Celery beat's. Run twice, the second run sends nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--digest",
            action="store_true",
            help="Also send the daily digests now (reminders kept for a digest).",
        )

    def handle(self, *args: Any, digest: bool = False, **options: Any) -> None:
        result = reminders_sweep(inline=True)
        skipped = f"{result.skipped} skipped (already sent or on their way)"
        line = f"{result.sent} reminders sent, {skipped}"
        if result.digest:
            line += f", {result.digest} kept for the daily digest"
        if result.failed:
            line += f", {result.failed} failed (retried by the next sweep)"
        if result.cancelled:
            line += f", {result.cancelled} no longer due"
        self.stdout.write(line)
        if digest:
            users = digest_recipients()
            sent = sum(reminders_send_digest(user_id).sent for user_id in users)
            self.stdout.write(f"Daily digests: {len(users)} e-mails, {sent} reminders in them")
