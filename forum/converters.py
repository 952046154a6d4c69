"""
Kinds of content in addresses: the Dutch words of the URLs, and only there. A view receives
a ``ContentKind``; ``{% url %}`` and ``reverse()`` take one and write its word.
"""

from .choices import ThreadList
from .models import ContentKind


class ContentKindConverter:
    """A thread, a reply or a member: ``discussie``, ``reactie`` or ``lid``."""

    words = {ContentKind.THREAD: "discussie", ContentKind.REPLY: "reactie", ContentKind.MEMBER: "lid"}
    regex = "|".join(words.values())

    def to_python(self, value: str) -> ContentKind:
        return next(kind for kind, word in self.words.items() if word == value)

    def to_url(self, value: str) -> str:
        try:
            return self.words[ContentKind(value)]
        except (ValueError, KeyError) as error:  # not a kind this address takes: no match
            raise ValueError(value) from error


class PostKindConverter(ContentKindConverter):
    """A thread or a reply: ``discussie`` or ``reactie``."""

    words = {ContentKind.THREAD: "discussie", ContentKind.REPLY: "reactie"}
    regex = "|".join(words.values())


class ThreadListConverter(ContentKindConverter):
    """
    A list of discussions other than the latest (which has the plain address): ``actief``,
    ``bekeken`` or ``onbeantwoord``.
    """

    words = {ThreadList.ACTIVE: "actief", ThreadList.VIEWED: "bekeken", ThreadList.UNANSWERED: "onbeantwoord"}
    regex = "|".join(words.values())

    def to_url(self, value: str) -> str:
        try:
            return self.words[ThreadList(value)]
        except (ValueError, KeyError) as error:
            raise ValueError(value) from error
