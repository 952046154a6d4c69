"""
Moderation's rules: moderators' acts on threads and replies (hide, restore, lock, pin,
move, close, slow mode), holding posts for approval (``forum.holds`` asks), members'
reports and the decisions on them, objections to decisions, problem reports, measures
against members and moderators' notes. Each checks permission
first, runs in one transaction and writes a moderation log row; views, admin
actions, commands and tests all call them.
"""

from .approval import (  # noqa: F401
    post_approve,
    post_reject,
    watched_words_changed,
)
from .objections import (  # noqa: F401
    ban_objection_path,
    decision_from_link,
    objectable_decisions,
    objection_decide,
    objection_file,
)
from .posts import (  # noqa: F401
    post_hide,
    post_restore,
    thread_close_at,
    thread_lock,
    thread_move,
    thread_pin,
    thread_slow_mode,
    thread_unlock,
    thread_unpin,
)
from .problem_reports import (  # noqa: F401
    problem_report_close,
    problem_report_file,
)
from .reports import (  # noqa: F401
    report_file,
    reports_resolve,
)
from .sanctions import (  # noqa: F401
    member_sanction,
    moderator_note_add,
    sanction_lift,
    warning_acknowledge,
)
