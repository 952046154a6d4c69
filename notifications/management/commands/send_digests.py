"""Send the daily or weekly notification digests; run from cron (see the deployment notes)."""

from django.core.management.base import BaseCommand

from notifications import emails
from notifications.models import Frequency


class Command(BaseCommand):
    help = (
        "E-mail each member one summary of their notifications that were not e-mailed yet and whose kind they "
        "want daily (or weekly), grouped by discussion. Running it again sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            required=True,
            choices=[Frequency.DAILY.value, Frequency.WEEKLY.value],
            help="Which digest to send.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count what would be sent; send nothing.")

    def handle(self, *args, frequency, dry_run, **options):
        outcome = emails.send_digests(frequency=frequency, dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                f"Would send {outcome.sent} {frequency} digest(s) with {outcome.notifications} notification(s)."
            )
            return
        for error in outcome.errors:
            self.stderr.write(self.style.ERROR(f"Not sent to member {error}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Sent {outcome.sent} {frequency} digest(s) with {outcome.notifications} notification(s); "
                f"{outcome.failed} failed."
            )
        )
