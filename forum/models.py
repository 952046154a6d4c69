from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from core.text import render_markdown

from .choices import Capacity, ContentKind, HoldReason, Status
from .managers import ReplyQuerySet, TagQuerySet, ThemeQuerySet, ThreadQuerySet

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 50_000


# How others read a post's capacity: about the author, not in their first person.
CAPACITY_DISPLAY = {
    Capacity.PERSONAL: pgettext_lazy("capacity shown with a post", "in a personal capacity"),
    Capacity.FUNCTION: pgettext_lazy("capacity shown with a post", "in a professional capacity"),
    Capacity.ORGANISATION: pgettext_lazy("capacity shown with a post", "on behalf of the organisation"),
}


class Theme(models.Model):
    """A theme (category) that threads belong to."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Themes are listed by position."))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    is_premoderated = models.BooleanField(
        _("pre-moderated"),
        default=False,
        help_text=_("New threads and replies wait for a moderator's approval before others see them."),
    )
    is_members_only = models.BooleanField(
        _("members only"),
        default=False,
        help_text=_(
            "Only logged-in members see the theme, its threads and their replies; visitors are asked to log in."
        ),
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("theme moderators"),
        blank=True,
        related_name="moderated_themes",
        help_text=_(
            "Moderators limited to themes moderate only the themes they are listed on. "
            "A moderator listed on no theme moderates the whole site."
        ),
    )

    objects = ThemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("forum:theme", kwargs={"slug": self.slug})


class ModeratedPost(models.Model):
    """What threads and replies share: a Markdown body, an author and a state."""

    content_kind: ContentKind  # each concrete model says which it is

    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    body_html = models.TextField(_("rendered text"), editable=False)
    status = models.CharField(_("state"), max_length=16, choices=Status.choices, default=Status.PUBLISHED)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    hold_reason = models.CharField(_("held because"), max_length=16, choices=HoldReason.choices, blank=True)
    hold_detail = models.CharField(
        _("held for"), max_length=200, blank=True, help_text=_("The watched word or link that held the post.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    edited_at = models.DateTimeField(_("last edited"), null=True, blank=True)
    capacity = models.CharField(
        _("speaking capacity"), max_length=16, choices=Capacity.choices, default=Capacity.PERSONAL, db_index=True
    )
    reaction_count = models.PositiveIntegerField(_("appreciations"), default=0)
    on_behalf_of = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("on behalf of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The notifications about the post (a generic target to them): deleted with it.
    notifications = GenericRelation(
        "notifications.Notification", content_type_field="target_type", object_id_field="target_id"
    )

    class Meta:
        abstract = True

    @property
    def is_hidden(self):
        return self.status == Status.HIDDEN

    @property
    def is_held(self):
        return self.status == Status.HELD

    @property
    def capacity_label(self):
        return CAPACITY_DISPLAY.get(self.capacity, "")

    def is_edit_window_open(self, now=None):
        minutes = settings.FORUM_EDIT_WINDOW_MINUTES
        if not minutes:
            return True
        return (now or timezone.now()) < self.created_at + timedelta(minutes=minutes)

    def render(self):
        self.body_html = render_markdown(self.body)


class Thread(ModeratedPost):
    """A discussion: an article with replies, in a theme."""

    content_kind = ContentKind.THREAD

    theme = models.ForeignKey(Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="threads")
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    slug = models.SlugField(_("slug"), max_length=TITLE_MAX_LENGTH, allow_unicode=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="threads"
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The member who wrote it for an organisation account; only moderators see this."),
    )
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False, help_text=_("A locked thread takes no new replies."))
    pin_reason = models.TextField(
        _("reason for pinning"), blank=True, help_text=_("Shown on the thread page while the thread is pinned.")
    )
    lock_reason = models.TextField(
        _("reason for locking"), blank=True, help_text=_("Shown on the thread page while the thread is locked.")
    )
    closes_at = models.DateTimeField(
        _("closes at"), null=True, blank=True, help_text=_("After this moment the thread takes no new replies.")
    )
    slow_mode_seconds = models.PositiveIntegerField(
        _("slow mode"), default=0, help_text=_("Minimum number of seconds between two replies of one member. 0: off.")
    )
    view_count = models.PositiveBigIntegerField(_("views"), default=0)
    reply_count = models.PositiveIntegerField(_("replies"), default=0, help_text=_("Published replies."))
    held_reply_count = models.PositiveIntegerField(
        _("replies waiting for approval"), default=0, help_text=_("Replies held for a moderator's approval.")
    )
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    # django-taggit, with the forum's own tags and a real key to the thread (``ThreadTag``).
    tags = TaggableManager(_("tags"), through="ThreadTag", blank=True, help_text="")

    objects = ThreadQuerySet.as_manager()

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-last_activity_at"]
        permissions = [("moderate_forum", _("Can moderate threads and replies"))]
        indexes = [
            models.Index(fields=["status", "-is_pinned", "-last_activity_at", "-id"], name="forum_thread_listing_idx"),
            models.Index(
                fields=["theme", "status", "-is_pinned", "-last_activity_at", "-id"],
                name="forum_thread_theme_idx",
            ),
            models.Index(fields=["author", "-created_at"], name="forum_thread_author_idx"),
            models.Index(fields=["status", "-created_at", "-id"], name="forum_thread_recent_idx"),
            # The home page's two lists: SQLite cannot seek on a boolean column written as a bare
            # condition ("is_pinned", "NOT is_pinned"), so each list has an index of its own rows.
            models.Index(
                fields=["-last_activity_at", "-id"],
                condition=models.Q(status=Status.PUBLISHED, is_pinned=False),
                name="forum_thread_home_idx",
            ),
            models.Index(
                fields=["-last_activity_at", "-id"],
                condition=models.Q(status=Status.PUBLISHED, is_pinned=True),
                name="forum_thread_pinned_idx",
            ),
            # The lists of discussions (forum.selectors.thread_list): the most viewed, site-wide and per
            # theme, and the unanswered ones (no published reply), newest first, each in its own order.
            models.Index(fields=["status", "-view_count", "-id"], name="forum_thread_viewed_idx"),
            models.Index(fields=["theme", "status", "-view_count", "-id"], name="forum_thread_theme_viewed_idx"),
            models.Index(
                fields=["-created_at", "-id"],
                condition=models.Q(status=Status.PUBLISHED, reply_count=0),
                name="forum_thread_unanswered_idx",
            ),
            models.Index(
                fields=["theme", "-created_at", "-id"],
                condition=models.Q(status=Status.PUBLISHED, reply_count=0),
                name="forum_thread_theme_unans_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:TITLE_MAX_LENGTH] or "discussie"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("forum:thread", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def slow_mode_minutes(self) -> int:
        """The wait of slow mode in whole minutes (rounded up), as moderators set it and members read it."""
        return -(-self.slow_mode_seconds // 60)


class Reply(ModeratedPost):
    """A reply ("reactie") under a thread."""

    content_kind = ContentKind.REPLY

    # No index of its own: forum_reply_thread_idx (thread, status, created_at, id) begins with it,
    # and a second one on the thread alone tempts PostgreSQL's generic plans to sort a whole thread.
    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.PROTECT, related_name="replies", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="replies"
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The member who wrote it for an organisation account; only moderators see this."),
    )
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ReplyQuerySet.as_manager()

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["thread", "status", "created_at", "id"], name="forum_reply_thread_idx"),
            models.Index(fields=["author", "-created_at"], name="forum_reply_author_idx"),
            models.Index(fields=["status", "-created_at", "-id"], name="forum_reply_recent_idx"),
        ]

    def __str__(self):
        return _("Reply by %(author)s in “%(thread)s”") % {"author": self.author.public_name, "thread": self.thread}

    def get_absolute_url(self):
        return f"{reverse('forum:reply', kwargs={'pk': self.pk})}"

    @property
    def anchor(self):
        return f"reactie-{self.pk}"


class Revision(models.Model):
    """
    The text of a thread or reply as it was before an edit. Revisions are shown
    to the author and moderators only: an author who edits out something they
    should not have written must not see it stay public in a history.
    """

    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, null=True, blank=True, related_name="revisions"
    )
    reply = models.ForeignKey(
        Reply, verbose_name=_("reply"), on_delete=models.CASCADE, null=True, blank=True, related_name="revisions"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH, blank=True)
    body = models.TextField(_("text"))
    capacity = models.CharField(_("speaking capacity"), max_length=16, choices=Capacity.choices, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(thread__isnull=False, reply__isnull=True))
                | (models.Q(thread__isnull=True, reply__isnull=False)),
                name="forum_revision_one_target",
            )
        ]

    def __str__(self):
        return _("Revision of %(date)s") % {"date": f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"}


class Page(models.Model):
    """A page whose text administrators edit in the admin, such as the terms."""

    class Kind(models.TextChoices):
        PRIVACY = "privacyverklaring", _("Privacy statement")

    slug = models.SlugField(_("page"), max_length=50, unique=True, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown."))
    body_html = models.TextField(_("rendered text"), editable=False)
    # English readers see the English text; while it is empty, the Dutch one.
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    body_en = models.TextField(
        _("text in English"), blank=True, help_text=_("Markdown. Empty: English readers see the Dutch text.")
    )
    body_html_en = models.TextField(_("rendered English text"), editable=False, blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.body_html_en = render_markdown(self.body_en) if self.body_en.strip() else ""
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("forum:page", kwargs={"slug": self.slug})


class Reaction(models.Model):
    """A member's appreciation ("waardeer") of a thread or a reply: one per member per post."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="reactions"
    )
    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, null=True, blank=True, related_name="reactions"
    )
    reply = models.ForeignKey(
        Reply, verbose_name=_("reply"), on_delete=models.CASCADE, null=True, blank=True, related_name="reactions"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("appreciation")
        verbose_name_plural = _("appreciations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(thread__isnull=False, reply__isnull=True))
                | (models.Q(thread__isnull=True, reply__isnull=False)),
                name="forum_reaction_one_target",
            ),
            models.UniqueConstraint(
                fields=["member", "thread"], condition=models.Q(thread__isnull=False), name="forum_reaction_thread_once"
            ),
            models.UniqueConstraint(
                fields=["member", "reply"], condition=models.Q(reply__isnull=False), name="forum_reaction_reply_once"
            ),
        ]

    def __str__(self):
        return f"{self.member} → {self.thread or self.reply}"


class ThreadFollow(models.Model):
    """A member follows a thread: they hear of its new replies."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="thread_follows"
    )
    thread = models.ForeignKey(Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("followed thread")
        verbose_name_plural = _("followed threads")
        constraints = [models.UniqueConstraint(fields=["member", "thread"], name="forum_threadfollow_once")]

    def __str__(self):
        return f"{self.member} → {self.thread}"


class ThemeFollow(models.Model):
    """A member follows a theme: they hear of its new threads and replies."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="theme_follows"
    )
    theme = models.ForeignKey(Theme, verbose_name=_("theme"), on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("followed theme")
        verbose_name_plural = _("followed themes")
        constraints = [models.UniqueConstraint(fields=["member", "theme"], name="forum_themefollow_once")]

    def __str__(self):
        return f"{self.member} → {self.theme}"


class ThreadVisit(models.Model):
    """
    Until when a member has read a thread: one row per member per thread at
    most, so unread markers cost one indexed lookup per listed thread.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="thread_visits"
    )
    thread = models.ForeignKey(Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="visits")
    last_read_at = models.DateTimeField(_("read until"))

    class Meta:
        verbose_name = _("thread visit")
        verbose_name_plural = _("thread visits")
        constraints = [models.UniqueConstraint(fields=["member", "thread"], name="forum_threadvisit_once")]

    def __str__(self):
        return f"{self.member} → {self.thread}"


TAG_MAX_LENGTH = 40


class Tag(TagBase):
    """
    A tag on threads (django-taggit's ``TagBase``): its name lowercase and trimmed, its slug the
    address of its page. Made, renamed and merged through ``forum.services.tags``.
    """

    objects = TagQuerySet.as_manager()

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def get_absolute_url(self):
        return reverse("forum:tag", kwargs={"slug": self.slug})


class ThreadTag(TaggedItemBase):
    """A thread carries a tag: once, with keys to both (django-taggit's custom through model)."""

    tag = models.ForeignKey(Tag, verbose_name=_("tag"), on_delete=models.CASCADE, related_name="thread_tags")
    content_object = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="thread_tags"
    )

    class Meta:
        verbose_name = _("tag on a thread")
        verbose_name_plural = _("tags on threads")
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="forum_threadtag_once")]
        # A tag's threads (its page, its count), the other way round from the constraint's index.
        indexes = [models.Index(fields=["tag", "content_object"], name="forum_threadtag_tag_idx")]

    def __str__(self):
        return f"{self.content_object_id} → {self.tag_id}"
