from django.core.management.base import BaseCommand

from forum import pagecache


class Command(BaseCommand):
    help = (
        "Have every process of every server render each visitor's thread page afresh on its next visit "
        "(forum/pagecache.py), after a change made outside the site's services: a direct edit in the "
        "database, a restored backup."
    )

    def handle(self, *args, **options):
        if not pagecache.enabled():
            self.stdout.write("The page cache is off (FORUM_PAGE_CACHE): there is nothing to refresh.")
            return
        pagecache.site_changed()
        self.stdout.write(self.style.SUCCESS("Every visitor's thread page will be rendered afresh on its next visit."))
