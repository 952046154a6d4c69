import html
from datetime import datetime

from django import forms, template
from django.forms.utils import flatatt
from django.template.defaultfilters import date as date_filter
from django.utils import formats, timezone
from django.utils.dates import MONTHS
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from accounts import permissions as account_permissions
from forum import permissions
from forum.links import page_reverse
from forum.models import CAPACITY_DISPLAY, Capacity
from forum.text import render_markdown

register = template.Library()


# The few format characters the post formats use, as Django's date filter writes them; a format
# with any other letter goes to the filter itself. Every reply on a page shows a date and a time,
# and the filter's general formatter costs several times more.
_DATE_PARTS = {
    "j": lambda value: str(value.day),
    "d": lambda value: f"{value.day:02d}",
    "n": lambda value: str(value.month),
    "m": lambda value: f"{value.month:02d}",
    "F": lambda value: str(MONTHS[value.month]),
    "Y": lambda value: f"{value.year:04d}",
    "G": lambda value: str(value.hour),
    "H": lambda value: f"{value.hour:02d}",
    "i": lambda value: f"{value.minute:02d}",
}


def _format_datetime(value, format_string, month_names=None):
    """``month_names``: the months in the active language, when the caller has them at hand."""
    if not isinstance(value, datetime):
        return date_filter(value, format_string)
    parts = []
    for char in format_string:
        part = _DATE_PARTS.get(char)
        if char == "F" and month_names is not None:
            parts.append(month_names[value.month])
        elif part is not None:
            parts.append(part(value))
        elif char.isalpha() or char == "\\":
            return date_filter(value, format_string)
        else:
            parts.append(char)
    return "".join(parts)


@register.filter(expects_localtime=True, is_safe=False)
def post_date(value):
    """A post's date as the community writes it: "10 april 2012" in Dutch."""
    return _format_datetime(value, pgettext("post date format (Django date filter)", "j F Y"))


@register.filter(expects_localtime=True, is_safe=False)
def post_time(value):
    """A post's time as the community writes it: "0.25" in Dutch, "0:25" in English."""
    return _format_datetime(value, pgettext("post time format (Django date filter)", "G:i"))


def _escape(value) -> str:
    """``conditional_escape()`` for the many small values of the thread page, in half its calls."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


@register.filter
def post_html(post):
    """
    The stored, sanitised HTML of a thread or reply. ``body_html`` is only ever
    written by ``forum.text.render_markdown`` (markdown-it-py without raw HTML,
    then nh3), which is what makes it safe to output unescaped here.
    """
    return mark_safe(post.body_html)  # noqa: S308


def reply_heading(context, reply):
    """
    "Reply by <author> on <date> at <time>": the heading of each reply on the thread page.
    The same text and translations as ``{% blocktranslate trimmed %}`` of it would give, built
    here because the page has it 20 times and the template tag costs several times more.
    """
    # The formats, texts, time zone and month names, looked up once per page (kept for this rendering only).
    texts = context.render_context.get(_REPLY_HEADING_TEXTS)
    if texts is None:
        texts = context.render_context[_REPLY_HEADING_TEXTS] = (
            pgettext("post date format (Django date filter)", "j F Y"),
            pgettext("post time format (Django date filter)", "G:i"),
            gettext("Reply by a former member on %(date)s at %(time)s"),
            gettext('Reply by <a href="%(author_url)s">%(author)s</a> on %(date)s at %(time)s'),
            timezone.get_current_timezone(),
            {number: str(name) for number, name in MONTHS.items()},
        )
    date_format, time_format, former_member_text, member_text, zone, month_names = texts
    created = reply.created_at.astimezone(zone)
    values = {
        "date": _escape(_format_datetime(created, date_format, month_names)),
        "time": _escape(_format_datetime(created, time_format)),
    }
    if reply.author.is_former_member:
        return mark_safe(former_member_text % values)  # noqa: S308 (translated text, escaped values)
    values["author"] = _escape(reply.author.display_name)
    values["author_url"] = _escape(page_reverse(context, "accounts:profile", handle=reply.author.handle))
    return mark_safe(member_text % values)  # noqa: S308 (a translated text with escaped values, as blocktranslate)


_REPLY_HEADING_TEXTS = "forum.reply_heading"


@register.simple_tag(takes_context=True)
def reaction(context, post):
    """
    The appreciation block of one thread or reply (``post``): the button, when ``post.can_react``
    (state from ``post.appreciated_by_me``), and the count with who appreciated it. htmx swaps this
    whole block (``forum/_reaction.html``, which is this tag). Written here rather than as a
    template because the thread page has it once per reply and the template tags (a form with its
    CSRF token, two translations with variables) cost some 500 calls a reply; the texts are the
    same as ``{% blocktranslate %}`` of them would give, translated once per page.
    """
    texts = _page_texts(context)
    is_reply = bool(getattr(post, "thread_id", None))  # only replies have a thread_id
    kind = "reply" if is_reply else "thread"
    pk = str(post.pk)
    parts = [f'<div class="reaction" id="reaction-{kind}-{pk}">']
    if getattr(post, "can_react", False):
        react_url = _escape(page_reverse(context, f"forum:{kind}_react", pk=post.pk))
        if is_reply:
            label = texts["appreciate_reply"] % {"author": _escape(post.author.public_name)}
        else:
            label = texts["appreciate_thread"]
        appreciated = getattr(post, "appreciated_by_me", False)
        parts.append(
            f'<form method="post" action="{react_url}" class="reaction-form" data-hx-post="{react_url}"'
            ' data-hx-target="closest .reaction" data-hx-swap="outerHTML">'
            f"{_csrf_input(context)}"
            f'<input type="hidden" name="next" value="{texts["next_url"]}">'
            f'<input type="hidden" name="appreciate" value="{"0" if appreciated else "1"}">'
            f'<button type="submit" id="reaction-button-{kind}-{pk}" class="btn btn-sm btn-toggle"'
            f' aria-pressed="{"true" if appreciated else "false"}">'
            f'<span class="toggle-mark" aria-hidden="true">✓</span> {label}</button></form>'
        )
    count = post.reaction_count
    if count:
        count_text = ngettext("%(counter)s appreciation", "%(counter)s appreciations", count) % {
            "counter": _escape(formats.localize(count))
        }
        user = context.get("user")
        if user is not None and user.is_authenticated:
            reactions_url = _escape(page_reverse(context, f"forum:{kind}_reactions", pk=post.pk))
            parts.append(
                f'<details class="reaction-who"><summary>{count_text}</summary>'
                f'<div data-hx-get="{reactions_url}" data-hx-trigger="toggle once from:closest details"'
                f' data-hx-swap="innerHTML"><a href="{reactions_url}">{texts["see_who"]}</a></div></details>'
            )
        else:
            parts.append(f'<span class="reaction-count">{count_text}</span>')
    parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308 (translated texts, escaped values, as the template tags)


@register.simple_tag(takes_context=True)
def reply_engagement(context, reply):
    """
    A reply's engagement block on the thread page: its appreciation block (``{% reaction %}``)
    and the link that quotes it into the reply form, when ``can_reply`` and the reply is shown.
    """
    quote = ""
    if context.get("can_reply") and not reply.is_hidden:
        texts = _page_texts(context)
        quote = (
            f'<a class="engagement-quote small" href="{texts["thread_url"]}?quote={reply.pk}#reageren">'
            f"{texts['quote']}</a>"
        )
    return mark_safe(f'<div class="engagement">{reaction(context, reply)}{quote}</div>')  # noqa: S308


def _page_texts(context):
    """The texts and addresses the engagement blocks share, translated and escaped once per page."""
    texts = context.render_context.get(_PAGE_TEXTS)
    if texts is None:
        request = context.get("request")
        thread = context.get("thread")
        next_url = context.get("next_url") or (request.get_full_path() if request is not None else "")
        thread_url = context.get("thread_url") or (thread.get_absolute_url() if thread is not None else "")
        texts = context.render_context[_PAGE_TEXTS] = {
            "appreciate_reply": gettext('Appreciate<span class="visually-hidden"> the reply by %(author)s</span>'),
            "appreciate_thread": gettext('Appreciate<span class="visually-hidden"> this discussion</span>'),
            "see_who": conditional_escape(gettext("See who appreciated this")),
            "quote": conditional_escape(gettext("Quote")),
            "next_url": conditional_escape(next_url),
            "thread_url": conditional_escape(thread_url),
        }
    return texts


_PAGE_TEXTS = "forum.engagement_texts"


def _csrf_input(context):
    """What ``{% csrf_token %}`` writes (the page cache looks for exactly this tag), once per page."""
    html = context.render_context.get(_CSRF_INPUT)
    if html is None:
        html = ""
        token = context.get("csrf_token")
        if token and token != "NOTPROVIDED":  # noqa: S105 (Django's marker for "no token", not a password)
            html = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
        context.render_context[_CSRF_INPUT] = html
    return html


_CSRF_INPUT = "forum.csrf_input"


@register.simple_tag(takes_context=True)
def author_badges(context, post):
    """
    The line under a post's heading: organisation account or verified civil servant with the
    organisation, the capacity it was written in and, for those who may see it, who wrote it for an
    organisation account (``post.real_author_visible``). A tag rather than an included template:
    the thread page has it once per reply. The texts are those ``{% blocktranslate %}`` would give.
    """
    texts = context.render_context.get(_BADGE_TEXTS)
    if texts is None:
        texts = context.render_context[_BADGE_TEXTS] = {
            "organisation_account": conditional_escape(gettext("organisation account")),
            "verified": conditional_escape(gettext("verified civil servant")),
            "on_behalf_of": gettext("on behalf of %(organisation)s"),
            "written_by": gettext(
                "written by %(name)s (only moderators and the organisation's administrators see this)"
            ),
            "capacities": {key: conditional_escape(label) for key, label in CAPACITY_DISPLAY.items()},
        }
    author = post.author
    parts = ['<p class="author-badges small mb-2">']
    if author.is_organisation_account:
        parts.append(f'<span class="badge text-bg-info">{texts["organisation_account"]}</span>')
        if author.organisation:
            parts.append(f" {_escape(author.organisation.name)} ·")
    elif author.is_verified_civil_servant:
        parts.append(
            f'<span class="badge badge-verified">{texts["verified"]}</span> {_escape(author.organisation.name)} ·'
        )
    if post.capacity == Capacity.ORGANISATION and post.on_behalf_of:
        capacity = texts["on_behalf_of"] % {"organisation": _escape(post.on_behalf_of.name)}
    else:
        capacity = texts["capacities"].get(post.capacity, "")
    parts.append(f' <span class="capacity">{capacity}</span>')
    if getattr(post, "real_author_visible", False):
        name = _escape(post.written_by.public_name)
        parts.append(f' · <span class="real-author">{texts["written_by"] % {"name": name}}</span>')
    parts.append("</p>")
    return mark_safe("".join(parts))  # noqa: S308 (translated texts, escaped values, as the template tags)


_BADGE_TEXTS = "forum.badge_texts"


def reply_actions(context, reply):
    """
    The links under a reply on the thread page: its own address, "edited" (to the revisions for
    those who may see them), edit (``reply.can_edit``, set by the view) and report.
    """
    texts = context.render_context.get(_ACTION_TEXTS)
    if texts is None:
        texts = context.render_context[_ACTION_TEXTS] = {
            name: conditional_escape(gettext(text))
            for name, text in (("link", "Link"), ("edited", "edited"), ("edit", "Edit"), ("report", "Report"))
        }
    user = context.get("user")
    parts = [f'<a href="{_escape(page_reverse(context, "forum:reply", pk=reply.pk))}">{texts["link"]}</a>']
    if reply.edited_at:
        if permissions.can_view_revisions(user, reply):
            url = _escape(page_reverse(context, "forum:reply_revisions", pk=reply.pk))
            parts.append(f' · <a href="{url}">{texts["edited"]}</a>')
        else:
            parts.append(f" · {texts['edited']}")
    if getattr(reply, "can_edit", False):
        url = _escape(page_reverse(context, "forum:reply_edit", pk=reply.pk))
        parts.append(f' · <a href="{url}">{texts["edit"]}</a>')
    if permissions.can_report(user, reply):
        url = _escape(page_reverse(context, "forum:reply_report", pk=reply.pk))
        parts.append(f' · <a href="{url}">{texts["report"]}</a>')
    return mark_safe(f'<p class="reply-actions small mb-0">{"".join(parts)}</p>')  # noqa: S308 (escaped values)


_ACTION_TEXTS = "forum.reply_action_texts"


@register.simple_tag(takes_context=True)
def reply_card(context, reply):
    """
    One reply of the thread page's list (the ``<article>``; the page writes the list item and the
    author's avatar around it), whole: its heading, badges, held or hidden
    notice, text, links, engagement block and, for its moderators, the moderation tools
    (``forum/_reply_moderation.html``). One tag rather than a template with a dozen tags
    and conditions: the page has it 20 times, and each of those costs more than the
    text it writes. The texts are those the template tags would give, translated once per page.
    """
    texts = context.render_context.get(_CARD_TEXTS)
    if texts is None:
        texts = context.render_context[_CARD_TEXTS] = {
            "hidden": conditional_escape(gettext("Hidden")),
            "reason": conditional_escape(gettext("Reason:")),
            "body_lang": ' lang="nl"' if context.get("LANGUAGE_CODE") != "nl" else "",
        }
    anchor = _escape(reply.anchor)
    parts = [
        f'<article id="{anchor}" class="reply{" reply--hidden" if reply.is_hidden else ""}"'
        f' aria-labelledby="{anchor}-title"><h3 id="{anchor}-title" class="reply-heading h6">',
        reply_heading(context, reply),
        "</h3>",
        author_badges(context, reply),
    ]
    if reply.is_held:
        parts.append(_include(context, "forum/_held_notice.html", post=reply))
    if reply.is_hidden:
        parts.append(
            f'<p class="small"><span class="badge text-bg-danger">{texts["hidden"]}</span>'
            f" {texts['reason']} {_escape(reply.hidden_reason)}</p>"
        )
    parts += [f'<div class="post-body"{texts["body_lang"]}>', post_html(reply), "</div>", reply_actions(context, reply)]
    if getattr(reply, "can_react", False) or reply.reaction_count or context.get("can_reply"):
        parts.append(reply_engagement(context, reply))
    user = context.get("user")
    if context.get("is_moderator") and permissions.can_moderate_post(user, context.get("thread") or reply.thread):
        parts.append(_include(context, "forum/_reply_moderation.html"))
    parts.append("</article>")
    return mark_safe("".join(parts))  # noqa: S308 (escaped values, tags' own safe output, templates)


_CARD_TEXTS = "forum.reply_card_texts"


def _include(context, template_name, **values):
    """What ``{% include template_name with values %}`` writes, from within a tag."""
    template = context.template.engine.get_template(template_name)
    with context.push(**values):
        return template.render(context)


@register.simple_tag(takes_context=True)
def quick_url(context, viewname, **kwargs):
    """
    ``{% url %}`` for a URL name with one ``int`` or ``slug`` argument, reversed once per page
    instead of once per link when the view put a ``forum.links.PageLinks`` in the context as
    ``links``: ``{% quick_url "forum:reply" pk=reply.pk %}``.
    """
    return page_reverse(context, viewname, **kwargs)


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
    if type(widget) is forms.Textarea and not field.field.localize:
        # What BoundField.as_widget() and Django's textarea.html write, without the template.
        attrs = field.build_widget_attrs({"class": css_class}, widget)
        if field.auto_id and "id" not in widget.attrs:
            attrs.setdefault("id", field.auto_id)
        attrs = html_attrs(widget.build_attrs(widget.attrs, attrs))
        value = widget.format_value(field.value())
        return format_html('<textarea name="{}"{}>\n{}</textarea>', field.html_name, attrs, value or "")
    return field.as_widget(attrs={"class": css_class})


@register.filter
def html_attrs(attrs):
    """A widget's attributes as Django's widget templates write them (``True``: the name alone; ``False``: left out)."""
    return flatatt({name: value for name, value in attrs.items() if value is not False})


@register.filter
def profile_visible_to(member, user):
    """Whether ``user`` may open ``member``'s profile, and so see their photo.."""
    return account_permissions.can_view_profile(user, member)


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
    from forum import selectors

    return list(
        selectors.objections_to_decide(user)
        .select_related("decision__actor", "decision__target_type", "member")
        .order_by("created_at", "pk")[:OBJECTIONS_SHOWN]
    )
