from django import forms, template

from accounts.standing import standing_of
from forum import cooked, permissions
from forum.links import page_reverse
from forum.managers import sees_members_only

register = template.Library()


@register.filter
def is_public(thread) -> bool:
    """Whether a visitor may read ``thread`` (``forum.permissions.is_public``): its feeds, its indexing."""
    return permissions.is_public(thread)


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
    return cooked.kept_listing(member=sees_members_only(standing))


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
def revisions_visible_to(post, standing):
    return permissions.can_view_revisions(standing_of(standing), post)


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
