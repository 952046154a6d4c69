"""
Every change to the forum goes through these functions: views, admin actions,
management commands and tests alike. Each checks permission first and runs in one
transaction. Moderators' acts on posts (hide, lock, pin, move, …) are moderation's
rules, a layer above: ``moderation.services``.
"""

from .engagement import (  # noqa: F401
    reaction_toggle,
    theme_follow_toggle,
    thread_follow_toggle,
    thread_mark_read,
)
from .posts import (  # noqa: F401
    mentions_of_closing_member,
    page_ensure,
    reply_create,
    reply_edit,
    reply_import,
    theme_ensure,
    thread_count_view,
    thread_create,
    thread_edit,
    thread_import,
    thread_register_view,
)
from .tags import (  # noqa: F401
    TAGS_PER_THREAD,
    tag_names_check,
    tag_normalise,
    tag_rename,
    tags_merge,
    thread_tags_set,
)
