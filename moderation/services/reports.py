"""Members' reports of threads, replies and profiles, and moderators' decisions on them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from accounts.models import SiteSettings, User
from accounts.standing import standing_of
from core.models import ModerationAction, ModerationLog, Reason
from core.text import sentence
from forum import permissions, ratelimits, selectors
from forum.models import Reply, Status, Thread
from forum.services import notices
from moderation.models import Report, ReportReason
from notifications.models import Kind
from notifications.services import notify_later

from ..objection_links import objection_url
from .posts import post_hide, post_restore


def _target_fields(target: Thread | Reply | User) -> dict[str, Thread | Reply | User]:
    if isinstance(target, Thread):
        return {"thread": target}
    if isinstance(target, Reply):
        return {"reply": target}
    if isinstance(target, User):
        return {"member": target}
    raise TypeError(f"Cannot report {type(target).__name__}")


@transaction.atomic
def report_file(*, reporter: User, target: Thread | Reply | User, reason: str, note: str = "") -> Report:
    """
    Report ``target`` (a thread, a reply or a member). A member has one open
    report per item: reporting again returns it. When the site's number of
    different members has reported a post, it is hidden at once pending review.
    """
    standing = standing_of(reporter)
    permissions.check_report(standing, target)
    if reason not in ReportReason.values:
        raise ValidationError(gettext("Choose a reason."), code="invalid_reason")
    if reason == ReportReason.OTHER and not note.strip():
        raise ValidationError(gettext("Explain what is wrong."), code="note_required")
    limited = not permissions.is_moderator(standing)
    if limited and ratelimits.is_limited(reporter, "report", settings.FORUM_REPORTS_PER_HOUR, 3600):
        raise ValidationError(
            gettext("You have sent many reports in a short time. Wait a moment and try again."), code="rate_limited"
        )
    fields = _target_fields(target)
    # Lock the reported row: concurrent reports of one item are counted one after another.
    type(target).objects.select_for_update().filter(pk=target.pk).first()
    try:
        with transaction.atomic():
            report = Report.objects.create(reporter=reporter, reason=reason, note=note, **fields)
    except IntegrityError:
        return Report.objects.get(reporter=reporter, state=Report.State.OPEN, **fields)
    if limited:
        ratelimits.hit(reporter, "report", settings.FORUM_REPORTS_PER_HOUR, 3600)
    if not isinstance(target, User):
        _hide_when_reported_enough(target, fields)
    return report


def _hide_when_reported_enough(post: Thread | Reply, fields: dict[str, Thread | Reply | User]) -> bool:
    threshold = SiteSettings.current().auto_hide_report_count
    if not threshold:
        return False
    reporters = Report.objects.filter(state=Report.State.OPEN, **fields).values("reporter").distinct().count()
    if reporters < threshold:
        return False
    model = type(post)
    reason = gettext("Hidden automatically after reports from %(count)d members, pending review.") % {
        "count": reporters
    }
    if not model.objects.filter(pk=post.pk, status=Status.PUBLISHED).update(
        status=Status.HIDDEN, hidden_at=timezone.now(), hidden_by=None, hidden_reason=reason
    ):
        return False
    if isinstance(post, Reply):
        Thread.objects.filter(pk=post.thread_id).update(reply_count=F("reply_count") - 1)
    if isinstance(post, Thread):
        selectors.theme_counts_changed()
    post.refresh_from_db()
    ModerationLog.objects.record(
        actor=None, action=ModerationAction.AUTO_HIDE, target=post, reason=reason, data={"reports": reporters}
    )
    _tell_author_hidden(post)
    return True


def _tell_author_hidden(post: Thread | Reply) -> None:
    notices.tell_author(
        post,
        lambda thread: (
            gettext(
                "Your post in “%(thread)s” was hidden after reports from several members. "
                "A moderator will look at it and decide; you will hear the outcome."
            )
            % {"thread": thread.title}
        ),
        link=False,
    )


@transaction.atomic
def reports_resolve(*, acting_user: User, target: Thread | Reply | User, uphold: bool, note: str = "") -> int:
    """
    Decide all open reports on ``target``. Upholding hides a post; dismissing
    shows a post again that reports had hidden. Reporters hear the outcome.
    Returns how many reports were decided.
    """
    standing = standing_of(acting_user)
    permissions.check_resolve_reports(standing, target)
    fields = _target_fields(target)
    open_reports = list(Report.objects.select_for_update().filter(state=Report.State.OPEN, **fields))
    if not open_reports:
        return 0
    if not isinstance(target, User):
        if uphold and target.status == Status.HIDDEN and target.hidden_by_id is None:
            _confirm_automatic_hide(acting_user, target, reason=note or gettext_lazy("Hidden after reports."))
        elif uphold:
            post_hide(acting_user=acting_user, post=target, reason=note or gettext_lazy("Hidden after reports."))
        elif target.status == Status.HIDDEN and target.hidden_by_id is None:
            post_restore(acting_user=acting_user, post=target, reason=note or gettext_lazy("Reports dismissed."))
    Report.objects.filter(pk__in=[report.pk for report in open_reports]).update(
        state=Report.State.UPHELD if uphold else Report.State.DISMISSED,
        resolved_at=timezone.now(),
        resolved_by=acting_user,
        resolution_note=note,
    )
    ModerationLog.objects.record(
        actor=acting_user,
        action=ModerationAction.REPORT_UPHOLD if uphold else ModerationAction.REPORT_DISMISS,
        target=target,
        reason=note,
        data={"reports": len(open_reports)},
    )
    reporters = {report.reporter_id for report in open_reports if report.reporter_id}
    _tell_reporters(reporters, uphold=uphold)
    return len(open_reports)


def _confirm_automatic_hide(acting_user: User, post: Thread | Reply, *, reason: Reason) -> bool:
    """
    A moderator upholds the reports on a post that reports hid automatically: the post stays
    hidden as their decision, logged as a hide with their reason (the decision the author can
    object to, made by this moderator), and the author is told the statement of reasons.
    """
    model = type(post)
    if not model.objects.filter(pk=post.pk, status=Status.HIDDEN, hidden_by__isnull=True).update(
        hidden_by=acting_user, hidden_reason=reason
    ):
        return False
    post.refresh_from_db()
    ModerationLog.objects.record(
        actor=acting_user, action=ModerationAction.HIDE, target=post, reason=reason, data={"after_auto_hide": True}
    )
    _tell_author_upheld(post, reason=reason)
    return True


def _tell_author_upheld(post: Thread | Reply, *, reason: Reason) -> None:
    """The statement of reasons the automatic notice promised ("you will hear the outcome")."""

    def compose(thread: Thread) -> str:
        return "\n".join(
            [
                gettext(
                    "Your post in “%(thread)s” was hidden after reports. "
                    "A moderator has looked at it and it stays hidden."
                )
                % {"thread": thread.title},
                gettext("Reason: %(reason)s") % {"reason": sentence(str(reason))},
                gettext("It is not deleted."),
                gettext("Do you disagree? Object at %(url)s; another moderator will look at it.")
                % {"url": objection_url()},
            ]
        )

    notices.tell_author(post, compose, link=False)


def _tell_reporters(reporter_ids: set[int], *, uphold: bool) -> None:
    for reporter in User.objects.filter(pk__in=reporter_ids):
        with translation.override(reporter.language):
            if uphold:
                message = gettext("Thank you for your report. A moderator agreed and took action.")
            else:
                message = gettext(
                    "Thank you for your report. A moderator looked at it and found no breach of the terms."
                )
        notify_later(recipient=reporter, kind=Kind.REPORT_OUTCOME, message=message)
