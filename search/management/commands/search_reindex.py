from django.core.management.base import BaseCommand

from forum.models import Reply, Thread
from search import services


class Command(BaseCommand):
    help = (
        "Build the search index afresh from every thread and reply (after a change made outside the "
        "site, or to be sure); the site keeps it current by itself."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many posts would be indexed; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            count = Thread.objects.count() + Reply.objects.count()
            self.stdout.write(f"Would index {count} threads and replies.")
            return
        count = services.reindex_all()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} threads and replies."))
