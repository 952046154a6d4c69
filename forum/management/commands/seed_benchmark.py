from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import roles
from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import ProfileVisibility, User
from core.text import render_markdown
from forum.models import Reply, Status, Theme, Thread
from notifications.models import Kind, Notification

BATCH_SIZE = 2000
THEME_PREFIX = "bench-"
MEMBER_HANDLE_PREFIX = "benchlid-"
LOGIN_EMAIL = "bench@example.nl"
MODERATOR_EMAIL = "bench-moderator@example.nl"
LOGIN_PASSWORD = "benchmark-wachtwoord"  # noqa: S105  (a local benchmark database only)
# Replies a regular thread gets: thread i has i % (REPLIES_CYCLE) of them, one on average.
REPLIES_CYCLE = 3
NOTIFICATIONS = 40
# The shapes of the data: the regular threads of each (--threads overrides). "skewed": one thread
# holds most replies (10,000 of about 17,000), where PostgreSQL's plan for a generic prepared
# statement differs most from the plan for one thread (docs/benchmarks.md).
SHAPES = {"default": 100_000, "skewed": 6_000}

# A few bodies, rendered once each: Markdown rendering is not what this command measures.
BODIES = [
    "Wat vinden jullie hiervan? Ik ben benieuwd hoe dit in andere organisaties gaat.",
    "Goed punt. Bij ons is dat **net zo**, al merk ik dat het per afdeling verschilt.\n\n"
    "- eerst overleggen met de leidinggevende\n- dan pas naar buiten treden",
    "> Vrijheid van meningsuiting geldt ook voor ambtenaren.\n\n"
    "Zeker, maar binnen de grenzen van art. 125a. Zie ook het advies van de Raad voor het openbaar bestuur.",
    "Ik deel dit artikel graag: https://www.rijksoverheid.nl/ — daar staat het helder uitgelegd.",
    "Dank voor het delen! Een lang verhaal kort: het hangt af van je functie, de inhoud en het moment. "
    "Wie beleid maakt, moet terughoudender zijn dan wie er op afstand van staat. " * 3,
]


class Command(BaseCommand):
    help = (
        "Fill the database for the benchmarks (make bench): members, themes, many threads with a few replies, "
        "three long threads, and one login member (bench@example.nl) plus a moderator (bench-moderator@example.nl). "
        "Refuses to run twice unless --reset is given; --if-missing does nothing when the data is there."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=10_000, help="Members (default 10,000).")
        parser.add_argument("--themes", type=int, default=20, help="Themes (default 20).")
        parser.add_argument(
            "--shape",
            choices=sorted(SHAPES),
            default="default",
            help="default: 100,000 regular threads; skewed: 6,000, so the longest thread holds most replies.",
        )
        parser.add_argument(
            "--threads", type=int, default=None, help="Regular threads (default: as the shape has them)."
        )
        parser.add_argument(
            "--long-threads",
            default="20,1000,10000",
            help="Reply counts of the long threads, comma-separated (default 20,1000,10000).",
        )
        parser.add_argument("--reset", action="store_true", help="Delete earlier benchmark data first.")
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing (and succeed) when benchmark data is already there."
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would be created; change nothing.")

    def handle(self, *args, members, themes, shape, threads, long_threads, reset, if_missing, dry_run, **options):
        if threads is None:
            threads = SHAPES[shape]
        try:
            long_sizes = [int(size) for size in long_threads.split(",") if size.strip()]
        except ValueError as error:
            raise CommandError(f"--long-threads takes whole numbers separated by commas: {error}") from error
        if members < 1 or themes < 1 or threads < 0 or any(size < 0 for size in long_sizes):
            raise CommandError("--members and --themes must be at least 1; counts cannot be negative.")

        seeded = Theme.objects.filter(slug__startswith=THEME_PREFIX).exists()
        if seeded and if_missing and not reset:
            # Migrations since the seeding may have added indexes the planner knows nothing of yet
            # (SQLite then takes an index in the wrong order and sorts every thread): fresh statistics.
            self._analyze()
            self.stdout.write("Benchmark data is already there; nothing to do but fresh planner statistics.")
            return
        if seeded and not reset:
            raise CommandError("Benchmark data is already there. Run again with --reset to replace it.")

        regular_replies = sum(i % REPLIES_CYCLE for i in range(threads))
        self.stdout.write(
            f"Seeding {members} members, {themes} themes, {threads} threads with {regular_replies} replies, "
            f"and long threads of {', '.join(str(size) for size in long_sizes)} replies."
        )
        with transaction.atomic():
            if reset:
                self._reset()
            self._seed(members, themes, threads, long_sizes)
            if dry_run:
                transaction.set_rollback(True)
                self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
                return
        self._analyze()
        self.stdout.write(self.style.SUCCESS("Benchmark data created."))

    def _analyze(self):
        # Fresh statistics for the query planner: without them PostgreSQL takes a table that was
        # just filled with thousands of rows for an empty one, and picks plans no site would see.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # Removing ---------------------------------------------------------------------------------

    def _reset(self):
        bench_threads = Thread.objects.filter(theme__slug__startswith=THEME_PREFIX)
        Reply.objects.filter(thread__in=bench_threads).delete()
        count, _ = bench_threads.delete()
        Theme.objects.filter(slug__startswith=THEME_PREFIX).delete()
        bench_members = User.objects.filter(handle__startswith=MEMBER_HANDLE_PREFIX) | User.objects.filter(
            email__in=[LOGIN_EMAIL, MODERATOR_EMAIL]
        )
        # What the benchmark members wrote outside the benchmark themes (when the pages were used by hand).
        Reply.objects.filter(author__in=bench_members).delete()
        Thread.objects.filter(author__in=bench_members).delete()
        bench_members.delete()
        self.stdout.write(f"Removed the earlier benchmark data ({count} rows with the threads).")

    # Creating ---------------------------------------------------------------------------------

    def _seed(self, members, themes, threads, long_sizes):
        now = timezone.now()
        bodies = [(body, render_markdown(body)) for body in BODIES]
        login, moderator = self._login_members()
        people = self._members(members)
        authors = [login, *people]
        theme_list = self._themes(themes)

        # Regular threads, spread over the past year, newest last.
        start = now - timedelta(days=365)
        step = timedelta(days=364) / max(threads, 1)
        rows = []
        for i in range(threads):
            body, html = bodies[i % len(bodies)]
            created = start + step * i
            rows.append(
                Thread(
                    theme=theme_list[i % len(theme_list)],
                    author=authors[i % len(authors)],
                    title=f"Benchmarkdiscussie {i + 1}",
                    slug=f"benchmarkdiscussie-{i + 1}",
                    body=body,
                    body_html=html,
                    created_at=created,
                    last_activity_at=created,
                    view_count=i % 500,
                )
            )
        regular = Thread.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.stdout.write(f"Created {len(regular)} threads.")

        def reply_rows():
            for i, thread in enumerate(regular):
                for k in range(i % REPLIES_CYCLE):
                    body, html = bodies[(i + k + 1) % len(bodies)]
                    yield Reply(
                        thread=thread,
                        author=authors[(i + k + 1) % len(authors)],
                        body=body,
                        body_html=html,
                        created_at=thread.created_at + timedelta(minutes=k + 1),
                    )

        created_replies = self._bulk_replies(reply_rows())
        self.stdout.write(f"Created {created_replies} replies in those threads.")

        long_threads = []
        for size in long_sizes:
            long_threads.append(self._long_thread(size, theme_list[0], login, people or authors, bodies, now))

        # The counters, in one UPDATE for all benchmark threads.
        published = Reply.objects.filter(thread=OuterRef("pk"), status=Status.PUBLISHED).order_by()
        counted = published.values("thread").annotate(n=Count("pk")).values("n")
        latest = published.values("thread").annotate(m=Max("created_at")).values("m")
        updated = Thread.objects.filter(theme__in=theme_list).update(
            reply_count=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)),
            last_activity_at=Coalesce(Subquery(latest), F("created_at")),
        )
        self.stdout.write(f"Set reply counts and last activity of {updated} threads.")

        self._notifications(login, long_threads)
        if moderator is not None:
            self.stdout.write(f"Moderator {MODERATOR_EMAIL} has the moderators' group and two-factor authentication.")

    def _bulk_replies(self, rows):
        total, batch = 0, []
        for reply in rows:
            batch.append(reply)
            if len(batch) >= BATCH_SIZE:
                Reply.objects.bulk_create(batch, batch_size=BATCH_SIZE)
                total += len(batch)
                batch = []
        if batch:
            Reply.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            total += len(batch)
        return total

    def _long_thread(self, size, theme, login, people, bodies, now):
        """A thread by the login member with ``size`` replies, one a minute up to now."""
        body, html = bodies[0]
        created = now - timedelta(minutes=size + 60)
        thread = Thread.objects.create(
            theme=theme,
            author=login,
            title=f"Lange discussie met {size} reacties",
            slug=f"lange-discussie-met-{size}-reacties",
            body=body,
            body_html=html,
            created_at=created,
            last_activity_at=created,
        )
        replies = (
            Reply(
                thread=thread,
                author=people[k % len(people)],
                body=bodies[k % len(bodies)][0],
                body_html=bodies[k % len(bodies)][1],
                created_at=created + timedelta(minutes=k + 1),
            )
            for k in range(size)
        )
        self._bulk_replies(replies)
        self.stdout.write(f"Created thread “{thread.title}”.")
        return thread

    def _members(self, count):
        rows = [
            User(
                email=None,
                display_name=f"Benchlid {i}",
                handle=f"{MEMBER_HANDLE_PREFIX}{i}",
                password=make_password(None),
            )
            for i in range(1, count + 1)
        ]
        created = User.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.stdout.write(f"Created {len(created)} members without login.")
        # bulk_create returns primary keys on PostgreSQL and on SQLite 3.35+; read them back to be sure.
        return list(User.objects.filter(handle__startswith=MEMBER_HANDLE_PREFIX).order_by("pk"))

    def _themes(self, count):
        rows = [
            Theme(
                name=f"Benchmarkthema {i}",
                slug=f"{THEME_PREFIX}{i}",
                description="Een thema voor de benchmarks.",
                position=1000 + i,
            )
            for i in range(1, count + 1)
        ]
        Theme.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.stdout.write(f"Created {count} themes.")
        return list(Theme.objects.filter(slug__startswith=THEME_PREFIX).order_by("position"))

    def _login_members(self):
        """The member the benchmark logs in as, and a moderator: verified, terms accepted."""
        terms = account_selectors.terms_current()
        made = []
        for email, name, handle in [
            (LOGIN_EMAIL, "Bench Lid", "bench-lid"),
            (MODERATOR_EMAIL, "Bench Moderator", "bench-moderator"),
        ]:
            member = User(email=email, display_name=name, handle=handle, profile_visibility=ProfileVisibility.PUBLIC)
            member.set_password(LOGIN_PASSWORD)
            member.save()
            EmailAddress.objects.create(user=member, email=email, primary=True, verified=True)
            if terms is not None:
                account_services.terms_accept(member=member, terms=terms)
            made.append(member)
        login, moderator = made
        moderator.groups.add(roles.moderators_group())
        _add_totp(moderator)
        self.stdout.write(f"Created login member {LOGIN_EMAIL} and moderator {MODERATOR_EMAIL}.")
        if terms is None:
            self.stdout.write(self.style.WARNING("No terms published yet (run seed_forum first): none accepted."))
        return login, moderator

    def _notifications(self, login, long_threads):
        """The login member's notifications page has something to show: replies to their long threads."""
        if not long_threads:
            return
        replies = Reply.objects.filter(thread__in=long_threads).order_by("-created_at")[:NOTIFICATIONS]
        rows = [
            Notification(
                recipient=login,
                kind=Kind.REPLY_TO_THREAD,
                actor_id=reply.author_id,
                target=reply,
                created_at=reply.created_at,
                updated_at=reply.created_at,
                read_at=None if i < NOTIFICATIONS // 4 else reply.created_at,
            )
            for i, reply in enumerate(replies)
        ]
        Notification.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.stdout.write(f"Created {len(rows)} notifications for {LOGIN_EMAIL}.")


def _add_totp(user, secret="JBSWY3DPEHPK3PXP"):  # noqa: S107  (the well-known test secret of the factories)
    """Two-factor authentication as allauth.mfa stores it (as forum.tests.factories.add_totp)."""
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": get_adapter().encrypt(secret)}
    )
