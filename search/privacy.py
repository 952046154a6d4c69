"""
What search holds of a member, for the data download and closing an account (``accounts.privacy``):
nothing of its own. Its index entries copy the member's threads and replies, which the forum's
parts hold, and follow them (a closing member's mentions, rewritten by the forum, are saved and
indexed again).
"""

from accounts.privacy import registry

registry.omit(
    "search.Entry.author",
    reason="The search index copies threads and replies, which are in the download as the member's posts.",
    keeps="An index entry stays as long as its post stays, shown under “former member”; it holds no name.",
)
