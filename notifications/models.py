from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import targets


class Kind(models.TextChoices):
    REPLY_TO_THREAD = "reply_to_thread", _("a reply to my discussion")
    REPLY_IN_FOLLOWED = "reply_in_followed", _("a reply in a discussion or theme I follow")
    MENTION = "mention", _("a mention of my name")
    REACTION = "reaction", _("an appreciation of my post")
    MODERATION = "moderation", _("a moderation decision about me or my post")
    REPORT_OUTCOME = "report_outcome", _("the outcome of my report")


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("at once")
    DAILY = "daily", _("in a daily summary")
    WEEKLY = "weekly", _("in a weekly summary")
    NEVER = "never", _("never")


# What a member gets by e-mail until they choose otherwise.
DEFAULT_FREQUENCY: dict[str, str] = {
    Kind.REPLY_TO_THREAD: Frequency.IMMEDIATELY,
    Kind.REPLY_IN_FOLLOWED: Frequency.DAILY,
    Kind.MENTION: Frequency.IMMEDIATELY,
    Kind.REACTION: Frequency.WEEKLY,
    Kind.MODERATION: Frequency.IMMEDIATELY,
    Kind.REPORT_OUTCOME: Frequency.IMMEDIATELY,
}


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def with_targets(self):
        """The actor joined, and the targets loaded in bulk: one query per model of target, not per row."""
        return self.select_related("actor").prefetch_related(targets.prefetch())

    def for_list(self):
        return self.with_targets().order_by("-updated_at", "-pk")

    def about(self, target: models.Model):
        """The notifications about ``target``."""
        return self.filter(target_type=ContentType.objects.get_for_model(target), target_id=target.pk)

    def with_email_frequency(self):
        """
        Annotate ``email_frequency``: the recipient's preference for the kind, or
        the default for it, in the same query.
        """
        chosen = Preference.objects.filter(member=models.OuterRef("recipient"), kind=models.OuterRef("kind"))
        default = models.Case(
            *(models.When(kind=kind, then=models.Value(frequency)) for kind, frequency in DEFAULT_FREQUENCY.items()),
            default=models.Value(Frequency.NEVER),
            output_field=models.CharField(),
        )
        return self.annotate(email_frequency=Coalesce(models.Subquery(chosen.values("frequency")[:1]), default))

    def awaiting_email(self, *, max_attempts: int):
        """
        Not e-mailed yet, not read on the site yet (then the member knows), tried
        fewer than ``max_attempts`` times, for members who can receive e-mail.
        """
        return self.filter(
            emailed_at__isnull=True,
            read_at__isnull=True,
            email_attempts__lt=max_attempts,
            recipient__is_active=True,
            recipient__is_former_member=False,
            recipient__is_organisation_account=False,
            recipient__email__isnull=False,
        )


class Notification(models.Model):
    """
    Something a member should know of. Appreciations of one post are bundled
    into one unread notification ("Harro Ranter en 3 anderen waarderen je reactie").
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_count = models.PositiveIntegerField(_("number of members"), default=1)
    # What it is about, of any model registered in ``targets`` (a thread, a reply), or nothing (a
    # decision about the member): this app knows no model above it. The model that is pointed at
    # deletes its notifications with it (``GenericRelation``).
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("about (kind of content)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # notif_target_idx begins with it
    )
    target_id = models.PositiveBigIntegerField(_("about (number)"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    message = models.TextField(_("message"), blank=True)
    group_key = models.CharField(_("bundle"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last change"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_error = models.TextField(_("last e-mail error"), blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-updated_at"], name="notif_recipient_unread_idx"),
            models.Index(fields=["emailed_at", "kind"], name="notif_email_pending_idx"),
            # Deleting a target finds its notifications (``GenericRelation``), as ``about`` does.
            models.Index(fields=["target_type", "target_id"], name="notif_target_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_type__isnull=True, target_id__isnull=True)
                | models.Q(target_type__isnull=False, target_id__isnull=False),
                name="notif_target_whole",
            ),
            models.UniqueConstraint(
                fields=["recipient", "group_key"],
                condition=models.Q(read_at__isnull=True) & ~models.Q(group_key=""),
                name="notif_one_unread_bundle",
            ),
        ]

    def __str__(self):
        return f"{self.recipient} – {self.get_kind_display()}"

    @property
    def target_title(self) -> str:
        """What the target is called (a reply: its thread's title); empty for a notification about nothing."""
        target = self.target
        return targets.title(target) if target is not None else ""

    @property
    def is_about_topic(self) -> bool:
        """About a whole topic (a thread), not a part of one (a reply in it)."""
        target = self.target
        return target is not None and targets.topic(target) == target


class Preference(models.Model):
    """How a member wants to hear of one kind of notification by e-mail."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    frequency = models.CharField(_("e-mail"), max_length=16, choices=Frequency.choices)

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")
        constraints = [models.UniqueConstraint(fields=["member", "kind"], name="notif_preference_once")]

    def __str__(self):
        return f"{self.member} – {self.get_kind_display()}: {self.get_frequency_display()}"
