from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from forum import permissions
from forum.text import render_markdown

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def post_date(value):
    """A post's date as the community writes it: "10 april 2012" in Dutch."""
    return date_filter(
        value,
        pgettext("post date format (Django date filter)", "j F Y"),
    )


@register.filter(expects_localtime=True, is_safe=False)
def post_time(value):
    """A post's time as the community writes it: "0.25" in Dutch, "0:25" in English."""
    return date_filter(
        value,
        pgettext("post time format (Django date filter)", "G:i"),
    )


@register.filter
def post_html(post):
    """
    The stored, sanitised HTML of a thread or reply. ``body_html`` is only ever
    written by ``forum.text.render_markdown`` (markdown-it-py without raw HTML,
    then nh3), which is what makes it safe to output unescaped here.
    """
    return mark_safe(post.body_html)  # noqa: S308


@register.filter
def revisions_visible_to(post, user):
    return permissions.can_view_revisions(user, post)


@register.filter
def markdown(source):
    """Member-written Markdown rendered through the text pipeline (for previews)."""
    return mark_safe(render_markdown(source))  # noqa: S308  (sanitised by nh3)


@register.filter
def moderatable_by(post, user):
    """
    Whether ``user`` moderates this thread or reply (its theme): ``{% if thread|moderatable_by:user %}``.
    No query: the moderator's themes come with their role.
    """
    return permissions.can_moderate_post(user, post)


@register.filter
def reportable_by(target, user):
    """Whether ``user`` may report ``target`` (a thread, a reply or a member): ``{% if reply|reportable_by:user %}``."""
    return permissions.can_report(user, target)


OBJECTIONS_SHOWN = 50


@register.simple_tag
def objections_to_decide(user):
    """
    Open objections ``user`` may decide (not on their own decisions; for a moderator limited to
    themes, only on posts in those themes), oldest first, in one query:
    ``{% objections_to_decide user as objections %}``.
    """
    from django.db.models import Q

    from accounts.permissions import is_moderator
    from forum.models import Objection

    if not is_moderator(user):
        return []
    return list(
        Objection.objects.filter(state=Objection.State.OPEN)
        .filter(Q(decision__actor__isnull=True) | ~Q(decision__actor=user))
        .exclude(member=user)
        .filter(permissions.moderated_decisions_q(user, "decision__"))
        .select_related("decision__actor", "decision__target_type", "member")
        .order_by("created_at", "pk")[:OBJECTIONS_SHOWN]
    )
