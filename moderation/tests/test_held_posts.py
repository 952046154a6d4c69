"""
Holding posts for approval: pre-moderated themes, first posts of new members, watched
words and links; what authors, other members and moderators see; approving and not
approving; and what reaches whom.
"""

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.models import Organisation, OrganisationDomain, SiteSettings
from accounts.standing import standing_of
from core.models import ModerationAction, ModerationLog
from forum import permissions, services
from forum.models import ContentKind, HoldReason, Reply, Status, Thread
from forum.tests.factories import ModeratorFactory, ReplyFactory, ThemeFactory, ThreadFactory, UserFactory
from moderation import selectors
from moderation import services as moderation_services
from moderation.models import WatchedWord
from moderation.services.approval import watched_word_pattern
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator_client(client, administrator):
    client.force_login(administrator)
    return client


def english(client):
    client.cookies["django_language"] = "en"
    return client


def _site(**values):
    site = SiteSettings.current()
    for name, value in values.items():
        setattr(site, name, value)
    site.save()


@pytest.fixture
def premoderated(theme):
    theme.is_premoderated = True
    theme.save()
    return theme


# Pre-moderated themes ---------------------------------------------------------------------------


def test_a_reply_in_a_premoderated_theme_waits_and_is_counted_nowhere(premoderated, thread, other_user):
    before = Thread.objects.get(pk=thread.pk)
    reply = services.reply_create(author=other_user, thread=thread, body="Mijn **eerste** reactie")
    assert reply.status == Status.HELD
    assert reply.hold_reason == HoldReason.THEME
    thread.refresh_from_db()
    assert (thread.reply_count, thread.held_reply_count) == (before.reply_count, 1)
    assert thread.last_activity_at == before.last_activity_at
    # The thread's author hears of it only once it is approved.
    assert not Notification.objects.about(reply).filter(recipient=thread.author).exists()
    row = ModerationLog.objects.get(action=ModerationAction.HOLD, target_id=reply.pk)
    assert row.actor is None


def test_others_do_not_see_a_held_reply_its_author_sees_it_marked(premoderated, thread, other_user, client):
    reply = services.reply_create(author=other_user, thread=thread, body="Wachtende tekst over de Rob")
    url = thread.get_absolute_url()
    assert "Wachtende tekst" not in english(client).get(url).content.decode()
    client.force_login(UserFactory())
    assert "Wachtende tekst" not in client.get(url).content.decode()
    assert client.get(reverse("forum:reply", kwargs={"pk": reply.pk})).status_code == HTTPStatus.NOT_FOUND
    client.force_login(other_user)
    page = client.get(url).content.decode()
    assert "Your replies waiting for approval" in page
    assert "Wachtende tekst" in page
    assert "Until then only you and the moderators can see it." in page


def test_a_moderator_sees_the_held_reply_in_place_with_why_and_the_decision(
    premoderated, thread, other_user, moderator_client
):
    services.reply_create(author=other_user, thread=thread, body="Tekst die wacht")
    page = english(moderator_client).get(thread.get_absolute_url()).content.decode()
    assert "Tekst die wacht" in page
    assert "Held because: the theme is pre-moderated" in page
    assert "Do not approve" in page


def test_a_held_thread_is_a_404_for_others_and_listed_nowhere(premoderated, user, other_user, client):
    thread = services.thread_create(author=user, theme=premoderated, title="Nog niet zichtbaar", body="Tekst")
    assert thread.is_held
    client.force_login(other_user)
    assert client.get(thread.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert "Nog niet zichtbaar" not in client.get(reverse("forum:home")).content.decode()
    assert "Nog niet zichtbaar" not in client.get(premoderated.get_absolute_url()).content.decode()
    client.force_login(user)
    page = english(client).get(thread.get_absolute_url()).content.decode()
    assert "Waiting for approval" in page
    assert "Add a reply" not in page  # nobody replies before it is approved


def test_the_author_is_told_on_posting_that_the_post_waits(premoderated, thread, other_user, client):
    client.force_login(other_user)
    response = english(client).post(
        reverse("forum:reply_create", kwargs={"pk": thread.pk}), {"body": "Mijn reactie"}, follow=True
    )
    assert "Your reply waits for a moderator&#x27;s approval." in response.content.decode()
    response = client.post(
        reverse("forum:thread_create", kwargs={"slug": premoderated.slug}),
        {"title": "Nieuwe vraag", "body": "Wie weet het?"},
        follow=True,
    )
    assert "Your thread waits for a moderator&#x27;s approval." in response.content.decode()


def test_moderators_are_not_held(premoderated, thread, moderator):
    reply = services.reply_create(author=moderator, thread=thread, body="Van de moderator")
    assert reply.status == Status.PUBLISHED


def test_a_held_post_cannot_be_appreciated_or_replied_to(premoderated, user, other_user):
    thread = services.thread_create(author=user, theme=premoderated, title="Wacht", body="Tekst")
    assert not permissions.can_react(standing_of(other_user), thread)
    assert not permissions.can_reply(standing_of(user), thread)


# Approving and not approving ---------------------------------------------------------------------


def test_approving_publishes_counts_and_notifies(
    premoderated, thread, other_user, moderator_client, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply_create(author=other_user, thread=thread, body="Goed punt")
    assert not Notification.objects.filter(recipient=thread.author).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            reverse(
                "moderation:held_decide", kwargs={"kind": ContentKind.REPLY, "pk": reply.pk, "decision": "approve"}
            ),
            {"reason": "", "next": thread.get_absolute_url()},
        )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == thread.get_absolute_url()
    reply.refresh_from_db()
    thread.refresh_from_db()
    assert reply.status == Status.PUBLISHED
    assert (thread.reply_count, thread.held_reply_count) == (1, 0)
    # The thread's author now hears of the reply, and the reply's author of the approval.
    assert Notification.objects.about(reply).filter(recipient=thread.author).exists()
    told = Notification.objects.filter(recipient=other_user, kind="moderation").values_list("message", flat=True)
    assert any("goedgekeurd" in message for message in told)  # the approval, in the member's Dutch
    assert (
        ModerationLog.objects.filter(action=ModerationAction.APPROVE, actor=moderator, target_id=reply.pk).count() == 1
    )


def test_not_approving_needs_a_reason_and_changes_nothing_without_one(
    premoderated, thread, other_user, moderator_client
):
    reply = services.reply_create(author=other_user, thread=thread, body="Twijfelachtig")
    url = reverse("moderation:held_decide", kwargs={"kind": ContentKind.REPLY, "pk": reply.pk, "decision": "reject"})
    response = english(moderator_client).post(url, {"reason": "  "}, follow=True)
    assert "This field is required." in response.content.decode()
    reply.refresh_from_db()
    assert reply.status == Status.HELD
    assert not ModerationLog.objects.filter(action=ModerationAction.REJECT).exists()


def test_not_approving_hides_it_and_the_author_may_object(
    premoderated, thread, other_user, moderator_client, client, django_capture_on_commit_callbacks
):
    reply = services.reply_create(author=other_user, thread=thread, body="Vertrouwelijke memo")
    url = reverse("moderation:held_decide", kwargs={"kind": ContentKind.REPLY, "pk": reply.pk, "decision": "reject"})
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(url, {"reason": "Bevat niet-openbare informatie"})
    reply.refresh_from_db()
    thread.refresh_from_db()
    assert reply.status == Status.HIDDEN
    assert reply.hidden_reason == "Bevat niet-openbare informatie"
    assert (thread.reply_count, thread.held_reply_count) == (0, 0)
    statement = Notification.objects.get(recipient=other_user, kind="moderation")
    assert "Bevat niet-openbare informatie" in statement.message
    assert reverse("moderation:objection_list") in statement.message
    decision = ModerationLog.objects.get(action=ModerationAction.REJECT)
    assert permissions.can_object(standing_of(other_user), decision)
    # Upholding the objection publishes the reply after all.
    objection = moderation_services.objection_file(member=other_user, decision=decision, text="Het is openbaar beleid.")
    assert moderation_services.objection_decide(acting_user=ModeratorFactory(), objection=objection, uphold=True)
    reply.refresh_from_db()
    thread.refresh_from_db()
    assert reply.status == Status.PUBLISHED
    assert thread.reply_count == 1
    assert "Vertrouwelijke memo" in client.get(thread.get_absolute_url()).content.decode()


def test_deciding_twice_changes_once(premoderated, thread, other_user, moderator):
    reply = services.reply_create(author=other_user, thread=thread, body="Tekst")
    assert moderation_services.post_approve(acting_user=moderator, post=reply)
    assert not moderation_services.post_approve(acting_user=moderator, post=reply)
    assert not moderation_services.post_reject(acting_user=moderator, post=reply, reason="te laat")
    thread.refresh_from_db()
    assert thread.reply_count == 1
    assert ModerationLog.objects.filter(action=ModerationAction.APPROVE).count() == 1


def test_an_approved_thread_comes_to_the_top_and_notifies_theme_followers(
    premoderated, user, moderator, django_capture_on_commit_callbacks
):
    follower = UserFactory()
    services.theme_follow_toggle(member=follower, theme=premoderated)
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.thread_create(author=user, theme=premoderated, title="Wacht op goedkeuring", body="Tekst")
    assert not Notification.objects.filter(recipient=follower).exists()
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.post_approve(acting_user=moderator, post=thread)
    assert Notification.objects.about(thread).filter(recipient=follower).exists()
    assert Thread.objects.visible_to(follower).filter(pk=thread.pk).exists()


# New members' first posts ------------------------------------------------------------------------


def test_the_first_posts_of_a_new_member_wait(theme, thread, moderator):
    _site(hold_first_posts=2)
    newcomer = UserFactory()
    first = services.reply_create(author=newcomer, thread=thread, body="Eerste")
    assert (first.status, first.hold_reason) == (Status.HELD, HoldReason.NEW_MEMBER)
    moderation_services.post_approve(acting_user=moderator, post=first)
    second = services.reply_create(author=newcomer, thread=thread, body="Tweede")
    assert second.status == Status.HELD
    moderation_services.post_approve(acting_user=moderator, post=second)
    third = services.reply_create(author=newcomer, thread=thread, body="Derde")
    assert third.status == Status.PUBLISHED


def test_verified_civil_servants_are_not_held_as_new_members(theme, thread):
    _site(hold_first_posts=2)
    organisation = Organisation.objects.create(name="Gemeente Utrecht", kind=Organisation.Kind.GEMEENTE)
    OrganisationDomain.objects.create(organisation=organisation, domain="utrecht.nl")
    civil_servant = UserFactory(email="ambtenaar@utrecht.nl", organisation=organisation)
    assert civil_servant.is_verified_civil_servant
    reply = services.reply_create(author=civil_servant, thread=thread, body="Eerste reactie")
    assert reply.status == Status.PUBLISHED


# Links ---------------------------------------------------------------------------------------------


def test_a_link_from_a_member_with_few_approved_posts_waits(theme, thread, other_user):
    _site(hold_links_below=2)
    reply = services.reply_create(author=other_user, thread=thread, body="Zie https://voorbeeld.example/aanbieding")
    assert (reply.status, reply.hold_reason) == (Status.HELD, HoldReason.LINK)
    assert reply.hold_detail.startswith("https://voorbeeld.example/")


def test_a_link_from_a_member_with_enough_approved_posts_is_published(theme, thread, user):
    _site(hold_links_below=2)
    ThreadFactory(author=user)  # the fixture thread and this one: two approved posts
    reply = services.reply_create(author=user, thread=thread, body="Zie https://www.rijksoverheid.nl/")
    assert reply.status == Status.PUBLISHED


def test_mentions_and_text_without_links_are_not_held(theme, thread, other_user):
    _site(hold_links_below=5)
    reply = services.reply_create(author=other_user, thread=thread, body=f"Eens, @{thread.author.handle}!")
    assert reply.status == Status.PUBLISHED


# Watched words ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "text", "matches"),
    [
        ("pharma*", "Goedkope PHARMACIE hier", True),
        ("ster", "Een monster van een nota", False),
        ("ster", "Een ster van een nota", True),
        ("geheime nota", "De geheime\n  nota lekt", True),
        ("geheime nota", "geheimenota", False),
        ("café", "Naar het Café", True),
    ],
)
def test_watched_words_match_whole_words_in_any_case(phrase, text, matches):
    assert bool(watched_word_pattern(phrase).search(text)) is matches


def test_a_holding_watched_word_holds_the_post_with_the_word(theme, thread, other_user):
    WatchedWord.objects.create(phrase="casino", action=WatchedWord.Action.HOLD)
    reply = services.reply_create(author=other_user, thread=thread, body="Kom naar het Casino")
    assert (reply.status, reply.hold_reason, reply.hold_detail) == (Status.HELD, HoldReason.WATCHED_WORD, "casino")


def test_a_refusing_watched_word_refuses_with_its_message_and_keeps_the_text(theme, thread, other_user, client):
    WatchedWord.objects.create(
        phrase="staatsgeheim*", action=WatchedWord.Action.REFUSE, message="Deel geen staatsgeheimen."
    )
    client.force_login(other_user)
    response = client.post(
        reverse("forum:reply_create", kwargs={"pk": thread.pk}), {"body": "Dit is een staatsgeheimpje <b>echt</b>"}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert "Deel geen staatsgeheimen." in page
    assert "Dit is een staatsgeheimpje &lt;b&gt;echt&lt;/b&gt;" in page  # the text is kept, escaped
    assert not Reply.objects.filter(thread=thread, author=other_user).exists()


def test_a_refusing_word_in_a_title_refuses_the_thread(theme, user):
    WatchedWord.objects.create(phrase="spam", action=WatchedWord.Action.REFUSE)
    with translation.override("en"), pytest.raises(ValidationError, match="“spam”, which is not allowed here"):
        services.thread_create(author=user, theme=theme, title="Spam spam", body="Tekst")
    assert not Thread.objects.filter(title="Spam spam").exists()


def test_inactive_watched_words_do_nothing_and_changes_apply_at_once(theme, thread, other_user):
    word = WatchedWord.objects.create(phrase="loterij", action=WatchedWord.Action.HOLD, is_active=False)
    assert services.reply_create(author=other_user, thread=thread, body="De loterij").status == Status.PUBLISHED
    word.is_active = True
    word.save()
    assert services.reply_create(author=other_user, thread=thread, body="De loterij!").status == Status.HELD
    word.delete()
    assert services.reply_create(author=other_user, thread=thread, body="De loterij!!").status == Status.PUBLISHED


def test_an_edit_with_a_holding_word_takes_the_post_back_for_approval(theme, thread, other_user):
    WatchedWord.objects.create(phrase="casino", action=WatchedWord.Action.HOLD)
    reply = ReplyFactory(thread=thread, author=other_user, body="Nette tekst")
    thread.refresh_from_db()
    assert thread.reply_count == 1
    assert services.reply_edit(acting_user=other_user, reply=reply, body="Nette tekst, en een casino")
    reply.refresh_from_db()
    thread.refresh_from_db()
    assert (reply.status, reply.hold_reason) == (Status.HELD, HoldReason.EDIT)
    assert (thread.reply_count, thread.held_reply_count) == (0, 1)


def test_an_edit_with_a_refusing_word_is_refused_and_the_post_unchanged(theme, thread, other_user, client):
    WatchedWord.objects.create(phrase="oplichter", action=WatchedWord.Action.REFUSE)
    reply = ReplyFactory(thread=thread, author=other_user, body="Nette tekst")
    client.force_login(other_user)
    response = client.post(reverse("forum:reply_edit", kwargs={"pk": reply.pk}), {"body": "Jij oplichter"})
    assert response.status_code == HTTPStatus.OK
    assert "Jij oplichter" in response.content.decode()
    reply.refresh_from_db()
    assert reply.body == "Nette tekst"


def test_watched_words_are_managed_in_the_admin(administrator_client, theme, thread, other_user):
    response = administrator_client.post(
        reverse("admin:moderation_watchedword_add"), {"phrase": "*", "action": "hold", "message": "", "is_active": "on"}
    )
    assert response.status_code == HTTPStatus.OK  # refused: "*" alone would match every word
    assert not WatchedWord.objects.exists()
    response = administrator_client.post(
        reverse("admin:moderation_watchedword_add"),
        {"phrase": "  gratis   geld ", "action": "hold", "message": "", "is_active": "on"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert WatchedWord.objects.get().phrase == "gratis geld"
    assert services.reply_create(author=other_user, thread=thread, body="Gratis geld!").status == Status.HELD


# Moderators editing with a note ------------------------------------------------------------------------


def test_a_moderator_edit_with_a_note_is_logged_and_sent_to_the_author(
    thread, reply, moderator_client, moderator, django_capture_on_commit_callbacks
):
    url = reverse("forum:reply_edit", kwargs={"pk": reply.pk})
    queue = reverse("moderation:moderation_queue")
    form = english(moderator_client).get(f"{url}?next={queue}").content.decode()
    assert "Note for the author" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            url, {"body": "Tekst zonder naam van collega", "note": "Naam van een collega verwijderd", "next": queue}
        )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == queue
    row = ModerationLog.objects.get(action=ModerationAction.EDIT)
    assert (row.actor, row.reason) == (moderator, "Naam van een collega verwijderd")
    notice = Notification.objects.get(recipient=reply.author, kind="moderation")
    assert "Naam van een collega verwijderd" in notice.message


def test_next_never_leads_off_the_site(reply, moderator_client):
    url = reverse("forum:reply_edit", kwargs={"pk": reply.pk})
    response = moderator_client.post(url, {"body": "Andere tekst", "next": "https://kwaadaardig.example/"})
    assert response["Location"] == reply.get_absolute_url()


def test_a_theme_that_is_not_premoderated_publishes_at_once(thread, other_user):
    other_theme = ThemeFactory()
    assert not other_theme.is_premoderated
    assert services.reply_create(author=other_user, thread=thread, body="Direct").status == Status.PUBLISHED


# The moderation queue ---------------------------------------------------------------------------------


def test_the_queue_lists_held_posts_oldest_first_with_why_and_the_decision(
    premoderated, thread, user, other_user, moderator_client
):
    first = services.reply_create(author=other_user, thread=thread, body="Eerste wachtende reactie")
    services.thread_create(author=user, theme=premoderated, title="Wachtende vraag", body="Tweede wachtende")
    page = english(moderator_client).get(reverse("moderation:moderation_queue")).content.decode()
    assert "Waiting for approval: 2 posts" in page
    assert page.index("Eerste wachtende reactie") < page.index("Tweede wachtende")
    assert "Held because: the theme is pre-moderated" in page
    approve = reverse(
        "moderation:held_decide", kwargs={"kind": ContentKind.REPLY, "pk": first.pk, "decision": "approve"}
    )
    assert f'action="{approve}"' in page


def test_the_queue_filters_held_posts_by_theme(premoderated, thread, other_user, moderator_client):
    other_theme = ThemeFactory(is_premoderated=True)
    elsewhere = ThreadFactory(theme=other_theme)
    services.reply_create(author=other_user, thread=thread, body="In het eerste thema")
    services.reply_create(author=other_user, thread=elsewhere, body="In het andere thema")
    page = moderator_client.get(reverse("moderation:moderation_queue"), {"theme": other_theme.slug}).content.decode()
    assert "In het andere thema" in page
    assert "In het eerste thema" not in page


def test_queue_queries_do_not_grow_with_held_posts(
    premoderated, thread, moderator_client, django_assert_max_num_queries
):
    services.reply_create(author=UserFactory(), thread=thread, body="Een")
    services.thread_create(author=UserFactory(), theme=premoderated, title="Twee", body="Tekst")
    url = reverse("moderation:moderation_queue")
    moderator_client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        moderator_client.get(url)
    for number in range(25):
        services.reply_create(author=UserFactory(), thread=thread, body=f"Reactie {number}")
        services.thread_create(author=UserFactory(), theme=premoderated, title=f"Vraag {number}", body="Tekst")
    with django_assert_max_num_queries(len(few)):
        response = moderator_client.get(url)
    assert response.content.decode().count('class="held-decision') == 20  # one page of the oldest


def test_a_membership_application_is_decided_from_the_queue(moderator_client):
    from accounts.models import Approval

    applicant = UserFactory(approval=Approval.PENDING, display_name="Aanvrager Jansen")
    queue = reverse("moderation:moderation_queue")
    page = english(moderator_client).get(queue).content.decode()
    assert "Aanvrager Jansen" in page
    response = moderator_client.post(
        reverse("accounts:application_decide", kwargs={"pk": applicant.pk, "decision": "goedkeuren"}),
        {"next": queue},
    )
    assert response["Location"] == queue
    applicant.refresh_from_db()
    assert applicant.approval == Approval.APPROVED


def test_a_reported_reply_can_be_locked_and_its_author_warned_from_the_queue(reply, user, moderator_client):
    from moderation.models import Sanction

    moderation_services.report_file(reporter=user, target=reply, reason="insulting", note="")
    queue = reverse("moderation:moderation_queue")
    page = english(moderator_client).get(queue).content.decode()
    assert "Edit with a note" in page
    assert "Lock the discussion" in page
    assert "Measures against" in page
    response = moderator_client.post(
        reverse("moderation:thread_moderate", kwargs={"pk": reply.thread_id, "action": "lock"}),
        {"reason": "Loopt uit de hand", "next": queue},
    )
    assert response["Location"] == queue
    reply.thread.refresh_from_db()
    assert reply.thread.is_locked
    member_url = reverse("moderation:member_moderation", kwargs={"handle": reply.author.handle})
    response = moderator_client.post(
        member_url, {"action": "warning", "warning-reason": "Let op je toon", "warning-rule": "", "next": queue}
    )
    assert response["Location"] == queue
    assert Sanction.objects.filter(member=reply.author, kind=Sanction.Kind.WARNING).exists()


def test_the_menu_counts_everything_that_waits_in_one_query(premoderated, thread, user, moderator_client):
    from accounts.models import Approval

    services.reply_create(author=UserFactory(), thread=thread, body="Wacht")
    services.thread_create(author=user, theme=premoderated, title="Wacht ook", body="Tekst")
    UserFactory(approval=Approval.PENDING)
    moderation_services.report_file(reporter=UserFactory(), target=user, reason="spam", note="")
    moderation_services.report_file(reporter=UserFactory(), target=user, reason="insulting", note="")  # the same item
    page = english(moderator_client).get(reverse("forum:home")).content.decode()
    assert "Moderation (4 waiting)" in page


def test_the_transparency_page_counts_held_approved_and_not_approved_posts(premoderated, thread, moderator, client):
    first = services.reply_create(author=UserFactory(), thread=thread, body="Een")
    second = services.reply_create(author=UserFactory(), thread=thread, body="Twee")
    services.reply_create(author=UserFactory(), thread=thread, body="Drie")
    moderation_services.post_approve(acting_user=moderator, post=first)
    moderation_services.post_reject(acting_user=moderator, post=second, reason="Buiten het onderwerp")
    figures = selectors.moderation_figures(selectors.figures_months())
    this_month = figures[0]
    assert (this_month.held, this_month.approved, this_month.not_approved) == (3, 1, 1)
    logged = ModerationLog.objects.filter(action__in=["hold", "approve", "reject"]).count()
    assert logged == this_month.held + this_month.approved + this_month.not_approved
    page = english(client).get(reverse("moderation:moderation_figures")).content.decode()
    assert "Posts held for approval per month" in page


def test_hiding_the_newest_reply_moves_the_latest_activity_back_and_showing_it_again_forward(thread, moderator):
    older = ReplyFactory(thread=thread)
    newest = ReplyFactory(thread=thread)
    thread.refresh_from_db()
    assert thread.last_activity_at == newest.created_at
    moderation_services.post_hide(acting_user=moderator, post=newest, reason="Spam")
    thread.refresh_from_db()
    assert thread.last_activity_at == older.created_at
    moderation_services.post_restore(acting_user=moderator, post=newest)
    thread.refresh_from_db()
    assert thread.last_activity_at == newest.created_at
    moderation_services.post_hide(acting_user=moderator, post=older, reason="Spam")
    moderation_services.post_hide(acting_user=moderator, post=newest, reason="Spam")
    thread.refresh_from_db()
    assert thread.last_activity_at == thread.created_at


def test_members_first_mentioned_by_an_edit_are_told_once(thread, other_user, django_capture_on_commit_callbacks):
    mentioned_before, mentioned_later = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply_create(author=other_user, thread=thread, body=f"Zie @{mentioned_before.handle}")
    assert Notification.objects.filter(recipient=mentioned_before, kind="mention").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_edit(
            acting_user=other_user,
            reply=reply,
            body=f"Zie @{mentioned_before.handle} en @{mentioned_later.handle}",
        )
    assert Notification.objects.filter(recipient=mentioned_before, kind="mention").count() == 1
    assert Notification.objects.about(reply).filter(recipient=mentioned_later, kind="mention").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_edit(acting_user=other_user, reply=reply, body=f"Alleen @{mentioned_later.handle} nog")
    assert Notification.objects.filter(recipient=mentioned_later, kind="mention").count() == 1


def test_posts_are_marked_dutch_on_english_pages(thread, reply, client):
    page = english(client).get(thread.get_absolute_url()).content.decode()
    assert page.count('class="post-body" lang="nl"') == 2  # the thread and its reply
    assert 'id="thread-title" lang="nl"' in page
    client.cookies["django_language"] = "nl"
    assert 'lang="nl"' not in client.get(thread.get_absolute_url()).content.decode().split("<body", 1)[1]


def test_held_posts_are_approved_from_the_admin_through_the_service(
    premoderated, thread, other_user, moderator, client
):
    reply = services.reply_create(author=other_user, thread=thread, body="Wacht in de beheeromgeving")
    moderator.is_staff = True
    moderator.save()
    client.force_login(moderator)
    response = client.post(
        reverse("admin:forum_reply_changelist"),
        {"action": "approve", "_selected_action": [reply.pk]},
    )
    assert response.status_code == HTTPStatus.FOUND
    reply.refresh_from_db()
    assert reply.status == Status.PUBLISHED
    assert ModerationLog.objects.filter(action=ModerationAction.APPROVE, actor=moderator).count() == 1


def test_the_author_of_a_held_thread_finds_it_again_through_a_notification(
    premoderated, user, client, django_capture_on_commit_callbacks
):
    WatchedWord.objects.create(phrase="geheim", action=WatchedWord.Action.HOLD)
    user.language = "en"  # the notification is written in the member's language
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.thread_create(author=user, theme=premoderated, title="Een geheim plan", body="Tekst")
    notice = Notification.objects.about(thread).get(recipient=user, kind="moderation")
    assert "waits for a moderator's approval (contains a watched word)" in notice.message
    assert "geheim" not in notice.message.replace("Een geheim plan", "")  # the word itself is not given away
    client.force_login(user)
    response = client.get(reverse("notifications:open", kwargs={"pk": notice.pk}), follow=True)
    assert response.redirect_chain[-1][0].startswith(thread.get_absolute_url())
