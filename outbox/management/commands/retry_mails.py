"""Send the queued e-mails that failed again; run from cron (see the deployment notes)."""

from django.core.management.base import BaseCommand, CommandError

from outbox import delivery


class Command(BaseCommand):
    help = (
        "Send again the e-mails (sign-up, password, membership decisions) that were not sent: a failed attempt, "
        f"or no attempt for {int(delivery.RETRY_UNSENT_AFTER.total_seconds() // 60)} minutes. "
        "Gives up on a mail after --max-attempts attempts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=delivery.MAX_ATTEMPTS,
            help=f"Retry mails tried fewer times than this (default {delivery.MAX_ATTEMPTS}).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Count what would be sent; send nothing.")

    def handle(self, *args, max_attempts, dry_run, **options):
        if max_attempts < 1:
            raise CommandError("--max-attempts must be at least 1.")
        outcome = delivery.retry_failed(max_attempts=max_attempts, dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"Would try {outcome.mails} e-mail(s) again.")
            return
        for error in outcome.errors:
            self.stderr.write(self.style.ERROR(f"Not sent: mail {error}"))
        self.stdout.write(
            self.style.SUCCESS(f"Tried {outcome.mails} e-mail(s) again: {outcome.sent} sent, {outcome.failed} failed.")
        )
