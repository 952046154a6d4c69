"""
Decisions and objections are fair (issue 12): the author of a post that reports hid hears the
moderator's decision and can object to it; the moderator who made a decision (also by upholding
an automatic hide) never decides the objection to it; a banned member objects without logging in;
problem reports reach the moderators' queue; the member whose report hid a post is told so.
"""

import re
from datetime import timedelta
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import resolve, reverse

from accounts.models import User
from core.models import ModerationAction, ModerationLog
from forum.models import ContentKind, Status
from forum.tests.factories import ModeratorFactory, ReplyFactory, UserFactory
from moderation import objection_links, selectors
from moderation import services as moderation_services
from moderation.models import Objection, ProblemReport, Report
from moderation.selectors import waiting_count
from moderation.services import objections as objection_services
from moderation.services import sanctions
from notifications.models import Notification

REASON = "Het bericht noemt de naam van een burger."


@pytest.fixture(autouse=True)
def _english(client):
    """Messages are asserted in the source language: the page's (members are made English below)."""
    client.cookies["django_language"] = "en"


def _english_member(member):
    member.language = "en"
    member.save(update_fields=["language"])
    return member


def _links(text: str) -> list[str]:
    return [link.rstrip(";,.") for link in re.findall(r"https?://\S+", text)]


def _hide_by_reports(post, count=3):
    """Enough members report ``post`` to hide it automatically (the site's default is three)."""
    for _ in range(count):
        moderation_services.report_file(reporter=UserFactory(), target=post, reason="personal_data")
    post.refresh_from_db()
    assert post.status == Status.HIDDEN and post.hidden_by is None


def _decide(client, objection, decision, note=""):
    return client.post(
        reverse("moderation:objection_decide", kwargs={"pk": objection.pk}), {"decision": decision, "note": note}
    )


def test_upheld_automatic_hide_is_told_to_the_author_who_objects_and_another_moderator_decides(
    client, thread, mailoutbox, django_capture_on_commit_callbacks
):
    """
    Report that hides → a moderator upholds → the author gets the statement of reasons on the site
    and by e-mail → objects to that decision → the upholder cannot decide it (not queued, 403) →
    another moderator upholds → the reply is back and the author is told.
    """
    author = _english_member(UserFactory())
    reply = ReplyFactory(thread=thread, author=author)
    with django_capture_on_commit_callbacks(execute=True):
        _hide_by_reports(reply)
    upholder, other = ModeratorFactory(), ModeratorFactory()
    client.force_login(upholder)
    decide_url = reverse("moderation:report_decide", args=[ContentKind.REPLY, reply.pk, "uphold"])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide_url, {"note": REASON}, follow=True)
    assert "The reports have been upheld." in response.content.decode()
    reply.refresh_from_db()
    assert (reply.status, reply.hidden_by, reply.hidden_reason) == (Status.HIDDEN, upholder, REASON)

    notice = Notification.objects.filter(recipient=author, kind="moderation").latest("pk")
    assert "stays hidden" in notice.message and f"Reason: {REASON}\n" in notice.message
    objection_page = reverse("moderation:objection_list")
    assert any(link.endswith(objection_page) for link in _links(notice.message))
    [mail] = [message for message in mailoutbox if message.to == [author.email]]
    assert REASON in mail.body and any(link.endswith(objection_page) for link in _links(mail.body))

    client.force_login(author)
    listed = client.get(objection_page)
    [decision] = listed.context["decisions"]
    assert (decision.action, decision.actor, decision.reason) == (ModerationAction.HIDE, upholder, REASON)
    response = client.post(
        reverse("moderation:objection_create", kwargs={"pk": decision.pk}),
        {"text": "Het was een collega."},
        follow=True,
    )
    assert "Another moderator will look at your objection." in response.content.decode()
    objection = Objection.objects.get()

    client.force_login(upholder)
    assert "Het was een collega." not in client.get(reverse("moderation:moderation_queue")).content.decode()
    assert _decide(client, objection, "uphold").status_code == HTTPStatus.FORBIDDEN
    objection.refresh_from_db()
    assert objection.state == Objection.State.OPEN

    client.force_login(other)
    assert "Het was een collega." in client.get(reverse("moderation:moderation_queue")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _decide(client, objection, "uphold", "Een collega mag genoemd worden.")
    reply.refresh_from_db()
    assert reply.status == Status.PUBLISHED
    told = Notification.objects.filter(recipient=author, kind="moderation").latest("pk")
    assert "upheld your objection" in told.message and "Een collega mag genoemd worden." in told.message


def test_the_upholder_counts_as_maker_of_the_automatic_hide(client, reply, django_capture_on_commit_callbacks):
    """
    An objection filed against the automatic hide before a moderator upheld the reports may not
    be decided by that moderator: the service refuses, the queue does not offer it; others may.
    """
    _english_member(reply.author)
    _hide_by_reports(reply)
    automatic = ModerationLog.objects.get(action=ModerationAction.AUTO_HIDE)
    objection = moderation_services.objection_file(member=reply.author, decision=automatic, text="Dit klopt niet.")
    upholder, other = ModeratorFactory(), ModeratorFactory()
    moderation_services.reports_resolve(acting_user=upholder, target=reply, uphold=True, note=REASON)

    with pytest.raises(PermissionDenied):
        moderation_services.objection_decide(acting_user=upholder, objection=objection, uphold=False, note="Nee")
    client.force_login(upholder)
    assert "Dit klopt niet." not in client.get(reverse("moderation:moderation_queue")).content.decode()
    assert _decide(client, objection, "reject", "Nee").status_code == HTTPStatus.FORBIDDEN
    objection.refresh_from_db()
    assert objection.state == Objection.State.OPEN

    client.force_login(other)
    assert "Dit klopt niet." in client.get(reverse("moderation:moderation_queue")).content.decode()
    _decide(client, objection, "reject", "De naam blijft verborgen.")
    objection.refresh_from_db()
    assert (objection.state, objection.decided_by) == (Objection.State.REJECTED, other)


def test_banned_member_objects_through_the_link_while_banned(
    client, user, mailoutbox, django_capture_on_commit_callbacks
):
    """
    Banned → the notice, the e-mail and the banned page (at the next page and at login) lead to a
    form that works logged out → the objection reaches the queue, once → another moderator decides.
    """
    _english_member(user)
    banner, other = ModeratorFactory(), ModeratorFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        sanctions.member_sanction(acting_user=banner, member=user, kind="ban", reason="Doxing van een collega")
    decision = ModerationLog.objects.get(action=ModerationAction.BAN)

    def objection_link_in(paths):
        """The signed link among ``paths`` that names this ban and this member (its time stamp varies)."""
        for path in paths:
            match = resolve(path)
            if match.url_name == "objection_by_link":
                link = objection_links.read_token(match.kwargs["token"])
                assert (link.decision_pk, link.member_pk) == (decision.pk, user.pk)
                return path
        raise AssertionError(f"no objection link in {paths}")

    notice = Notification.objects.get(recipient=user, kind="moderation")
    link_path = objection_link_in([urlsplit(link).path for link in _links(notice.message)])
    [mail] = mailoutbox
    objection_link_in([urlsplit(link).path for link in _links(mail.body)])

    banned_page = client.get(reverse("forum:home"))  # logged out at the next page
    assert banned_page.status_code == HTTPStatus.FORBIDDEN
    shown = objection_link_in([banned_page.context["objection_path"]])
    assert f'href="{shown}"' in banned_page.content.decode()
    login = client.post(reverse("account_login"), {"login": user.email, "password": "een-lang-wachtwoord"})
    assert login.status_code == HTTPStatus.FORBIDDEN
    shown = objection_link_in([login.context["objection_path"]])
    assert f'href="{shown}"' in login.content.decode()
    assert "_auth_user_id" not in client.session

    form = client.get(link_path)
    assert form.status_code == HTTPStatus.OK and "Doxing van een collega" in form.content.decode()
    response = client.post(link_path, {"text": "Ik heb niemand gedoxt."}, follow=True)
    assert "Another moderator will look at your objection." in response.content.decode()
    again = client.post(link_path, {"text": "Nog een keer."}, follow=True)
    assert "You have already objected to this decision." in again.content.decode()
    objection = Objection.objects.get()
    assert (objection.member, objection.decision, objection.text) == (user, decision, "Ik heb niemand gedoxt.")

    client.force_login(banner)
    assert "Ik heb niemand gedoxt." not in client.get(reverse("moderation:moderation_queue")).content.decode()
    assert _decide(client, objection, "uphold").status_code == HTTPStatus.FORBIDDEN
    client.force_login(other)
    assert "Ik heb niemand gedoxt." in client.get(reverse("moderation:moderation_queue")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _decide(client, objection, "uphold", "Het was iemand anders.")
    assert not selectors.sanction_state(User.objects.get(pk=user.pk)).banned
    told = Notification.objects.filter(recipient=user, kind="moderation").latest("pk")
    assert "upheld your objection" in told.message
    client.logout()
    assert "Het was iemand anders." in client.get(link_path).content.decode()


def test_objection_link_cannot_be_forged_or_reused_for_another_decision(client, user, other_user, moderator):
    """A changed, foreign or expired link is not found; nothing is stored."""
    sanctions.member_sanction(acting_user=moderator, member=user, kind="ban", reason="X")
    decision = ModerationLog.objects.get(action=ModerationAction.BAN)
    good = objection_links.make_token(decision_pk=decision.pk, member_pk=user.pk)
    someone_else = objection_links.path(decision_pk=decision.pk, member_pk=other_user.pk)
    for path in (
        reverse("moderation:objection_by_link", kwargs={"token": good[:-2] + "xx"}),
        reverse("moderation:objection_by_link", kwargs={"token": "niet-ondertekend"}),
        someone_else,
    ):
        assert client.get(path).status_code == HTTPStatus.NOT_FOUND
        assert client.post(path, {"text": "Bezwaar"}).status_code == HTTPStatus.NOT_FOUND
    assert not Objection.objects.exists()


def test_objection_link_expires(client, user, moderator, monkeypatch):
    """After ``MAX_AGE`` the link no longer works."""
    sanctions.member_sanction(acting_user=moderator, member=user, kind="ban", reason="X")
    decision = ModerationLog.objects.get(action=ModerationAction.BAN)
    path = objection_links.path(decision_pk=decision.pk, member_pk=user.pk)
    monkeypatch.setattr(objection_links, "MAX_AGE", timedelta(seconds=-1))
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND


def test_objections_are_rate_limited(client, user, moderator, monkeypatch):
    """Many objections in a short time get a clear message, not another objection."""
    monkeypatch.setattr(objection_services, "OBJECTIONS_PER_HOUR", 1)
    sanctions.member_sanction(acting_user=moderator, member=user, kind="warning", reason="Toon")
    sanctions.member_sanction(acting_user=moderator, member=user, kind="ban", reason="Doxing")
    warning, ban = ModerationLog.objects.filter(action__in=["warn", "ban"]).order_by("pk")
    moderation_services.objection_file(member=user, decision=warning, text="Eerste")
    response = client.post(objection_links.path(decision_pk=ban.pk, member_pk=user.pk), {"text": "Tweede"})
    assert response.status_code == HTTPStatus.OK
    assert "many objections in a short time" in response.content.decode()
    assert Objection.objects.count() == 1


def test_suspended_member_objects_from_the_notice(client, user, moderator, django_capture_on_commit_callbacks):
    """A suspension's notice leads to the objection page, which works for the suspended member."""
    _english_member(user)
    with django_capture_on_commit_callbacks(execute=True):
        sanctions.member_sanction(acting_user=moderator, member=user, kind="suspension", reason="Ruzie")
    notice = Notification.objects.get(recipient=user, kind="moderation")
    [link] = _links(notice.message)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.force_login(user)
    [decision] = client.get(f"/{path}").context["decisions"]
    client.post(reverse("moderation:objection_create", kwargs={"pk": decision.pk}), {"text": "Het was geen ruzie."})
    assert Objection.objects.get().decision.action == ModerationAction.SUSPEND


def test_problem_reports_reach_the_queue_and_are_marked_handled(client, theme, moderator, user):
    """
    Site moderators see open problem reports in the queue and mark them handled (logged); a
    moderator limited to a theme and a member neither see them nor may close them.
    """
    report = moderation_services.problem_report_file(
        reporter=None, message="De zoekfunctie geeft een foutmelding.", contact_email="bezoeker@example.org"
    )
    client.force_login(moderator)
    queue = client.get(reverse("moderation:moderation_queue")).content.decode()
    assert "De zoekfunctie geeft een foutmelding." in queue and "bezoeker@example.org" in queue
    close_url = reverse("moderation:problem_report_close", kwargs={"pk": report.pk})

    limited = ModeratorFactory()
    theme.moderators.add(limited)
    for member in (limited, user):
        client.force_login(member)
        assert client.post(close_url).status_code == HTTPStatus.FORBIDDEN
    client.force_login(limited)
    assert "De zoekfunctie" not in client.get(reverse("moderation:moderation_queue")).content.decode()
    report.refresh_from_db()
    assert report.state == ProblemReport.State.OPEN

    client.force_login(moderator)
    response = client.post(close_url, {"note": "Opgelost in de nieuwe versie."}, follow=True)
    assert "marked as handled" in response.content.decode()
    assert "De zoekfunctie geeft een foutmelding." not in response.content.decode()
    report.refresh_from_db()
    assert report.state == ProblemReport.State.CLOSED
    log = ModerationLog.objects.get(action=ModerationAction.REPORT_CLOSE)
    assert (log.actor, log.reason) == (moderator, "Opgelost in de nieuwe versie.")


def test_problem_reports_count_as_waiting(moderator):
    """The moderators' count of waiting items includes open problem reports."""
    before = waiting_count(moderator)
    moderation_services.problem_report_file(reporter=None, message="Kapotte link")
    assert waiting_count(moderator) == before + 1


def test_report_that_hides_a_reply_lands_on_the_thread_with_a_message(client, reply):
    """The member whose report hides a reply lands on its thread, told what happened, not on a 404."""
    client.cookies["django_language"] = "nl"
    for _ in range(2):
        moderation_services.report_file(reporter=UserFactory(), target=reply, reason="spam")
    client.force_login(UserFactory())
    response = client.post(reverse("moderation:reply_report", kwargs={"pk": reply.pk}), {"reason": "spam"}, follow=True)
    assert response.status_code == HTTPStatus.OK
    assert response.redirect_chain[-1][0] == reply.thread.get_absolute_url()
    assert "Bedankt voor je melding. De reactie is verborgen tot een moderator ernaar heeft gekeken." in (
        response.content.decode()
    )
    assert Report.objects.filter(reply=reply).count() == 3


def test_report_that_hides_a_thread_lands_on_its_theme_with_a_message(client, thread):
    """A thread hidden by the report: the member lands on its theme, told what happened."""
    for _ in range(2):
        moderation_services.report_file(reporter=UserFactory(), target=thread, reason="spam")
    client.force_login(UserFactory())
    response = client.post(
        reverse("moderation:thread_report", kwargs={"pk": thread.pk}), {"reason": "spam"}, follow=True
    )
    assert response.status_code == HTTPStatus.OK
    assert response.redirect_chain[-1][0] == thread.theme.get_absolute_url()
    assert "The discussion is hidden until a moderator has looked at it." in response.content.decode()


def test_warned_member_objects_from_the_warning_page(client, user, moderator):
    """The warning page points to the objection page, which a warned member reaches before acknowledging."""
    sanctions.member_sanction(acting_user=moderator, member=user, kind="warning", reason="Let op je toon")
    client.force_login(user)
    objection_page = reverse("moderation:objection_list")
    warning_page = client.get(reverse("moderation:warning")).content.decode()
    assert f'href="{objection_page}"' in warning_page
    listed = client.get(objection_page)
    assert listed.status_code == HTTPStatus.OK
    [decision] = listed.context["decisions"]
    client.post(
        reverse("moderation:objection_create", kwargs={"pk": decision.pk}), {"text": "Mijn toon was vriendelijk."}
    )
    assert Objection.objects.get().decision.action == ModerationAction.WARN


def test_new_pages_read_in_dutch(client, user, moderator):
    """The banned page, the objection form behind the link and the problem reports in the queue are Dutch."""
    client.cookies["django_language"] = "nl"
    sanctions.member_sanction(acting_user=moderator, member=user, kind="ban", reason="Doxing")
    client.force_login(user)
    assert "Bezwaar maken tegen de blokkade" in client.get(reverse("forum:home")).content.decode()
    decision = ModerationLog.objects.get(action=ModerationAction.BAN)
    form = client.get(objection_links.path(decision_pk=decision.pk, member_pk=user.pk)).content.decode()
    assert "Je kunt één keer bezwaar maken tegen dit besluit, zonder in te loggen." in form
    moderation_services.problem_report_file(reporter=None, message="Kapotte link")
    client.force_login(ModeratorFactory())
    queue = client.get(reverse("moderation:moderation_queue")).content.decode()
    assert "Probleemmeldingen: 1" in queue and "Markeren als afgehandeld" in queue
