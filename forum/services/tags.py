"""
Tags on threads (django-taggit, the forum's own ``Tag``): what a name becomes, which tags a thread
carries, and the moderators' renaming and merging, each logged.

A tag's name is lowercase, trimmed, its inner whitespace one space, without control characters and
at most ``TAG_MAX_LENGTH`` long; its slug (the address of its page) is the name made ASCII. Two
names with the same slug are the same tag. Members who may write choose existing tags; only those
with enough published posts (``permissions.can_create_tags``) add new ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.standing import Standing, standing_of
from core.cleaning import refuse_control_characters
from core.models import ModerationAction, ModerationLog

from .. import permissions, versions
from ..models import TAG_MAX_LENGTH, Tag, Thread, ThreadTag

if TYPE_CHECKING:
    from accounts.models import User

TAGS_PER_THREAD = 5


def tag_normalise(value: str) -> str:
    """
    The name ``value`` stands for: lowercase, trimmed, inner whitespace one space. A
    ``ValidationError`` for control characters, a name too long, or one without a letter or digit.
    """
    name = refuse_control_characters(" ".join(value.split())).lower()
    if len(name) > TAG_MAX_LENGTH:
        raise ValidationError(
            _("The tag “%(tag)s” is too long: at most %(max)s characters."),
            code="tag_too_long",
            params={"tag": name, "max": TAG_MAX_LENGTH},
        )
    if not tag_slug(name):
        raise ValidationError(
            _("The tag “%(tag)s” needs a letter or a digit."), code="tag_without_letters", params={"tag": name}
        )
    return name


def tag_slug(name: str) -> str:
    """The address of a tag's page: its name in ASCII letters, digits and hyphens ("financiën" → "financien")."""
    return slugify(name)[:TAG_MAX_LENGTH].strip("-")


def tag_names_check(*, standing: Standing, names: Iterable[str]) -> list[str]:
    """
    The names a member chose, normalised, one per tag (by slug), in their order. A
    ``ValidationError`` for more than ``TAGS_PER_THREAD`` tags, or a new tag from a member who
    may not add one (``permissions.can_create_tags``): a clear message for the form.
    """
    chosen: dict[str, str] = {}
    for value in names:
        name = tag_normalise(value)
        chosen.setdefault(tag_slug(name), name)
    if len(chosen) > TAGS_PER_THREAD:
        raise ValidationError(
            ngettext("Choose at most %(max)s tag.", "Choose at most %(max)s tags.", TAGS_PER_THREAD),
            code="too_many_tags",
            params={"max": TAGS_PER_THREAD},
        )
    existing = dict(Tag.objects.filter(slug__in=chosen).values_list("slug", "name"))
    new = [name for slug, name in chosen.items() if slug not in existing]
    if new and not permissions.can_create_tags(standing):
        raise ValidationError(
            _(
                "“%(tags)s” is not an existing tag. Choose from the existing tags: members with at least "
                "%(count)s published posts may add new ones."
            ),
            code="new_tag_not_allowed",
            params={"tags": "”, “".join(new), "count": settings.FORUM_TAG_CREATE_MIN_POSTS},
        )
    return [existing.get(slug, name) for slug, name in chosen.items()]


def thread_tags_set(*, standing: Standing, thread: Thread, names: Sequence[str]) -> bool:
    """
    Give ``thread`` exactly the tags ``names`` (checked by ``tag_names_check``), making the new
    ones; for the thread services, which checked that the member may write the thread. Whether
    its tags changed.
    """
    if not permissions.can_tag(standing) and not permissions.can_moderate_post(standing, thread):
        raise PermissionDenied
    wanted = tag_names_check(standing=standing, names=names)
    slugs = [tag_slug(name) for name in wanted]
    current = set(thread.thread_tags.values_list("tag__slug", flat=True))
    if current == set(slugs):
        return False
    tags = {tag.slug: tag for tag in Tag.objects.filter(slug__in=slugs)}
    for name, slug in zip(wanted, slugs, strict=True):
        if slug not in tags:
            tags[slug], _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
    thread.thread_tags.exclude(tag__slug__in=slugs).delete()
    ThreadTag.objects.bulk_create(
        [ThreadTag(content_object=thread, tag=tags[slug]) for slug in slugs if slug not in current],
        ignore_conflicts=True,  # the same tag added by a request at the same moment
    )
    versions.replace(versions.LISTING)  # the lists show each thread's tags
    return True


@transaction.atomic
def tag_rename(*, acting_user: User, tag: Tag, name: str) -> bool:
    """
    Give ``tag`` another name (and so another slug), logged. Refused (``ValidationError``) when
    another tag has that name already: merge them instead. Whether anything changed.
    """
    permissions.check_manage_tags(standing_of(acting_user))
    name = tag_normalise(name)
    slug = tag_slug(name)
    if name == tag.name and slug == tag.slug:
        return False
    if Tag.objects.filter(slug=slug).exclude(pk=tag.pk).exists():
        raise ValidationError(
            _("The tag “%(tag)s” exists already: merge the two instead."), code="tag_exists", params={"tag": name}
        )
    old = tag.name
    tag.name, tag.slug = name, slug
    tag.save(update_fields=["name", "slug"])
    ModerationLog.objects.record(
        actor=acting_user, action=ModerationAction.TAG_RENAME, target=tag, data={"from": old, "to": name}
    )
    versions.replace(versions.LISTING)
    return True


@transaction.atomic
def tags_merge(*, acting_user: User, tags: Iterable[Tag], into: Tag) -> int:
    """
    Put ``into`` on every thread that carries one of ``tags``, then remove those tags; logged
    once, with the names merged. How many tags were merged into ``into``.
    """
    permissions.check_manage_tags(standing_of(acting_user))
    sources = sorted({tag.pk: tag for tag in tags if tag.pk != into.pk}.values(), key=lambda tag: tag.name)
    if not sources:
        return 0
    links = ThreadTag.objects.filter(tag__in=sources)
    # Threads that carry ``into`` already lose the other links; of the rest each keeps one link,
    # which then points at ``into`` (the pair is unique).
    links.filter(content_object__in=ThreadTag.objects.filter(tag=into).values("content_object")).delete()
    kept = links.values("content_object").annotate(first=Min("pk")).values("first")
    links.exclude(pk__in=kept).delete()
    links.update(tag=into)
    names = [tag.name for tag in sources]
    Tag.objects.filter(pk__in=[tag.pk for tag in sources]).delete()
    ModerationLog.objects.record(
        actor=acting_user, action=ModerationAction.TAG_MERGE, target=into, data={"merged": names, "into": into.name}
    )
    versions.replace(versions.LISTING)
    return len(sources)
