from django import forms, template
from django.template.defaultfilters import date as date_filter
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from accounts import permissions as account_permissions
from accounts.standing import standing_of
from core.text import render_markdown
from forum import cooked, permissions
from forum.links import page_reverse

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def post_date(value):
    """A post's date as the community writes it: "10 april 2012" in Dutch (Django's ``date`` filter)."""
    return date_filter(value, pgettext("post date format (Django date filter)", "j F Y"))


@register.filter(expects_localtime=True, is_safe=False)
def post_time(value):
    """A post's time as the community writes it: "0.25" in Dutch, "0:25" in English."""
    return date_filter(value, pgettext("post time format (Django date filter)", "G:i"))


@register.filter
def post_html(post):
    """
    The stored, sanitised HTML of a thread or reply. ``body_html`` is only ever
    written by ``core.text.render_markdown`` (markdown-it-py without raw HTML,
    then nh3), which is what makes it safe to output unescaped here.
    """
    return mark_safe(post.body_html)  # noqa: S308


@register.simple_tag(takes_context=True)
def quick_url(context, viewname, **kwargs):
    """
    ``{% url %}`` for a URL name with one ``int`` or ``slug`` argument, reversed once per page
    instead of once per link when the view put a ``forum.links.PageLinks`` in the context as
    ``links``: ``{% quick_url "forum:reply" pk=reply.pk %}``.
    """
    return page_reverse(context, viewname, **kwargs)


@register.simple_tag
def listed_threads(threads, show_theme=False):
    """
    ``threads`` for a list of discussions, each with what its line says below the title, the
    same for every viewer and kept in the cache a few seconds (``forum.cooked.listed``):
    ``{% listed_threads threads show_theme=True as listed %}``, then ``{% for thread, summary in listed %}``.
    """
    return cooked.listed(threads, show_theme=bool(show_theme))


@register.simple_tag
def kept_listing(standing):
    """
    The versions, keeping time and audience of the cached fragments of a page of lists
    (``forum.cooked.KeptListing``): ``{% kept_listing standing as kept %}``, then
    ``{% cache kept.timeout "name" kept.version kept.audience ... %}``.
    """
    return cooked.kept_listing(member=account_permissions.is_member(standing_of(standing)))


@register.filter
def elided_page_range(page):
    """
    The numbers of a pagination's page links, around ``page`` itself with an ellipsis for the
    gaps: ``{% for number in page_obj|elided_page_range %}``. A template cannot pass the number
    to ``Paginator.get_elided_page_range``, whose default is page 1.
    """
    return page.paginator.get_elided_page_range(page.number)


@register.filter
def bootstrap_widget(field, extra_class):
    """
    A bound field's widget with Bootstrap's class, as crispy-forms writes it: the widget's own
    name, then ``form-select`` for a select and ``form-control`` for the others, then
    ``extra_class`` (``is-invalid``). For ``forum/_reply_form_fields.html``.
    """
    widget = field.field.widget
    bootstrap = "form-select" if isinstance(widget, forms.Select) else "form-control"
    css_class = f"{type(widget).__name__.lower()} {bootstrap} {extra_class}".strip()
    return field.as_widget(attrs={"class": css_class})


@register.filter
def profile_visible_to(member, standing):
    """Whether the viewer (their standing) may open ``member``'s profile, and so see their photo."""
    return account_permissions.can_view_profile(standing_of(standing), member)


@register.filter
def initials(member):
    """
    Up to two letters for a member without a photo: the first letters of the first and last word of
    their name ("Fatou van den Hoff": "FH"); "?" for a former member, whose name is no longer shown.
    """
    if member.is_former_member:
        return "?"
    # The first letter or digit of each word ("'t Hooft": "H"; "Team 2.0": "T2").
    firsts = [next((char for char in word if char.isalnum()), "") for word in member.display_name.split()]
    firsts = [char for char in firsts if char]
    if not firsts:
        return "?"
    return (firsts[0] + (firsts[-1] if len(firsts) > 1 else "")).upper()


@register.filter
def revisions_visible_to(post, standing):
    return permissions.can_view_revisions(standing_of(standing), post)


@register.filter
def markdown(source):
    """Member-written Markdown rendered through the text pipeline (for previews)."""
    return mark_safe(render_markdown(source))  # noqa: S308  (sanitised by nh3)


@register.filter
def moderatable_by(post, standing):
    """
    Whether the viewer moderates this thread or reply (its theme): ``{% if thread|moderatable_by:standing %}``.
    No query: the moderator's themes come with their role.
    """
    return permissions.can_moderate_post(standing_of(standing), post)


@register.filter
def reportable_by(target, standing):
    """Whether the viewer may report ``target`` (a thread, a reply, a member): ``{% if x|reportable_by:standing %}``."""
    return permissions.can_report(standing_of(standing), target)
