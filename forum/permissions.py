"""
Who may do what in the forum, in one place.

``can_*`` answer for templates and menus; ``check_*`` raise and are what
services call, so views, the admin, commands and tests get the same answer.
Content a member may not see raises ``Http404`` (it does not exist for them);
content they may see but not change raises ``PermissionDenied``.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from accounts import permissions as account_permissions
from accounts.permissions import is_member, is_moderator

from .models import Reply, Thread


def can_view_thread(user, thread: Thread) -> bool:
    return not thread.is_hidden or is_moderator(user)


def can_view_reply(user, reply: Reply) -> bool:
    return can_view_thread(user, reply.thread) and (not reply.is_hidden or is_moderator(user))


def can_post(user) -> bool:
    """Verified, approved members who accepted the current terms may write."""
    return account_permissions.can_post(user)


def can_create_thread(user, theme) -> bool:
    return can_post(user)


def is_closed(thread: Thread) -> bool:
    """The thread's closing date has passed: like a locked thread, it takes no replies from members."""
    return thread.closes_at is not None and thread.closes_at <= timezone.now()


def can_reply(user, thread: Thread) -> bool:
    if not can_post(user) or thread.is_hidden:
        return False
    return not (thread.is_locked or is_closed(thread)) or is_moderator(user)


def is_own_post(user, post) -> bool:
    """The member wrote it: under their own name, or for an organisation account."""
    return is_member(user) and (post.author_id == user.pk or post.written_by_id == user.pk)


def _can_edit(user, post, thread: Thread) -> bool:
    if is_moderator(user):
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


def can_moderate_theme(user, theme) -> bool:
    """Whether ``user`` moderates posts in ``theme`` (a Theme or its id)."""
    return is_moderator(user)


def can_moderate_post(user, post) -> bool:
    """Whether ``user`` moderates this thread or reply: it is in a theme they moderate."""
    thread = post.thread if isinstance(post, Reply) else post
    return can_moderate_theme(user, thread.theme_id)


def check_moderate_post(user, post) -> None:
    if not can_moderate_post(user, post):
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
        and not post.is_hidden
        and not thread.is_hidden
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
    """Members report what they can see and did not write themselves; a profile that is not their own."""
    from accounts.models import User

    if not is_member(user) or user.is_organisation_account:
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
OBJECTABLE_POST_ACTIONS = ("hide", "auto_hide")
OBJECTABLE_MEMBER_ACTIONS = ("warn", "suspend", "ban")


def decision_affects(user, decision) -> bool:
    """The decision hid the member's own post, or was a measure against the member."""
    from accounts.models import User

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


def can_decide_objection(user, objection) -> bool:
    """A moderator other than the one who took the decision (any moderator for automatic ones), never the objector."""
    if not is_moderator(user) or objection.member_id == user.pk:
        return False
    return objection.decision.actor_id is None or objection.decision.actor_id != user.pk


def check_decide_objection(user, objection) -> None:
    if not can_decide_objection(user, objection):
        raise PermissionDenied
