from django.core.management.base import BaseCommand

from forum import cooked


class Command(BaseCommand):
    help = (
        "Have every server render the cached parts of every thread page afresh (forum/cooked.py), after a "
        "change made outside the site's services: a direct edit in the database, a restored backup."
    )

    def handle(self, *args, **options):
        if not cooked.enabled():
            self.stdout.write("The post cache is off (FORUM_POST_CACHE): there is nothing to refresh.")
            return
        cooked.refresh_all()
        self.stdout.write(self.style.SUCCESS("Every thread page will be rendered afresh on its next visit."))
