"""
Members' objections ("bezwaar") to moderation decisions that affected them, and
another moderator's decision on them. Upholding reverses what can be reversed.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from accounts.models import User
from accounts.standing import standing_of
from core.cleaning import has_control_characters, has_visible_text
from core.models import ModerationAction, ModerationLog, Reason
from forum import permissions, ratelimits
from forum.models import Reply, Status, Thread
from moderation.models import Objection, Sanction
from notifications.models import Kind
from notifications.services import notify_later

from .. import objection_links
from .posts import post_restore
from .sanctions import sanction_lift

OBJECTION_MAX_LENGTH = 5000
# A brake on one member's objections (also through a signed link, which needs no login).
OBJECTIONS_PER_HOUR = 10


def objectable_decisions(member: User) -> QuerySet[ModerationLog]:
    """
    The log rows that affected ``member`` and that they have not objected to yet, newest first.
    An automatic hide whose reports a moderator upheld is replaced by that moderator's decision.
    """
    types = ContentType.objects.get_for_models(User, Thread, Reply)
    own = {
        model: model.objects.filter(Q(author=member) | Q(written_by=member)).values("pk") for model in (Thread, Reply)
    }
    return (
        ModerationLog.objects.filter(
            Q(action__in=permissions.OBJECTABLE_MEMBER_ACTIONS, target_type=types[User], target_id=member.pk)
            | Q(action__in=permissions.OBJECTABLE_POST_ACTIONS, target_type=types[Thread], target_id__in=own[Thread])
            | Q(action__in=permissions.OBJECTABLE_POST_ACTIONS, target_type=types[Reply], target_id__in=own[Reply])
        )
        .filter(objection__isnull=True)
        .exclude(Q(action=ModerationAction.AUTO_HIDE) & Q(Exists(_later_hide)))
        .select_related("target_type")
    )


# A moderator's hide of the same post after an automatic one (upholding its reports).
_later_hide = ModerationLog.objects.filter(
    action=ModerationAction.HIDE,
    target_type=OuterRef("target_type"),
    target_id=OuterRef("target_id"),
    created_at__gte=OuterRef("created_at"),
)


@transaction.atomic
def objection_file(*, member: User, decision: ModerationLog, text: str) -> Objection:
    """Object once to a decision that affected ``member``; it goes to another moderator."""
    standing = standing_of(member)
    permissions.check_object(standing, decision)
    if not has_visible_text(text):
        raise ValidationError(gettext("Explain why you object."), code="text_required")
    if len(text) > OBJECTION_MAX_LENGTH or has_control_characters(text, multiline=True):
        raise ValidationError(gettext("This text cannot be accepted."), code="invalid_text")
    if Objection.objects.filter(decision=decision).exists():
        raise ValidationError(gettext("You have already objected to this decision."), code="already_objected")
    if ratelimits.is_limited(member, "objection", OBJECTIONS_PER_HOUR, 3600):
        raise ValidationError(
            gettext("You have sent many objections in a short time. Wait a moment and try again."),
            code="rate_limited",
        )
    try:
        with transaction.atomic():
            objection = Objection.objects.create(decision=decision, member=member, text=text)
    except IntegrityError:
        raise ValidationError(gettext("You have already objected to this decision."), code="already_objected") from None
    ratelimits.hit(member, "objection", OBJECTIONS_PER_HOUR, 3600)
    return objection


def decision_from_link(token: str) -> tuple[User, ModerationLog]:
    """
    The member and the decision a signed objection link names (see ``moderation.objection_links``).
    A forged, damaged or expired link, or one for a decision that did not affect the member, is not found.
    """
    try:
        link = objection_links.read_token(token)
    except objection_links.InvalidLink:
        raise Http404 from None
    member = User.objects.filter(pk=link.member_pk).first()
    decision = ModerationLog.objects.select_related("target_type").filter(pk=link.decision_pk).first()
    if member is None or decision is None:
        raise Http404
    permissions.check_object(standing_of(member), decision)
    return member, decision


def ban_decision(member: User) -> ModerationLog | None:
    """The log row of the latest ban of ``member``: what the page a banned member sees lets them object to."""
    return (
        ModerationLog.objects.filter(
            action=ModerationAction.BAN, target_type=ContentType.objects.get_for_model(User), target_id=member.pk
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def ban_objection_path(member: User) -> str:
    """Where a banned member objects to their ban (a signed link: they cannot log in), or "" without a ban."""
    decision = ban_decision(member)
    return objection_links.path(decision_pk=decision.pk, member_pk=member.pk) if decision else ""


def _reverse(acting_user: User, decision: ModerationLog, reason: Reason) -> bool:
    """Undo the decision as far as possible: show a hidden post again, lift a measure still in force."""
    if decision.action in permissions.OBJECTABLE_POST_ACTIONS:
        model = decision.target_type.model_class()
        if model not in (Thread, Reply):
            return False
        post = model.objects.filter(pk=decision.target_id, status=Status.HIDDEN).first()
        return post is not None and post_restore(acting_user=acting_user, post=post, reason=reason)
    sanction_pk = (decision.data or {}).get("sanction")
    if not sanction_pk:
        return False
    now = timezone.now()
    sanction = (
        Sanction.objects.select_related("member")
        .filter(pk=sanction_pk, member_id=decision.target_id, lifted_at__isnull=True)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .first()
    )
    return sanction is not None and sanction_lift(acting_user=acting_user, sanction=sanction, reason=reason)


@transaction.atomic
def objection_decide(*, acting_user: User, objection: Objection, uphold: bool, note: str = "") -> bool:
    """
    Uphold or reject an open objection. Upholding reverses what can be reversed.
    The outcome is logged and sent to the member. Returns whether it was still open.
    """
    standing = standing_of(acting_user)
    permissions.check_decide_objection(standing, objection)
    if not uphold and not has_visible_text(note):
        raise ValidationError(gettext("Give the reason the member will read."), code="note_required")
    state = Objection.State.UPHELD if uphold else Objection.State.REJECTED
    now = timezone.now()
    if not Objection.objects.filter(pk=objection.pk, state=Objection.State.OPEN).update(
        state=state, decided_at=now, decided_by=acting_user, decision_note=note
    ):
        return False
    objection.state, objection.decided_at, objection.decided_by, objection.decision_note = (
        state,
        now,
        acting_user,
        note,
    )
    decision = objection.decision
    reversed_ = False
    if uphold:
        reversed_ = _reverse(acting_user, decision, note or gettext_lazy("Objection upheld."))
    ModerationLog.objects.record(
        actor=acting_user,
        action=ModerationAction.OBJECTION_UPHOLD if uphold else ModerationAction.OBJECTION_REJECT,
        target=objection,
        reason=note,
        data={"decision": decision.pk, "reversed": reversed_},
    )
    _tell_member(objection, uphold=uphold, reversed_=reversed_)
    return True


def _tell_member(objection: Objection, *, uphold: bool, reversed_: bool) -> None:
    member = objection.member
    with translation.override(member.language):
        if uphold:
            parts = [gettext("A moderator has upheld your objection to a moderation decision.")]
            if reversed_:
                parts.append(gettext("The decision has been reversed."))
        else:
            parts = [gettext("A moderator has rejected your objection to a moderation decision.")]
        if objection.decision_note:
            parts.append(gettext("Reason: %(reason)s") % {"reason": objection.decision_note})
    notify_later(recipient=member, kind=Kind.MODERATION, message="\n".join(parts), include_restricted=True)
