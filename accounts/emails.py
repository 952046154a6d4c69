"""E-mails to members about their account, queued through the outbox in the member's own language."""

from outbox import services as outbox


def send_membership_decision(member) -> None:
    """Tell an applicant whether a moderator approved or refused their membership (sent after the commit)."""
    if not member.email:
        return
    outbox.send_mail(
        "accounts/email/membership_decision", {"member": member}, to=member.email, language=member.language
    )
