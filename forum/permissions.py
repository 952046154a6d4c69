"""
Who may do what in the forum, in one place.

``can_*`` answer for templates and menus; ``check_*`` raise and are what
services call, so views, the admin, commands and tests get the same answer.
Content a member may not see raises ``Http404`` (it does not exist for them);
content they may see but not change raises ``PermissionDenied``; members-only content asks a
visitor to log in (``LoginToView``, which ``forum.middleware`` turns into the login page).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from accounts import permissions as account_permissions
from accounts.models import User
from accounts.permissions import is_member, is_moderator, is_site_moderator, moderated_theme_ids  # noqa: F401
from accounts.standing import Standing, standing_of
from core.models import ModerationAction, ModerationLog

from .managers import sees_members_only
from .models import Reply, Status, Theme, Thread


class LoginToView(PermissionDenied):
    """
    Members-only content (``Theme.is_members_only``) that a visitor asked for: it exists, and
    logging in shows it, so the visitor is led to the login page and back
    (``forum.middleware.LoginToViewMiddleware``) rather than told it does not exist. Where nothing
    catches it, it is the 403 it subclasses.
    """


def can_view_theme(standing: Standing, theme: Theme) -> bool:
    """Members-only themes for members (``forum.managers.sees_members_only``), the others for everyone."""
    return not theme.is_members_only or sees_members_only(standing)


def check_view_theme(standing: Standing, theme: Theme) -> None:
    if not can_view_theme(standing, theme):
        raise LoginToView


def _can_view_post(standing: Standing, post) -> bool:
    """Published posts are public; held ones are for their author and moderators; hidden ones for moderators."""
    if post.is_held:
        return is_own_post(standing, post) or is_moderator(standing)
    return not post.is_hidden or is_moderator(standing)


def can_view_thread(standing: Standing, thread: Thread) -> bool:
    """Its state allows it (``_can_view_post``) and so does its theme: members-only themes are for members."""
    # Members never need the theme: a visitor's check reads it (load it with the thread).
    return _can_view_post(standing, thread) and (sees_members_only(standing) or can_view_theme(standing, thread.theme))


def is_public(thread: Thread) -> bool:
    """
    Whether a visitor may read ``thread``: only then is it in the feeds and the sitemap
    (``forum.selectors.public_threads``, the same rule as a query) and may search engines index its page.
    """
    return can_view_thread(standing_of(None), thread)


def can_view_reply(standing: Standing, reply: Reply) -> bool:
    return can_view_thread(standing, reply.thread) and _can_view_post(standing, reply)


def can_post(standing: Standing) -> bool:
    """Verified, approved members who accepted the current terms may write."""
    return account_permissions.can_post(standing)


def can_create_thread(standing: Standing, theme) -> bool:
    return can_post(standing) and can_view_theme(standing, theme)


def is_closed(thread: Thread) -> bool:
    """The thread's closing date has passed: like a locked thread, it takes no replies from members."""
    return thread.closes_at is not None and thread.closes_at <= timezone.now()


def can_reply(standing: Standing, thread: Thread) -> bool:
    if not can_post(standing) or thread.is_hidden or thread.is_held:
        return False
    return not (thread.is_locked or is_closed(thread)) or can_moderate_theme(standing, thread.theme_id)


def is_own_post(standing: Standing, post) -> bool:
    """The member wrote it: under their own name, or for an organisation account."""
    return is_member(standing) and (post.author_id == standing.user.pk or post.written_by_id == standing.user.pk)


def _can_edit(standing: Standing, post, thread: Thread) -> bool:
    if can_moderate_theme(standing, thread.theme_id):
        return True
    if not can_post(standing) or not is_own_post(standing, post):
        return False
    return not post.is_hidden and not thread.is_hidden and not thread.is_locked and post.is_edit_window_open()


def can_edit_thread(standing: Standing, thread: Thread) -> bool:
    return _can_edit(standing, thread, thread)


def can_edit_reply(standing: Standing, reply: Reply) -> bool:
    return _can_edit(standing, reply, reply.thread)


def can_view_revisions(standing: Standing, post) -> bool:
    return is_moderator(standing) or is_own_post(standing, post)


def can_moderate(standing: Standing) -> bool:
    return is_moderator(standing)


def check_view_thread(standing: Standing, thread: Thread) -> None:
    """``Http404`` for a thread the member may not see; ``LoginToView`` for a visitor at a members-only one."""
    if not _can_view_post(standing, thread):
        raise Http404
    if not can_view_thread(standing, thread):
        raise LoginToView


def check_view_reply(standing: Standing, reply: Reply) -> None:
    check_view_thread(standing, reply.thread)
    if not _can_view_post(standing, reply):
        raise Http404


def check_create_thread(standing: Standing, theme) -> None:
    if not can_create_thread(standing, theme):
        raise PermissionDenied


def check_reply(standing: Standing, thread: Thread) -> None:
    check_view_thread(standing, thread)
    if not can_reply(standing, thread):
        raise PermissionDenied


def check_edit_thread(standing: Standing, thread: Thread) -> None:
    check_view_thread(standing, thread)
    if not can_edit_thread(standing, thread):
        raise PermissionDenied


def check_edit_reply(standing: Standing, reply: Reply) -> None:
    check_view_reply(standing, reply)
    if not can_edit_reply(standing, reply):
        raise PermissionDenied


def check_view_revisions(standing: Standing, post) -> None:
    if not can_view_revisions(standing, post):
        raise Http404


# Tags: members who may write choose existing tags; those with enough published posts (and
# moderators) also add new ones; moderators of the whole site rename and merge them.


def can_tag(standing: Standing) -> bool:
    return can_post(standing)


def can_create_tags(standing: Standing) -> bool:
    """At least ``FORUM_TAG_CREATE_MIN_POSTS`` published threads and replies (one query), or a moderator."""
    if not can_post(standing):
        return False
    if is_moderator(standing):
        return True
    enough = settings.FORUM_TAG_CREATE_MIN_POSTS
    return _published_post_count(standing.user, up_to=enough) >= enough


def _published_post_count(member: User, *, up_to: int) -> int:
    """
    How many published threads and replies ``member`` wrote (under their name or for an
    organisation account), counted up to ``up_to``: two small scans of the authors' indexes, as
    moderation counts approved posts for its holds, never the member's whole history.
    """
    mine = Q(author=member) | Q(written_by=member)
    threads = len(Thread.objects.filter(mine, status=Status.PUBLISHED).values("pk")[:up_to])
    if threads >= up_to:
        return threads
    return threads + len(Reply.objects.filter(mine, status=Status.PUBLISHED).values("pk")[: up_to - threads])


def can_manage_tags(standing: Standing) -> bool:
    """Tags are shared by every theme: moderators of the whole site rename and merge them."""
    return is_site_moderator(standing)


def check_manage_tags(standing: Standing) -> None:
    if not can_manage_tags(standing):
        raise PermissionDenied


def check_moderate(standing: Standing) -> None:
    if not is_moderator(standing):
        raise PermissionDenied


# Moderators listed on themes (``Theme.moderators``) moderate the posts in those themes only; a
# moderator listed on no theme moderates the whole site, and only they act on members (measures,
# notes, reports on profiles, applications, problem reports). Every moderator sees hidden posts.


def can_moderate_theme(standing: Standing, theme) -> bool:
    """Whether the member moderates posts in ``theme`` (a Theme or its id)."""
    if not is_moderator(standing):
        return False
    limited_to = moderated_theme_ids(standing)
    return not limited_to or getattr(theme, "pk", theme) in limited_to


def can_moderate_post(standing: Standing, post) -> bool:
    """Whether the member moderates this thread or reply: it is in a theme they moderate."""
    if not is_moderator(standing):
        return False
    if not moderated_theme_ids(standing):
        return True  # the whole site: no need to look up the reply's thread
    thread = post.thread if isinstance(post, Reply) else post
    return can_moderate_theme(standing, thread.theme_id)


def check_moderate_post(standing: Standing, post) -> None:
    if not can_moderate_post(standing, post):
        raise PermissionDenied


def check_moderate_theme(standing: Standing, theme) -> None:
    if not can_moderate_theme(standing, theme):
        raise PermissionDenied


def check_site_moderator(standing: Standing) -> None:
    """Acts on members and on the site itself are for moderators of the whole site."""
    if not is_site_moderator(standing):
        raise PermissionDenied


def theme_scope_q(standing: Standing, theme_field: str) -> Q:
    """
    A filter keeping rows whose ``theme_field`` (``"theme"``, ``"thread__theme"``, …) is a theme
    the member moderates: everything for a moderator of the whole site, nothing for a non-moderator.
    """
    if not is_moderator(standing):
        return Q(pk__in=[])
    limited_to = moderated_theme_ids(standing)
    return Q(**{f"{theme_field}__in": limited_to}) if limited_to else Q()


def moderated_reports_q(standing: Standing) -> Q:
    """Open reports the member may decide: on posts in their themes; reports on members only site-wide."""
    if is_site_moderator(standing):
        return Q()
    return theme_scope_q(standing, "thread__theme") | theme_scope_q(standing, "reply__thread__theme")


def can_resolve_reports(standing: Standing, target) -> bool:
    """Reports on a post: its theme's moderators; reports on a member: moderators of the whole site."""
    if isinstance(target, User):
        return is_site_moderator(standing)
    return can_moderate_post(standing, target)


def check_resolve_reports(standing: Standing, target) -> None:
    if not can_resolve_reports(standing, target):
        raise PermissionDenied


# Engagement: appreciating ("waarderen") and following.


def can_view_post(standing: Standing, post) -> bool:
    """A thread or a reply, whichever ``post`` is."""
    return can_view_reply(standing, post) if isinstance(post, Reply) else can_view_thread(standing, post)


def can_react(standing: Standing, post) -> bool:
    """
    Members who may write appreciate a published thread or reply they can see,
    never their own (under their name or written for an organisation account).
    """
    thread = post.thread if isinstance(post, Reply) else post
    return (
        can_post(standing)
        and can_view_post(standing, post)
        and post.status == Status.PUBLISHED
        and thread.status == Status.PUBLISHED
        and not is_own_post(standing, post)
    )


def can_see_who_reacted(standing: Standing) -> bool:
    """Members see who appreciated a post; visitors see how many did."""
    return is_member(standing)


def can_follow(standing: Standing) -> bool:
    """
    Members with a verified address follow threads and themes, to hear of them
    by e-mail; organisation accounts (nobody logs in as them) do not.
    """
    return (
        is_member(standing)
        and not standing.user.is_organisation_account
        and account_permissions.has_verified_email(standing)
    )


def can_follow_thread(standing: Standing, thread: Thread) -> bool:
    return can_follow(standing) and can_view_thread(standing, thread)


def can_follow_theme(standing: Standing, theme) -> bool:
    return can_follow(standing) and can_view_theme(standing, theme)


def check_view_post(standing: Standing, post) -> None:
    if not can_view_post(standing, post):
        raise Http404


def check_react(standing: Standing, post) -> None:
    check_view_post(standing, post)
    if not can_react(standing, post):
        raise PermissionDenied


def check_follow_thread(standing: Standing, thread: Thread) -> None:
    check_view_thread(standing, thread)
    if not can_follow_thread(standing, thread):
        raise PermissionDenied


def check_follow_theme(standing: Standing, theme) -> None:
    if not can_follow_theme(standing, theme):
        raise PermissionDenied


def can_report(standing: Standing, target) -> bool:
    """
    Members report what they can see and did not write themselves; a profile that is not their own.
    Not while suspended or banned.
    """
    if not is_member(standing) or standing.user.is_organisation_account or account_permissions.is_restricted(standing):
        return False
    if isinstance(target, User):
        return target.pk != standing.user.pk and not target.is_former_member
    if is_own_post(standing, target):
        return False
    if isinstance(target, Thread):
        return can_view_thread(standing, target)
    return can_view_reply(standing, target)


def check_report(standing: Standing, target) -> None:
    if not can_report(standing, target):
        raise PermissionDenied


# Objections ("bezwaar") to moderation decisions.

# Upholding reports on a post also writes a "hide" row for the same act: the member objects to that one.
OBJECTABLE_POST_ACTIONS = (ModerationAction.HIDE, ModerationAction.AUTO_HIDE, ModerationAction.REJECT)
OBJECTABLE_MEMBER_ACTIONS = (ModerationAction.WARN, ModerationAction.SUSPEND, ModerationAction.BAN)


def decision_affects(standing: Standing, decision) -> bool:
    """The decision hid the member's own post, or was a measure against the member."""
    model = decision.target_type.model_class()
    if decision.action in OBJECTABLE_MEMBER_ACTIONS:
        return model is User and decision.target_id == standing.user.pk
    if decision.action in OBJECTABLE_POST_ACTIONS and model in (Thread, Reply):
        post = model.objects.filter(pk=decision.target_id).only("author_id", "written_by_id").first()
        return post is not None and is_own_post(standing, post)
    return False


def can_object(standing: Standing, decision) -> bool:
    """Members object to decisions that affected them (once: the service enforces that)."""
    return is_member(standing) and not standing.user.is_organisation_account and decision_affects(standing, decision)


def check_object(standing: Standing, decision) -> None:
    if not can_object(standing, decision):
        raise Http404


def decision_theme_id(decision) -> int | None:
    """The theme of the post a decision concerned; ``None`` for a measure against a member (or a post gone)."""
    model = ContentType.objects.get_for_id(decision.target_type_id).model_class()
    if model is Thread:
        return Thread.objects.filter(pk=decision.target_id).values_list("theme_id", flat=True).first()
    if model is Reply:
        return Reply.objects.filter(pk=decision.target_id).values_list("thread__theme_id", flat=True).first()
    return None


def can_moderate_decision(standing: Standing, decision) -> bool:
    """Whether the member may act on what a logged decision concerned: a post in their themes, else site-wide only."""
    if is_site_moderator(standing):
        return True
    if not is_moderator(standing):
        return False
    theme_id = decision_theme_id(decision)
    return theme_id is not None and can_moderate_theme(standing, theme_id)


def moderated_decisions_q(standing: Standing, prefix: str = "") -> Q:
    """
    A filter keeping the log rows (decisions) the member may act on, ``prefix`` leading to the row
    (``"decision__"`` from an objection): all for a moderator of the whole site; for a moderator
    limited to themes, the decisions on threads and replies in those themes.
    """
    if is_site_moderator(standing):
        return Q()
    if not is_moderator(standing):
        return Q(pk__in=[])
    themes = moderated_theme_ids(standing)
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


def can_decide_objection(standing: Standing, objection) -> bool:
    """
    A moderator other than the one who took the decision (any moderator for automatic ones), never
    the objector, who may act on what the decision concerned (its theme, or the whole site for measures).
    """
    if not is_moderator(standing) or objection.member_id == standing.user.pk:
        return False
    if is_maker_of(standing, objection.decision):
        return False
    return can_moderate_decision(standing, objection.decision)


def made_by_q(standing: Standing, prefix: str = "") -> Q:
    """
    A filter keeping the decisions (log rows, ``prefix`` leading to the row) that the member made:
    their own acts, and the automatic hides whose reports they upheld afterwards (upholding
    makes the automatic hide their decision).
    """
    upheld = ModerationLog.objects.filter(
        actor=standing.user,
        action=ModerationAction.REPORT_UPHOLD,
        target_type=OuterRef(f"{prefix}target_type"),
        target_id=OuterRef(f"{prefix}target_id"),
        created_at__gte=OuterRef(f"{prefix}created_at"),
    )
    return Q(**{f"{prefix}actor": standing.user}) | (
        Q(**{f"{prefix}action": ModerationAction.AUTO_HIDE}) & Q(Exists(upheld))
    )


def is_maker_of(standing: Standing, decision) -> bool:
    """Whether the member made ``decision`` (see ``made_by_q``): they may not decide an objection to it."""
    if decision.actor_id is not None:
        return decision.actor_id == standing.user.pk
    return (
        decision.action == ModerationAction.AUTO_HIDE
        and ModerationLog.objects.filter(pk=decision.pk).filter(made_by_q(standing)).exists()
    )


def check_decide_objection(standing: Standing, objection) -> None:
    if not can_decide_objection(standing, objection):
        raise PermissionDenied
