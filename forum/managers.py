"""The read layer: chainable querysets that views pick explicitly."""

import functools

from django.db import connections, models
from django.db.models.functions import Coalesce

from accounts.permissions import is_approved, is_member, is_moderator
from accounts.standing import standing_of

from . import versions
from .choices import Capacity, Status


def sees_members_only(user) -> bool:
    """
    Whether ``user`` (a member or a standing) may see members-only themes (``Theme.is_members_only``),
    their threads and replies: admitted members (a verified civil servant, or approved), not
    visitors and not whoever still waits for approval or was refused. The one definition: the
    querysets below, ``forum.permissions`` and the audiences of what the lists keep in the cache
    (``forum.selectors``, ``kept_listing``) ask it.
    """
    return is_approved(standing_of(user))


class ThemeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The themes ``user`` may see: not the members-only ones for a visitor."""
        return self if sees_members_only(user) else self.filter(is_members_only=False)

    def members_only(self):
        return self.filter(is_members_only=True)

    def with_thread_counts(self):
        return self.annotate(
            published_thread_count=models.Count("threads", filter=models.Q(threads__status=Status.PUBLISHED))
        )


class ListedUpdates:
    """
    ``update()`` of threads and replies gives the lists of discussions a new version
    (forum/versions.py): the services change a post's state, and a thread's counters, in
    conditional updates, which send no signal. The view count has an UPDATE of its own
    (``thread_count_view``), so the lists may show it a few seconds late. The number of
    appreciations shows in no list (a visitor's reply card has it in its key).
    """

    NOT_LISTED = frozenset({"reaction_count"})

    def update(self, **kwargs):
        changed = super().update(**kwargs)
        if changed and not kwargs.keys() <= self.NOT_LISTED:
            versions.replace(versions.LISTING)
        return changed


class ThreadQuerySet(ListedUpdates, models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user):
        """
        What ``user`` may read: published threads in the themes they may see (``in_themes_visible_to``);
        moderators also see hidden and held threads.
        """
        standing = standing_of(user)
        if is_moderator(standing):
            return self
        return self.published().in_themes_visible_to(standing)

    def in_themes_visible_to(self, user):
        """
        Only threads in themes ``user`` may see: for a visitor, none in a members-only theme. A
        condition on the small list of members-only themes (``NOT IN``), not a join, so lists keep
        reading the threads' own indexes in order.
        """
        if sees_members_only(user):
            return self
        Theme = self.model._meta.get_field("theme").related_model  # by relation, as below
        return self.exclude(theme__in=Theme.objects.members_only().values("pk"))

    def with_related(self):
        return self.select_related("theme", "author__organisation", "written_by", "on_behalf_of")

    def for_thread_page(self, *, writers=True):
        """
        ``with_related()`` with the columns the thread's own page needs: the thread's and its
        theme's, and of the accounts only what a post's heading shows (as replies have them,
        ``ReplyQuerySet.for_thread_page``), not the authors' password hash, e-mail, biography...
        The query has a third of the columns to build, compile and read on every page.
        ``writers=False``: without who wrote a post for an organisation account, for a viewer
        who may not see it (``accounts.permissions.can_see_real_author``).
        """
        theme = [
            f"theme__{field.name}" for field in self.model._meta.get_field("theme").related_model._meta.concrete_fields
        ]
        related = ["theme", "author__organisation", "on_behalf_of", *(["written_by"] if writers else [])]
        return self.select_related(*related).only("body", *_thread_page_fields(self.model, writers), *theme)

    def with_tag_list(self):
        """
        Annotate ``tag_list``: the thread's tags as ``[name, slug]`` pairs by name, aggregated to
        JSON in a subquery of the thread's own query (on the unique index (thread, tag)), so a list
        or the thread page shows tags without a query of its own. Written as SQL, as
        ``with_first_unread_reply_for``: the JSON aggregate is each database's own.
        """
        ThreadTag = self.model._meta.get_field("thread_tags").related_model  # by relation, as below
        Tag = ThreadTag._meta.get_field("tag").related_model
        connection = connections[self.db]
        quote = connection.ops.quote_name
        thread_pk = f"{quote(self.model._meta.db_table)}.{quote(self.model._meta.pk.column)}"
        tagged = (
            f" FROM {quote(ThreadTag._meta.db_table)} TT INNER JOIN {quote(Tag._meta.db_table)} T"  # noqa: S608 (names from the models)
            f" ON T.{quote('id')} = TT.{quote('tag_id')} WHERE TT.{quote('content_object_id')} = {thread_pk}"
        )
        if connection.vendor == "postgresql":
            sql = (
                f"SELECT COALESCE(jsonb_agg(jsonb_build_array(T.{quote('name')}, T.{quote('slug')})"
                f" ORDER BY T.{quote('name')}), '[]'::jsonb){tagged}"
            )
        else:  # SQLite: its JSON functions; the rows aggregated in the order of the inner query
            sql = (
                f"SELECT json_group_array(json_array(N, S)) FROM"  # noqa: S608 (names from the models)
                f" (SELECT T.{quote('name')} AS N, T.{quote('slug')} AS S{tagged} ORDER BY T.{quote('name')})"
            )
        return self.annotate(tag_list=models.expressions.RawSQL(sql, (), output_field=models.JSONField()))  # noqa: S611

    def with_capacity(self, capacity):
        """Only threads written in ``capacity``; every thread when it is not a known capacity."""
        return self.filter(capacity=capacity) if capacity in Capacity.values else self

    def for_lists(self):
        """
        The columns a line of a list of discussions shows (forum/_thread_list.html and
        forum/_thread_summary.html), with its theme and author: not the text, nor the authors'
        password hash, e-mail or biography. A third of the columns to read, build and compile.
        """
        return self.select_related("theme", "author__organisation").only(
            "title",
            "slug",
            "status",
            "created_at",
            "capacity",
            "is_pinned",
            "is_locked",
            "view_count",
            "reply_count",
            "last_activity_at",
            "theme__name",
            "theme__slug",
            "author__display_name",
            "author__is_former_member",
            "author__is_organisation_account",
            "author__organisation__name",
        )

    def for_listing(self):
        """Pinned first, then by latest activity: the order of home and theme pages."""
        return self.for_lists().order_by("-is_pinned", "-last_activity_at", "-pk")

    def latest(self):
        """By latest activity, as lists show them: the home page's order."""
        return self.for_lists().order_by("-last_activity_at", "-pk")

    def most_active(self, *, since):
        """
        Threads with published replies since ``since``, the most of them first (``recent_reply_count``),
        then by latest activity. One grouped query that starts from the replies written since then
        (the replies' index on status and date, a range as long as the period's replies, not the forum's)
        and joins their threads; a thread without replies in the period is not listed.
        """
        return (
            self.filter(replies__status=Status.PUBLISHED, replies__created_at__gte=since)
            .annotate(recent_reply_count=models.Count("replies"))
            .order_by("-recent_reply_count", "-last_activity_at", "-pk")
        )

    def most_viewed(self):
        """The most viewed first (``view_count``, a stored counter), along an index in this order."""
        return self.order_by("-view_count", "-pk")

    def unanswered(self):
        """Threads without a published reply (``reply_count``, a stored counter), the newest first."""
        return self.filter(reply_count=0).order_by("-created_at", "-pk")

    def with_unread_for(self, user):
        """
        Mark what ``user`` has not read: ``is_unread``, true when the thread moved
        (``last_activity_at``) after they last read it (their ``ThreadVisit``).

        Without a visit row the member's joining date stands in for it, so a new member is not
        greeted with the whole history marked as new: only what happened since they joined is.
        Each listed thread costs one lookup in the unique index (member, thread) inside the
        same query (one subquery: lists show the marker only, not the visit's time); there is no
        join across all visits and no OR. Visitors get no annotation.
        """
        standing = standing_of(user)
        user = standing.user
        if not is_member(standing):
            return self
        visits = self.model._meta.get_field("visits").related_model.objects  # by relation, see below
        last_read_at = visits.filter(member=user, thread=models.OuterRef("pk")).values("last_read_at")[:1]
        return self.annotate(
            is_unread=models.ExpressionWrapper(
                models.Q(last_activity_at__gt=_read_until(models.Subquery(last_read_at), user)),
                output_field=models.BooleanField(),
            )
        )

    def with_first_unread_reply_for(self, user):
        """
        Annotate ``first_unread_reply_id``: the oldest published reply ``user`` has not read,
        written after their last visit (or after they joined when they never visited), or
        ``None``. Hidden replies and the member's own replies never count. A subquery in the same query, meant for one
        thread at a time: the reply index (thread, status, created_at) finds the reply and the
        visit is looked up once, by the unique index (member, thread). Also ``last_read_at``, the
        visit's read position (``None`` without a visit). Visitors: no annotation.
        """
        standing = standing_of(user)
        user = standing.user
        if not is_member(standing):
            return self
        # The models by their relations (models.py imports this module, so not by name).
        Reply = self.model._meta.get_field("replies").related_model
        ThreadVisit = self.model._meta.get_field("visits").related_model
        # Written as SQL: the same subqueries built with the ORM (Subquery, OuterRef(OuterRef()),
        # Coalesce) cost the thread page some 4,500 Python calls to build and compile, every visit.
        # The visit belongs to this thread, not to each reply row, so the database looks it up once
        # and uses it as the lower bound of the index scan.
        ops = connections[self.db].ops
        quote = ops.quote_name
        thread_pk = f"{quote(self.model._meta.db_table)}.{quote(self.model._meta.pk.column)}"
        last_read = (
            f"SELECT V.{quote('last_read_at')} FROM {quote(ThreadVisit._meta.db_table)} V"  # noqa: S608 (names from the models)
            f" WHERE V.{quote('member_id')} = %s AND V.{quote('thread_id')} = {thread_pk} LIMIT 1"
        )
        first = (
            f"SELECT R.{quote('id')} FROM {quote(Reply._meta.db_table)} R"  # noqa: S608 (names from the models)
            f" WHERE R.{quote('thread_id')} = {thread_pk} AND R.{quote('status')} = %s"
            f" AND R.{quote('created_at')} > COALESCE(({last_read}), %s)"
            # The member's own replies (also those written for an organisation) are never unread to them.
            f" AND R.{quote('author_id')} <> %s"
            f" AND (R.{quote('written_by_id')} IS NULL OR R.{quote('written_by_id')} <> %s)"
            f" ORDER BY R.{quote('created_at')} ASC, R.{quote('id')} ASC LIMIT 1"
        )
        joined = ops.adapt_datetimefield_value(user.date_joined)
        # The stored read position itself, so the page writes it only when it moves forward.
        return self.annotate(
            first_unread_reply_id=models.expressions.RawSQL(  # noqa: S611 (model names, values as parameters)
                first,
                (Status.PUBLISHED.value, user.pk, joined, user.pk, user.pk),
                output_field=models.BigIntegerField(),
            ),
            last_read_at=models.expressions.RawSQL(last_read, (user.pk,), output_field=models.DateTimeField()),  # noqa: S611
        )

    def with_following_for(self, user):
        """
        Annotate ``followed_by_viewer``: whether ``user`` follows the thread, an EXISTS on the
        unique index (member, thread) in the same query. Visitors: no annotation.
        """
        standing = standing_of(user)
        user = standing.user
        if not is_member(standing):
            return self
        ThreadFollow = self.model._meta.get_field("follows").related_model  # by relation, as above
        # As SQL, for the same reason as ``with_first_unread_reply_for``.
        quote = connections[self.db].ops.quote_name
        follows = (
            f"EXISTS(SELECT 1 FROM {quote(ThreadFollow._meta.db_table)} F WHERE F.{quote('member_id')} = %s"  # noqa: S608
            f" AND F.{quote('thread_id')} = {quote(self.model._meta.db_table)}.{quote(self.model._meta.pk.column)})"
        )
        return self.annotate(
            followed_by_viewer=models.expressions.RawSQL(follows, (user.pk,), output_field=models.BooleanField())  # noqa: S611
        )

    def with_follower_count(self):
        """
        Annotate ``follower_count``: how many members follow the thread, a count on the follows'
        thread index in the same query. Written as SQL, as ``with_following_for``.
        """
        follows = self.model._meta.get_field("follows").related_model
        quote = connections[self.db].ops.quote_name
        followers = (
            f"SELECT COUNT(*) FROM {quote(follows._meta.db_table)} F"  # noqa: S608 (names from the models)
            f" WHERE F.{quote('thread_id')} = {quote(self.model._meta.db_table)}.{quote(self.model._meta.pk.column)}"
        )
        return self.annotate(
            follower_count=models.expressions.RawSQL(followers, (), output_field=models.IntegerField())  # noqa: S611
        )

    def with_appreciation_by(self, user):
        """
        Annotate ``appreciated_by_viewer``: whether ``user`` appreciated the thread, an EXISTS on
        the member's reactions in the same query (``_appreciated_by``). Visitors: no annotation.
        """
        return _appreciated_by(self, user, "thread_id")

    def activity(self):
        """
        Published threads, the latest activity first, with what an activity line shows (for
        ``forum.selectors``). Filtered on ``is_pinned``, each list has an index in this order.
        """
        return (
            self.published()
            .select_related("author")
            .only("title", "slug", "created_at", "last_activity_at", "author__display_name", "author__is_former_member")
            .order_by("-last_activity_at", "-pk")
        )

    def with_activity_summary(self, *, since):
        """
        Annotate what happened in each thread: its latest published reply (``last_reply_id``, by
        ``last_reply_by``, ``last_reply_by_former_member``; ``None`` without replies) and
        ``new_reply_count``, its published replies since ``since``. Subqueries in the same query,
        each a short range of the replies' index (thread, status, created_at).
        """
        replies = self.model._meta.get_field("replies").related_model.objects.published()
        replies = replies.filter(thread=models.OuterRef("pk"))
        last = replies.order_by("-created_at", "-pk")
        new = replies.filter(created_at__gte=since).order_by().values("thread").annotate(count=models.Count("pk"))
        return self.annotate(
            last_reply_id=models.Subquery(last.values("pk")[:1]),
            last_reply_by=models.Subquery(last.values("author__display_name")[:1]),
            last_reply_by_former_member=models.Subquery(last.values("author__is_former_member")[:1]),
            new_reply_count=Coalesce(models.Subquery(new.values("count")), 0),
        )


class ReplyQuerySet(ListedUpdates, models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user):
        standing = standing_of(user)
        user = standing.user
        if is_moderator(standing):
            return self
        return self.published()

    def in_threads_visible_to(self, user):
        """
        Only replies in threads ``user`` may read (``ThreadQuerySet.visible_to``): a condition on
        the joined thread row, checked per reply, rather than a list of every readable thread
        (which grows with the forum). ``visible_to`` is about the reply's own state: a list of
        replies from more than one thread needs both.
        """
        standing = standing_of(user)
        if is_moderator(standing):
            return self
        replies = self.filter(thread__status=Status.PUBLISHED)
        if sees_members_only(standing):
            return replies
        Theme = self.model._meta.get_field("thread").related_model._meta.get_field("theme").related_model
        return replies.exclude(thread__theme__in=Theme.objects.members_only().values("pk"))

    def with_author(self):
        return self.select_related("author__organisation", "written_by", "on_behalf_of")

    def for_thread_page(self, *, writers=True):
        """
        ``with_author()`` without the columns the thread page never shows (the Markdown source, up
        to 50,000 characters a reply; the authors' password hash, e-mail, biography...): less to
        read, convert and keep for a page of 20 replies. A field left out here but used after all
        would cost a query per reply, which the thread page's query-count tests catch.

        Named with ``only()``, the columns the page shows: Django builds and compiles the query in a
        third fewer calls than with ``defer()`` of the others (a deferred-field mask over every
        model; the organisations' columns besides the name). ``writers=False``: without who wrote
        a post for an organisation account, for a viewer who may not see it (a join and its
        columns fewer for every visitor).
        """
        related = ["author__organisation", "on_behalf_of", *(["written_by"] if writers else [])]
        return self.select_related(*related).only(*_thread_page_fields(self.model, writers))

    def with_appreciation_by(self, user):
        """
        Annotate ``appreciated_by_viewer``: whether ``user`` appreciated each reply, an EXISTS on
        the member's reactions in the same query (``_appreciated_by``). Visitors: no annotation.
        """
        return _appreciated_by(self, user, "reply_id")

    def in_order(self, *, newest_first: bool):
        if newest_first:
            return self.order_by("-created_at", "-pk")
        return self.order_by("created_at", "pk")


class TagQuerySet(models.QuerySet):
    """Tags as ``user`` may see them: only through the threads they may see (``ThreadQuerySet.visible_to``)."""

    def _tagged(self, user, theme=None):
        """The tag links of the threads ``user`` may see (in ``theme``), for each tag of the outer query."""
        ThreadTag = self.model._meta.get_field("thread_tags").related_model  # by relation, as above
        threads = ThreadTag._meta.get_field("content_object").related_model.objects.visible_to(user)
        if theme is not None:
            threads = threads.filter(theme=theme)
        return ThreadTag.objects.filter(tag=models.OuterRef("pk"), content_object__in=threads.values("pk"))

    def visible_to(self, user):
        """
        Tags on at least one thread ``user`` may see: a tag used only on hidden, held or (for a
        visitor) members-only threads does not exist for them.
        """
        return self.filter(models.Exists(self._tagged(user)))

    def with_is_public(self):
        """
        Annotate ``is_public``: whether a visitor may see the tag too (on a thread a visitor may
        read), so its page is indexed and has feeds. An EXISTS in the tag's own query.
        """
        return self.annotate(is_public=models.Exists(self._tagged(None)))

    def with_thread_counts(self, user, *, theme=None):
        """
        Only tags on threads ``user`` may see (in ``theme``), each with ``thread_count``, how many
        such threads carry it, most used first: one query, a count per tag on the tag's index.
        """
        counts = self._tagged(user, theme).order_by().values("tag").annotate(count=models.Count("pk")).values("count")
        return (
            self.annotate(thread_count=Coalesce(models.Subquery(counts), 0))
            .filter(thread_count__gt=0)
            .order_by("-thread_count", "name")
        )


# Account fields of a post's author that the thread page shows or asks (not the password hash,
# e-mail, biography, dates...).
_SHOWN_USER_FIELDS = (
    "display_name",
    "handle",
    "is_active",
    "organisation",
    "is_organisation_account",
    "avatar",
    "profile_visibility",
    "is_former_member",
)


@functools.cache
def _thread_page_fields(model, writers=True) -> tuple:
    """A post's own fields but the Markdown source, its authors' shown fields, the organisations' names."""
    own = [field.name for field in model._meta.concrete_fields if field.name != "body"]
    authors = ("author", "written_by") if writers else ("author",)
    users = [f"{author}__{name}" for author in authors for name in _SHOWN_USER_FIELDS]
    return (*own, *users, "author__organisation__name", "on_behalf_of__name")


def _appreciated_by(queryset, user, column):
    """
    ``appreciated_by_viewer`` on each post of ``queryset``: an EXISTS on the unique index of the
    member's reactions (member and thread, or member and reply), in the post's own query instead
    of a query of its own for the page. Written as SQL, as ``with_following_for``.
    """
    standing = standing_of(user)
    user = standing.user
    if not is_member(standing):
        return queryset
    Reaction = queryset.model._meta.get_field("reactions").related_model  # by relation, as ThreadQuerySet does
    quote = connections[queryset.db].ops.quote_name
    model = queryset.model
    exists = (
        f"EXISTS(SELECT 1 FROM {quote(Reaction._meta.db_table)} R WHERE R.{quote('member_id')} = %s"  # noqa: S608
        f" AND R.{quote(column)} = {quote(model._meta.db_table)}.{quote(model._meta.pk.column)})"
    )
    return queryset.annotate(
        appreciated_by_viewer=models.expressions.RawSQL(exists, (user.pk,), output_field=models.BooleanField())  # noqa: S611
    )


def _read_until(last_read_at, user):
    """The member's last visit, or the day they joined when they never visited."""
    return Coalesce(last_read_at, models.Value(user.date_joined), output_field=models.DateTimeField())
