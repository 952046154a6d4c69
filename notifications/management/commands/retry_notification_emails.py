"""Send the immediate notification e-mails that failed again; run from cron (see the deployment notes)."""

from django.core.management.base import BaseCommand, CommandError

from notifications import emails


class Command(BaseCommand):
    help = (
        "Send again the notification e-mails members want at once that were not sent: a failed attempt, or "
        f"no attempt for {int(emails.RETRY_UNSENT_AFTER.total_seconds() // 60)} minutes. "
        "Gives up on a notification after --max-attempts attempts; it stays in the member's list on the site."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=emails.MAX_ATTEMPTS,
            help=f"Retry notifications tried fewer times than this (default {emails.MAX_ATTEMPTS}).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count what would be sent; send nothing.")

    def handle(self, *args, max_attempts, dry_run, **options):
        if max_attempts < 1:
            raise CommandError("--max-attempts must be at least 1.")
        outcome = emails.retry_failed(max_attempts=max_attempts, dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"Would try {outcome.notifications} notification e-mail(s) again.")
            return
        for error in outcome.errors:
            self.stderr.write(self.style.ERROR(f"Not sent: notification {error}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Tried {outcome.notifications} notification e-mail(s) again: {outcome.sent} sent, "
                f"{outcome.failed} failed."
            )
        )
