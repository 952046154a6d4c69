from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ModerationAction(models.TextChoices):
    HIDE = "hide", _("hidden")
    RESTORE = "restore", _("restored")
    LOCK = "lock", _("locked")
    UNLOCK = "unlock", _("unlocked")
    PIN = "pin", _("pinned")
    UNPIN = "unpin", _("unpinned")
    EDIT = "edit", _("edited by a moderator")
    MOVE = "move", _("moved to another theme")
    REPORT_CLOSE = "report_close", _("problem report closed")
    MEMBER_APPROVE = "member_approve", _("membership approved")
    MEMBER_REFUSE = "member_refuse", _("membership refused")
    MODERATOR_GRANT = "moderator_grant", _("moderator role granted")
    MODERATOR_REVOKE = "moderator_revoke", _("moderator role revoked")
    ACCOUNT_DELETE = "account_delete", _("account closed by the member")
    AUTO_HIDE = "auto_hide", _("hidden after reports, pending review")
    REPORT_DISMISS = "report_dismiss", _("reports dismissed")
    REPORT_UPHOLD = "report_uphold", _("reports upheld")
    WARN = "warn", _("member warned")
    SUSPEND = "suspend", _("member suspended")
    BAN = "ban", _("member banned")
    SANCTION_LIFT = "sanction_lift", _("measure lifted")
    CLOSE_AT = "close_at", _("closing date set")
    SLOW_MODE = "slow_mode", _("slow mode set")
    OBJECTION_UPHOLD = "objection_uphold", _("objection upheld")
    OBJECTION_REJECT = "objection_reject", _("objection rejected")
    HOLD = "hold", _("held for approval")
    APPROVE = "approve", _("approved")
    REJECT = "reject", _("not approved")
    TAG_RENAME = "tag_rename", _("tag renamed")
    TAG_MERGE = "tag_merge", _("tags merged")


# The reason for a decision: the moderator's own words, or a default reason (lazy, so that each
# member reads it in their own language).
Reason = str | Promise


class ModerationLogQuerySet(models.QuerySet):
    def record(
        self,
        *,
        actor,
        action: ModerationAction | str,
        target,
        reason: Reason = "",
        data: dict | None = None,
        target_repr=None,
    ):
        """Append one row: who did what to which item, why. The only way rows are written."""
        return self.create(
            actor=actor,
            action=action,
            target_type=ContentType.objects.get_for_model(target),
            target_id=target.pk,
            target_repr=(target_repr if target_repr is not None else str(target))[:250],
            reason=reason,
            data=data or {},
        )


class ModerationLog(models.Model):
    """
    An append-only record of every moderation act. Rows outlive the accounts
    and posts they mention: the actor is kept as a nullable key and the target
    as a content type, an id and the text it had.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=32, choices=ModerationAction.choices)
    target_type = models.ForeignKey(ContentType, verbose_name=_("kind of item"), on_delete=models.PROTECT)
    target_id = models.PositiveBigIntegerField(_("item id"))
    target_repr = models.CharField(_("item"), max_length=250)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = ModerationLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        # Moved from the forum app with its rows: the table keeps its name (core/migrations/0001).
        db_table = "forum_moderationlog"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="forum_modlog_target_idx")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.target_repr}"
