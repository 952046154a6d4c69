"""
The forum's kinds as types: a post's status, why it is held, the capacity it is written in and what
a piece of content is. Here rather than in models.py so the read layer (managers.py), which
models.py imports, can use them too.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    PUBLISHED = "published", pgettext_lazy("post status", "published")
    HIDDEN = "hidden", pgettext_lazy("post status", "hidden")
    HELD = "held", pgettext_lazy("post status", "waiting for approval")


class HoldReason(models.TextChoices):
    """Why a post waits for a moderator's approval before others see it."""

    THEME = "theme", _("the theme is pre-moderated")
    NEW_MEMBER = "new_member", _("one of the first posts of a new member")
    WATCHED_WORD = "watched_word", _("contains a watched word")
    LINK = "link", _("contains a link from a member with few approved posts")
    EDIT = "edit", _("edited to contain a watched word")


class Capacity(models.TextChoices):
    """In which capacity a civil servant speaks (art. 125a old Ambtenarenwet, now Ambtenarenwet 2017)."""

    PERSONAL = "personal", _("in a personal capacity")
    FUNCTION = "function", _("in my professional role")
    ORGANISATION = "organisation", _("on behalf of my organisation")


class ContentKind(models.TextChoices):
    """
    What a post, a report or a held item is: a thread, a reply or a member (their profile).
    The words in addresses (``discussie``, ``reactie``, ``lid``) are in ``forum.converters``.
    """

    THREAD = "thread", _("thread")
    REPLY = "reply", _("reply")
    MEMBER = "member", _("member")


class ThreadList(models.TextChoices):
    """
    The lists of discussions, site-wide and per theme (``forum.selectors.thread_list``). The words
    in their addresses (``/discussies/actief/``) are in ``forum.converters``; the latest is the
    plain address.
    """

    LATEST = "latest", pgettext_lazy("list of discussions", "Latest")
    ACTIVE = "active", pgettext_lazy("list of discussions", "Most active")
    VIEWED = "viewed", pgettext_lazy("list of discussions", "Most viewed")
    UNANSWERED = "unanswered", pgettext_lazy("list of discussions", "Unanswered")
