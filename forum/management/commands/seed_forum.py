import tomllib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import services as account_services
from accounts.models import TermsVersion, User
from accounts.services import member_create_without_login
from forum import services
from forum.models import Page, Thread

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class Command(BaseCommand):
    help = (
        "Create the themes, the site pages and the first thread of a fresh site: the Ambtenaar 2.0 "
        "article on the Rob advice with its five replies. Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data",
            default=str(SEED_DIR / "rob_advies.toml"),
            help="The TOML file with the theme, thread and replies (default: the Rob advice thread).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would be created; change nothing.")

    def handle(self, *args, data, dry_run, **options):
        try:
            seed = tomllib.loads(Path(data).read_text(encoding="utf-8"))
            theme_data, thread_data, reply_data = seed["theme"], seed["thread"], seed["replies"]
        except (OSError, tomllib.TOMLDecodeError, KeyError) as error:
            raise CommandError(f"Cannot read the seed data in {data}: {error}") from error

        with transaction.atomic():
            self._seed(seed, theme_data, thread_data, reply_data)
            if dry_run:
                transaction.set_rollback(True)
                self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))

    def _seed(self, seed, theme_data, thread_data, reply_data):
        for position, data in enumerate([theme_data, *seed.get("extra_themes", [])]):
            _, created = services.theme_ensure(
                slug=data["slug"], name=data["name"], description=data.get("description", ""), position=position
            )
            self._report(created, f"theme “{data['name']}”")
        theme = services.theme_ensure(slug=theme_data["slug"], name=theme_data["name"])[0]

        if TermsVersion.objects.exists():
            self._report(False, "terms “Algemene voorwaarden”")
        else:
            account_services.terms_publish(
                version=1,
                title="Algemene voorwaarden",
                body=(SEED_DIR / "algemene-voorwaarden.md").read_text(encoding="utf-8"),
            )
            self._report(True, "terms “Algemene voorwaarden”, version 1")
        privacy_created = services.page_ensure(
            slug=Page.Kind.PRIVACY,
            title="Privacyverklaring",
            body=(SEED_DIR / "privacyverklaring.md").read_text(encoding="utf-8"),
        )[1]
        self._report(privacy_created, "page “Privacyverklaring”")

        if Thread.objects.filter(theme=theme, title=thread_data["title"]).exists():
            self._report(False, f"thread “{thread_data['title']}”")
            return
        thread = services.thread_import(
            theme=theme,
            author=self._member(thread_data["author"]),
            title=thread_data["title"],
            body=thread_data["body"],
            created_at=_local(thread_data["created"]),
            view_count=thread_data["views"],
            replies=[
                {"author": self._member(reply["author"]), "body": reply["body"], "created_at": _local(reply["created"])}
                for reply in reply_data
            ],
        )
        self._report(True, f"thread “{thread.title}” with {thread.reply_count} replies")

    def _member(self, display_name):
        """The carried-over member with this name: no e-mail address, no usable password."""
        member = User.objects.filter(display_name=display_name, email__isnull=True).first()
        return member or member_create_without_login(display_name=display_name)

    def _report(self, created, what):
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created {what}."))
        else:
            self.stdout.write(f"Already there: {what}.")


def _local(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=AMSTERDAM)
