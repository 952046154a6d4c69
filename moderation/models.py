"""
What moderation keeps: members' reports, objections to decisions, the watched
words, problem reports from the footer form, measures against members and
moderators' notes. The tables keep the names they had in forum and accounts
(the models moved here without moving a row, migration 0001).
"""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import ModerationLog
from forum.models import ContentKind, Reply, Thread

User = settings.AUTH_USER_MODEL


class ProblemReport(models.Model):
    """A report from the footer form "Een probleem rapporteren?", for moderators."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("report state", "open")
        CLOSED = "closed", pgettext_lazy("report state", "closed")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problem_reports",
    )
    contact_email = models.EmailField(_("e-mail address for an answer"), blank=True)
    page_url = models.CharField(_("page"), max_length=500, blank=True)
    message = models.TextField(_("message"), max_length=5000)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)

    class Meta:
        db_table = "forum_problemreport"  # the table it had before it moved here
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        ordering = ["-created_at"]

    def __str__(self):
        return _("Problem report of %(date)s") % {"date": f"{self.created_at:%Y-%m-%d %H:%M}"}


class ReportReason(models.TextChoices):
    SPAM = "spam", _("spam or advertising")
    INSULTING = "insulting", _("insulting or intimidating")
    DISCRIMINATION = "discrimination", _("discrimination")
    OFF_TOPIC = "off_topic", _("off-topic")
    PERSONAL_DATA = "personal_data", _("personal data of others")
    CONFIDENTIAL = "confidential", _("confidential or non-public government information")
    OTHER = "other", _("something else (explain below)")


class Report(models.Model):
    """
    A member's report of a thread, a reply or a member profile, for moderators.
    One open report per member per item; reports stay after their decision.
    """

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("report state", "open")
        DISMISSED = "dismissed", pgettext_lazy("report state", "dismissed")
        UPHELD = "upheld", pgettext_lazy("report state", "upheld")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="reports_made",
    )
    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reply = models.ForeignKey(
        Reply, verbose_name=_("reply"), on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports_about",
    )
    reason = models.CharField(_("reason"), max_length=32, choices=ReportReason.choices)
    note = models.TextField(_("explanation"), max_length=2000, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN, db_index=True)
    created_at = models.DateTimeField(_("reported"), default=timezone.now, db_index=True)
    resolved_at = models.DateTimeField(_("decided"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution_note = models.TextField(_("decision"), blank=True)

    class Meta:
        db_table = "forum_report"  # the table it had before it moved here
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(thread__isnull=False, reply__isnull=True, member__isnull=True)
                    | models.Q(thread__isnull=True, reply__isnull=False, member__isnull=True)
                    | models.Q(thread__isnull=True, reply__isnull=True, member__isnull=False)
                ),
                name="forum_report_one_target",
            ),
            models.UniqueConstraint(
                fields=["reporter", "thread"],
                condition=models.Q(state="open", thread__isnull=False),
                name="forum_report_open_thread_once",
            ),
            models.UniqueConstraint(
                fields=["reporter", "reply"],
                condition=models.Q(state="open", reply__isnull=False),
                name="forum_report_open_reply_once",
            ),
            models.UniqueConstraint(
                fields=["reporter", "member"],
                condition=models.Q(state="open", member__isnull=False),
                name="forum_report_open_member_once",
            ),
        ]

    def __str__(self):
        return _("Report of %(date)s: %(reason)s") % {
            "date": f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}",
            "reason": self.get_reason_display(),
        }

    @property
    def target(self):
        return self.thread or self.reply or self.member

    @property
    def target_kind(self) -> ContentKind:
        if self.thread_id:
            return ContentKind.THREAD
        return ContentKind.REPLY if self.reply_id else ContentKind.MEMBER


class Objection(models.Model):
    """
    A member's objection ("bezwaar") to a moderation decision that affected them:
    once per decision, decided by another moderator than the one who decided.
    """

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("objection state", "open")
        UPHELD = "upheld", pgettext_lazy("objection state", "upheld")
        REJECTED = "rejected", pgettext_lazy("objection state", "rejected")

    decision = models.OneToOneField(
        ModerationLog, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="objection"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="objections"
    )
    text = models.TextField(_("objection"), max_length=5000)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN, db_index=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.TextField(_("answer"), blank=True)

    class Meta:
        db_table = "forum_objection"  # the table it had before it moved here
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return _("Objection of %(date)s") % {"date": f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"}


class WatchedWord(models.Model):
    """
    A word or phrase moderators watch for in new and edited posts, managed in the admin:
    a post containing it is held for approval, or refused with a message to its author.
    Matched case-insensitively on whole words; ``*`` stands for any letters (``pharma*``).
    """

    class Action(models.TextChoices):
        HOLD = "hold", _("hold for approval")
        REFUSE = "refuse", _("refuse with a message")

    phrase = models.CharField(_("word or phrase"), max_length=100, unique=True)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices, default=Action.HOLD)
    message = models.CharField(
        _("message"),
        max_length=300,
        blank=True,
        help_text=_("Shown to the author when the post is refused; a general message when empty."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        db_table = "forum_watchedword"  # the table it had before it moved here
        verbose_name = _("watched word")
        verbose_name_plural = _("watched words")
        ordering = ["phrase"]

    def __str__(self):
        return self.phrase

    def clean(self):
        self.phrase = " ".join(self.phrase.split())
        if not self.phrase.replace("*", "").strip():
            raise ValidationError({"phrase": _("Give at least one letter or digit; “*” alone would match every word.")})


WATCHED_WORDS_CACHE_KEY = "forum:watched-words"


@receiver([post_save, post_delete], sender=WatchedWord)
def _watched_words_changed(**kwargs):
    """The active words are cached for every new post's check; a change drops the cache."""
    cache.delete(WATCHED_WORDS_CACHE_KEY)


class Sanction(models.Model):
    """
    A moderator's measure against a member, always with its reason: a warning
    (to acknowledge), a suspension until a date (read, but not post or react)
    or a ban (no login). Lifting keeps the row: the history stays.
    """

    class Kind(models.TextChoices):
        WARNING = "warning", _("warning")
        SUSPENSION = "suspension", _("suspension")
        BAN = "ban", _("ban")

    member = models.ForeignKey(User, verbose_name=_("member"), on_delete=models.CASCADE, related_name="sanctions")
    kind = models.CharField(_("measure"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    rule = models.CharField(_("rule"), max_length=200, blank=True, help_text=_("Which rule of the terms."))
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True, help_text=_("Empty: until lifted."))
    created_by = models.ForeignKey(
        User, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        User, verbose_name=_("lifted by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        db_table = "accounts_sanction"  # the table it had before it moved here
        verbose_name = _("measure against a member")
        verbose_name_plural = _("measures against members")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["member", "kind", "lifted_at"], name="accounts_sanction_active_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.member}"

    def is_in_force(self, now=None):
        now = now or timezone.now()
        return self.lifted_at is None and self.starts_at <= now and (self.ends_at is None or now < self.ends_at)


class ModeratorNote(models.Model):
    """A private note about a member, for moderators only."""

    member = models.ForeignKey(User, verbose_name=_("member"), on_delete=models.CASCADE, related_name="moderator_notes")
    author = models.ForeignKey(
        User, verbose_name=_("moderator"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        db_table = "accounts_moderatornote"  # the table it had before it moved here
        verbose_name = _("moderator note")
        verbose_name_plural = _("moderator notes")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.member} ({timezone.localtime(self.created_at):%Y-%m-%d})"
