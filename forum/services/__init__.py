"""
Every change to the forum goes through these functions: views, admin actions,
management commands and tests alike. Each checks permission first, runs in one
transaction, and writes a moderation log row for moderation acts.
"""

from .engagement import (  # noqa: F401
    reaction_toggle,
    theme_follow_toggle,
    thread_follow_toggle,
    thread_mark_read,
)
from .moderation import (  # noqa: F401
    post_hide,
    post_restore,
    problem_report_close,
    problem_report_file,
    thread_close_at,
    thread_lock,
    thread_move,
    thread_pin,
    thread_slow_mode,
    thread_unlock,
    thread_unpin,
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
