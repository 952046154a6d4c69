"""The read layer: chainable querysets that views pick explicitly."""

from django.db import models

from accounts.permissions import is_moderator


class PostStatus(models.TextChoices):
    PUBLISHED = "published", "published"
    HIDDEN = "hidden", "hidden"


class ThemeQuerySet(models.QuerySet):
    def with_thread_counts(self):
        return self.annotate(
            published_thread_count=models.Count("threads", filter=models.Q(threads__status=PostStatus.PUBLISHED))
        )


class ThreadQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PostStatus.PUBLISHED)

    def visible_to(self, user):
        """What ``user`` may read: moderators also see hidden threads."""
        if is_moderator(user):
            return self
        return self.published()

    def with_related(self):
        return self.select_related("theme", "author__organisation", "written_by", "on_behalf_of")

    def with_capacity(self, capacity):
        """Only threads written in ``capacity``; every thread when it is not a known capacity."""
        from .models import Capacity

        return self.filter(capacity=capacity) if capacity in Capacity.values else self

    def for_listing(self):
        """Pinned first, then by latest activity: the order of home and theme pages."""
        return self.with_related().order_by("-is_pinned", "-last_activity_at", "-pk")

    def latest(self):
        return self.with_related().order_by("-last_activity_at", "-pk")


class ReplyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PostStatus.PUBLISHED)

    def visible_to(self, user):
        if is_moderator(user):
            return self
        return self.published()

    def with_author(self):
        return self.select_related("author__organisation", "written_by", "on_behalf_of")

    def in_order(self, *, newest_first: bool):
        if newest_first:
            return self.order_by("-created_at", "-pk")
        return self.order_by("created_at", "pk")
