"""The messages of the footer form "Report a problem?": filed by anyone, closed by moderators of the whole site."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from accounts.standing import standing_of
from core.models import ModerationAction, ModerationLog
from forum import permissions

from ..models import ProblemReport

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def problem_report_file(*, reporter: User, message: str, page_url: str = "", contact_email: str = "") -> ProblemReport:
    """Store a report from the footer form; visitors may file one too."""
    return ProblemReport.objects.create(
        reporter=reporter if reporter is not None and reporter.is_authenticated else None,
        message=message,
        page_url=page_url,
        contact_email=contact_email,
    )


@transaction.atomic
def problem_report_close(*, acting_user: User, report: ProblemReport, reason: str = "") -> bool:
    standing = standing_of(acting_user)
    permissions.check_site_moderator(standing)
    if not ProblemReport.objects.filter(pk=report.pk, state=ProblemReport.State.OPEN).update(
        state=ProblemReport.State.CLOSED
    ):
        return False
    report.state = ProblemReport.State.CLOSED
    ModerationLog.objects.record(actor=acting_user, action=ModerationAction.REPORT_CLOSE, target=report, reason=reason)
    return True
