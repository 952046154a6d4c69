"""
Who may do what in the forum, in one place.

``can_*`` answer for templates and menus; ``check_*`` raise and are what
services call, so views, the admin, commands and tests get the same answer.
Content a member may not see raises ``Http404`` (it does not exist for them);
content they may see but not change raises ``PermissionDenied``.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from accounts import permissions as account_permissions
from accounts.models import User
from accounts.permissions import is_member, is_moderator, is_site_moderator, moderated_theme_ids  # noqa: F401
from core.models import ModerationAction, ModerationLog

from .models import Reply, Status, Thread


def _can_view_post(user, post) -> bool:
    """Published posts are public; held ones are for their author and moderators; hidden ones for moderators."""
    if post.is_held:
        return is_own_post(user, post) or is_moderator(user)
    return not post.is_hidden or is_moderator(user)


def can_view_thread(user, thread: Thread) -> bool:
    return _can_view_post(user, thread)


def can_view_reply(user, reply: Reply) -> bool:
    return can_view_thread(user, reply.thread) and _can_view_post(user, reply)


def can_view_post_or_thread(user, *, thread: Thread | None = None, reply: Reply | None = None) -> bool:
    """Whether ``user`` may see the reply (in its thread), else the thread: what a notification is about."""
    if reply is not None:
        return can_view_reply(user, reply)
    return thread is None or can_view_thread(user, thread)


def can_post(user) -> bool:
    """Verified, approved members who accepted the current terms may write."""
    return account_permissions.can_post(user)


def can_create_thread(user, theme) -> bool:
    return can_post(user)


def is_closed(thread: Thread) -> bool:
    """The thread's closing date has passed: like a locked thread, it takes no replies from members."""
    return thread.closes_at is not None and thread.closes_at <= timezone.now()


def can_reply(user, thread: Thread) -> bool:
    if not can_post(user) or thread.is_hidden or thread.is_held:
        return False
    return not (thread.is_locked or is_closed(thread)) or can_moderate_theme(user, thread.theme_id)


def is_own_post(user, post) -> bool:
    """The member wrote it: under their own name, or for an organisation account."""
    return is_member(user) and (post.author_id == user.pk or post.written_by_id == user.pk)


def _can_edit(user, post, thread: Thread) -> bool:
    if can_moderate_theme(user, thread.theme_id):
        return True
    if not can_post(user) or not is_own_post(user, post):
        return False
    return not post.is_hidden and not thread.is_hidden and not thread.is_locked and post.is_edit_window_open()


def can_edit_thread(user, thread: Thread) -> bool:
    return _can_edit(user, thread, thread)


def can_edit_reply(user, reply: Reply) -> bool:
    return _can_edit(user, reply, reply.thread)


def can_view_revisions(user, post) -> bool:
    return is_moderator(user) or is_own_post(user, post)


def can_moderate(user) -> bool:
    return is_moderator(user)


def check_view_thread(user, thread: Thread) -> None:
    if not can_view_thread(user, thread):
        raise Http404


def check_view_reply(user, reply: Reply) -> None:
    if not can_view_reply(user, reply):
        raise Http404


def check_create_thread(user, theme) -> None:
    if not can_create_thread(user, theme):
        raise PermissionDenied


def check_reply(user, thread: Thread) -> None:
    check_view_thread(user, thread)
    if not can_reply(user, thread):
        raise PermissionDenied


def check_edit_thread(user, thread: Thread) -> None:
    check_view_thread(user, thread)
    if not can_edit_thread(user, thread):
        raise PermissionDenied


def check_edit_reply(user, reply: Reply) -> None:
    check_view_reply(user, reply)
    if not can_edit_reply(user, reply):
        raise PermissionDenied


def check_view_revisions(user, post) -> None:
    if not can_view_revisions(user, post):
        raise Http404


def check_moderate(user) -> None:
    if not is_moderator(user):
        raise PermissionDenied


# Moderators listed on themes (``Theme.moderators``) moderate the posts in those themes only; a
# moderator listed on no theme moderates the whole site, and only they act on members (measures,
# notes, reports on profiles, applications, problem reports). Every moderator sees hidden posts.


def can_moderate_theme(user, theme) -> bool:
    """Whether ``user`` moderates posts in ``theme`` (a Theme or its id)."""
    if not is_moderator(user):
        return False
    limited_to = moderated_theme_ids(user)
    return not limited_to or getattr(theme, "pk", theme) in limited_to


def can_moderate_post(user, post) -> bool:
    """Whether ``user`` moderates this thread or reply: it is in a theme they moderate."""
    if not is_moderator(user):
        return False
    if not moderated_theme_ids(user):
        return True  # the whole site: no need to look up the reply's thread
    thread = post.thread if isinstance(post, Reply) else post
    return can_moderate_theme(user, thread.theme_id)


def check_moderate_post(user, post) -> None:
    if not can_moderate_post(user, post):
        raise PermissionDenied


def check_moderate_theme(user, theme) -> None:
    if not can_moderate_theme(user, theme):
        raise PermissionDenied


def check_site_moderator(user) -> None:
    """Acts on members and on the site itself are for moderators of the whole site."""
    if not is_site_moderator(user):
        raise PermissionDenied


def theme_scope_q(user, theme_field: str) -> Q:
    """
    A filter keeping rows whose ``theme_field`` (``"theme"``, ``"thread__theme"``, …) is a theme
    ``user`` moderates: everything for a moderator of the whole site, nothing for a non-moderator.
    """
    if not is_moderator(user):
        return Q(pk__in=[])
    limited_to = moderated_theme_ids(user)
    return Q(**{f"{theme_field}__in": limited_to}) if limited_to else Q()


def moderated_reports_q(user) -> Q:
    """Open reports ``user`` may decide: on posts in their themes; reports on members only site-wide."""
    if is_site_moderator(user):
        return Q()
    return theme_scope_q(user, "thread__theme") | theme_scope_q(user, "reply__thread__theme")


def can_resolve_reports(user, target) -> bool:
    """Reports on a post: its theme's moderators; reports on a member: moderators of the whole site."""
    if isinstance(target, User):
        return is_site_moderator(user)
    return can_moderate_post(user, target)


def check_resolve_reports(user, target) -> None:
    if not can_resolve_reports(user, target):
        raise PermissionDenied


# Engagement: appreciating ("waarderen") and following.


def can_view_post(user, post) -> bool:
    """A thread or a reply, whichever ``post`` is."""
    return can_view_reply(user, post) if isinstance(post, Reply) else can_view_thread(user, post)


def can_react(user, post) -> bool:
    """
    Members who may write appreciate a published thread or reply they can see,
    never their own (under their name or written for an organisation account).
    """
    thread = post.thread if isinstance(post, Reply) else post
    return (
        can_post(user)
        and can_view_post(user, post)
        and post.status == Status.PUBLISHED
        and thread.status == Status.PUBLISHED
        and not is_own_post(user, post)
    )


def can_see_who_reacted(user) -> bool:
    """Members see who appreciated a post; visitors see how many did."""
    return is_member(user)


def can_follow(user) -> bool:
    """
    Members with a verified address follow threads and themes, to hear of them
    by e-mail; organisation accounts (nobody logs in as them) do not.
    """
    return is_member(user) and not user.is_organisation_account and account_permissions.has_verified_email(user)


def can_follow_thread(user, thread: Thread) -> bool:
    return can_follow(user) and can_view_thread(user, thread)


def can_follow_theme(user, theme) -> bool:
    return can_follow(user)


def check_view_post(user, post) -> None:
    if not can_view_post(user, post):
        raise Http404


def check_react(user, post) -> None:
    check_view_post(user, post)
    if not can_react(user, post):
        raise PermissionDenied


def check_follow_thread(user, thread: Thread) -> None:
    check_view_thread(user, thread)
    if not can_follow_thread(user, thread):
        raise PermissionDenied


def check_follow_theme(user, theme) -> None:
    if not can_follow_theme(user, theme):
        raise PermissionDenied


def can_report(user, target) -> bool:
    """
    Members report what they can see and did not write themselves; a profile that is not their own.
    Not while suspended or banned.
    """
    if not is_member(user) or user.is_organisation_account or account_permissions.is_restricted(user):
        return False
    if isinstance(target, User):
        return target.pk != user.pk and not target.is_former_member
    if is_own_post(user, target):
        return False
    if isinstance(target, Thread):
        return can_view_thread(user, target)
    return can_view_reply(user, target)


def check_report(user, target) -> None:
    if not can_report(user, target):
        raise PermissionDenied


# Objections ("bezwaar") to moderation decisions.

# Upholding reports on a post also writes a "hide" row for the same act: the member objects to that one.
OBJECTABLE_POST_ACTIONS = ("hide", "auto_hide", "reject")
OBJECTABLE_MEMBER_ACTIONS = ("warn", "suspend", "ban")


def decision_affects(user, decision) -> bool:
    """The decision hid the member's own post, or was a measure against the member."""
    model = decision.target_type.model_class()
    if decision.action in OBJECTABLE_MEMBER_ACTIONS:
        return model is User and decision.target_id == user.pk
    if decision.action in OBJECTABLE_POST_ACTIONS and model in (Thread, Reply):
        post = model.objects.filter(pk=decision.target_id).only("author_id", "written_by_id").first()
        return post is not None and is_own_post(user, post)
    return False


def can_object(user, decision) -> bool:
    """Members object to decisions that affected them (once: the service enforces that)."""
    return is_member(user) and not user.is_organisation_account and decision_affects(user, decision)


def check_object(user, decision) -> None:
    if not can_object(user, decision):
        raise Http404


def decision_theme_id(decision) -> int | None:
    """The theme of the post a decision concerned; ``None`` for a measure against a member (or a post gone)."""
    model = ContentType.objects.get_for_id(decision.target_type_id).model_class()
    if model is Thread:
        return Thread.objects.filter(pk=decision.target_id).values_list("theme_id", flat=True).first()
    if model is Reply:
        return Reply.objects.filter(pk=decision.target_id).values_list("thread__theme_id", flat=True).first()
    return None


def can_moderate_decision(user, decision) -> bool:
    """Whether ``user`` may act on what a logged decision concerned: a post in their themes, else site-wide only."""
    if is_site_moderator(user):
        return True
    if not is_moderator(user):
        return False
    theme_id = decision_theme_id(decision)
    return theme_id is not None and can_moderate_theme(user, theme_id)


def moderated_decisions_q(user, prefix: str = "") -> Q:
    """
    A filter keeping the log rows (decisions) ``user`` may act on, ``prefix`` leading to the row
    (``"decision__"`` from an objection): all for a moderator of the whole site; for a moderator
    limited to themes, the decisions on threads and replies in those themes.
    """
    if is_site_moderator(user):
        return Q()
    if not is_moderator(user):
        return Q(pk__in=[])
    themes = moderated_theme_ids(user)
    types = ContentType.objects.get_for_models(Thread, Reply)
    return Q(
        **{
            f"{prefix}target_type": types[Thread],
            f"{prefix}target_id__in": Thread.objects.filter(theme_id__in=themes).values("pk"),
        }
    ) | Q(
        **{
            f"{prefix}target_type": types[Reply],
            f"{prefix}target_id__in": Reply.objects.filter(thread__theme_id__in=themes).values("pk"),
        }
    )


def can_decide_objection(user, objection) -> bool:
    """
    A moderator other than the one who took the decision (any moderator for automatic ones), never
    the objector, who may act on what the decision concerned (its theme, or the whole site for measures).
    """
    if not is_moderator(user) or objection.member_id == user.pk:
        return False
    if is_maker_of(user, objection.decision):
        return False
    return can_moderate_decision(user, objection.decision)


def made_by_q(user, prefix: str = "") -> Q:
    """
    A filter keeping the decisions (log rows, ``prefix`` leading to the row) that ``user`` made:
    their own acts, and the automatic hides whose reports they upheld afterwards (upholding
    makes the automatic hide their decision).
    """
    upheld = ModerationLog.objects.filter(
        actor=user,
        action=ModerationAction.REPORT_UPHOLD,
        target_type=OuterRef(f"{prefix}target_type"),
        target_id=OuterRef(f"{prefix}target_id"),
        created_at__gte=OuterRef(f"{prefix}created_at"),
    )
    return Q(**{f"{prefix}actor": user}) | (Q(**{f"{prefix}action": ModerationAction.AUTO_HIDE}) & Q(Exists(upheld)))


def is_maker_of(user, decision) -> bool:
    """Whether ``user`` made ``decision`` (see ``made_by_q``): they may not decide an objection to it."""
    if decision.actor_id is not None:
        return decision.actor_id == user.pk
    return (
        decision.action == ModerationAction.AUTO_HIDE
        and ModerationLog.objects.filter(pk=decision.pk).filter(made_by_q(user)).exists()
    )


def check_decide_objection(user, objection) -> None:
    if not can_decide_objection(user, objection):
        raise PermissionDenied
