"""
Who may do what: the ``can_*`` answers of forum.permissions for every role, and
the same refusals enforced by the views on the server, with nothing stored.
"""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser, Permission
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.standing import standing_of
from core.models import ModerationAction, ModerationLog
from forum import permissions, services
from forum.models import Reply, Revision, Status, Thread
from moderation import services as moderation_services

from .factories import (
    AdministratorFactory,
    ModeratorFactory,
    ReplyFactory,
    ThreadFactory,
    UnverifiedUserFactory,
    UserFactory,
)

ROLES = ["visitor", "unverified", "member", "author", "moderator", "administrator"]
LOGIN_URL = "/accounts/login/"


def _actor(role, author):
    """The user acting in ``role``; ``author`` is the author of the item acted on."""
    if role == "visitor":
        return AnonymousUser()
    if role == "unverified":
        return UnverifiedUserFactory()
    if role == "member":
        return UserFactory()
    if role == "author":
        return author
    if role == "moderator":
        return ModeratorFactory()
    if role == "administrator":
        return AdministratorFactory()
    raise AssertionError(role)


def _snapshot():
    """Everything a refused request must leave alone."""
    return (
        list(
            Thread.objects.order_by("pk").values_list(
                "pk", "title", "body", "status", "is_locked", "is_pinned", "reply_count", "edited_at"
            )
        ),
        list(Reply.objects.order_by("pk").values_list("pk", "thread_id", "body", "status", "edited_at")),
        Revision.objects.count(),
        ModerationLog.objects.count(),
    )


# --- a. the can_* functions -------------------------------------------------

# Each action: the fixture holding the item acted on, and the question asked.
ACTIONS = {
    "read published thread": ("thread", permissions.can_view_thread),
    "read hidden thread": ("hidden_thread", permissions.can_view_thread),
    "read hidden reply": ("hidden_reply", permissions.can_view_reply),
    "create thread": ("theme", permissions.can_create_thread),
    "reply to open thread": ("thread", permissions.can_reply),
    "reply to locked thread": ("locked_thread", permissions.can_reply),
    "reply to hidden thread": ("hidden_thread", permissions.can_reply),
    "edit thread": ("thread", permissions.can_edit_thread),
    "edit reply": ("reply", permissions.can_edit_reply),
    "hide": ("thread", lambda user, thread: permissions.can_moderate(standing_of(user))),
    "lock": ("thread", lambda user, thread: permissions.can_moderate(standing_of(user))),
}

T, F = True, False
#                          visitor unverified member author moderator administrator
MATRIX = {
    "read published thread": (T, T, T, T, T, T),
    "read hidden thread": (F, F, F, F, T, T),
    "read hidden reply": (F, F, F, F, T, T),
    "create thread": (F, F, T, T, T, T),
    "reply to open thread": (F, F, T, T, T, T),
    "reply to locked thread": (F, F, F, F, T, T),
    "reply to hidden thread": (F, F, F, F, F, F),
    "edit thread": (F, F, F, T, T, T),
    "edit reply": (F, F, F, T, T, T),
    "hide": (F, F, F, F, T, T),
    "lock": (F, F, F, F, T, T),
}


@pytest.mark.parametrize(
    ("action", "role", "expected"),
    [(action, role, allowed) for action, row in MATRIX.items() for role, allowed in zip(ROLES, row, strict=True)],
)
def test_can_functions_answer_per_role(request, action, role, expected):
    """Each role gets the expected yes or no from the can_* function for each action."""
    fixture, question = ACTIONS[action]
    item = request.getfixturevalue(fixture)
    author = getattr(item, "author", None) or request.getfixturevalue("user")
    assert question(standing_of(_actor(role, author)), item) is expected


def test_inactive_member_may_do_nothing(thread, reply):
    """A deactivated account is treated as a visitor, even as the author."""
    author = thread.author
    author.is_active = False
    author.save()
    assert permissions.can_post(standing_of(author)) is False
    assert permissions.can_reply(standing_of(author), thread) is False
    assert permissions.can_edit_thread(standing_of(author), thread) is False


def test_author_may_not_edit_a_post_in_a_locked_thread(locked_thread):
    """An author cannot edit a thread once it is locked; a moderator still can."""
    assert permissions.can_edit_thread(standing_of(locked_thread.author), locked_thread) is False
    assert permissions.can_edit_thread(standing_of(ModeratorFactory()), locked_thread) is True


def test_author_may_not_edit_own_hidden_post(hidden_reply):
    """An author cannot edit a reply a moderator has hidden."""
    assert permissions.can_edit_reply(standing_of(hidden_reply.author), hidden_reply) is False


@pytest.mark.parametrize(
    ("window", "age_minutes", "expected"),
    [
        (1440, 1439, True),
        (1440, 1441, False),
        (1440, 60 * 24 * 30, False),
        (10, 9, True),
        (10, 11, False),
        (0, 60 * 24 * 365 * 10, True),
    ],
)
def test_author_edit_window(settings, theme, user, other_user, window, age_minutes, expected):
    """An author may edit a thread or reply only within FORUM_EDIT_WINDOW_MINUTES; 0 means no limit."""
    settings.FORUM_EDIT_WINDOW_MINUTES = window
    created_at = timezone.now() - timedelta(minutes=age_minutes)
    thread = ThreadFactory(theme=theme, author=user, created_at=created_at)
    reply = ReplyFactory(thread=thread, author=other_user, created_at=created_at)
    assert permissions.can_edit_thread(standing_of(user), thread) is expected
    assert permissions.can_edit_reply(standing_of(other_user), reply) is expected


def test_default_edit_window_is_a_day(settings):
    """Unless configured otherwise the edit window is 1440 minutes."""
    assert settings.FORUM_EDIT_WINDOW_MINUTES == 1440


def test_moderator_may_edit_after_the_window(settings, theme, user):
    """The edit window binds authors, not moderators."""
    settings.FORUM_EDIT_WINDOW_MINUTES = 10
    thread = ThreadFactory(theme=theme, author=user, created_at=timezone.now() - timedelta(days=2))
    assert permissions.can_edit_thread(standing_of(ModeratorFactory()), thread) is True


SERVICE_CALLS = {
    "reply": ("thread", lambda user, item: services.reply_create(author=user, thread=item, body="Tekst")),
    "reply to locked": ("locked_thread", lambda user, item: services.reply_create(author=user, thread=item, body="x")),
    "reply to hidden": ("hidden_thread", lambda user, item: services.reply_create(author=user, thread=item, body="x")),
    "create thread": (
        "theme",
        lambda user, item: services.thread_create(author=user, theme=item, title="Titel", body="Tekst"),
    ),
    "edit thread": (
        "thread",
        lambda user, item: services.thread_edit(acting_user=user, thread=item, title="Nieuw", body="Nieuw"),
    ),
    "edit hidden thread": (
        "hidden_thread",
        lambda user, item: services.thread_edit(acting_user=user, thread=item, title="Nieuw", body="Nieuw"),
    ),
    "edit reply": ("reply", lambda user, item: services.reply_edit(acting_user=user, reply=item, body="Nieuw")),
    "hide": ("thread", lambda user, item: moderation_services.post_hide(acting_user=user, post=item, reason="Spam")),
    "lock": ("thread", lambda user, item: moderation_services.thread_lock(acting_user=user, thread=item)),
}


@pytest.mark.parametrize(
    ("call", "role", "exception"),
    [
        ("reply", "unverified", PermissionDenied),
        ("reply to locked", "member", PermissionDenied),
        ("reply to locked", "author", PermissionDenied),
        ("reply to hidden", "member", Http404),
        ("reply to hidden", "moderator", PermissionDenied),
        ("create thread", "unverified", PermissionDenied),
        ("edit thread", "member", PermissionDenied),
        ("edit thread", "unverified", PermissionDenied),
        ("edit hidden thread", "author", Http404),
        ("edit reply", "member", PermissionDenied),
        ("hide", "author", PermissionDenied),
        ("hide", "member", PermissionDenied),
        ("lock", "author", PermissionDenied),
    ],
)
def test_services_refuse_whatever_calls_them(request, call, role, exception):
    """The services check permission themselves: a refused call raises and stores nothing, whoever the caller."""
    fixture, service = SERVICE_CALLS[call]
    item = request.getfixturevalue(fixture)
    actor = _actor(role, getattr(item, "author", None) or request.getfixturevalue("user"))
    before = _snapshot()
    with pytest.raises(exception):
        service(actor, item)
    assert _snapshot() == before


# --- b. the views enforce it -------------------------------------------------


def _thread_data():
    return {"title": "Een nieuwe discussie", "body": "Met nieuwe tekst."}


# Each HTTP action: fixture with the item, URL for it, POST data.
HTTP_ACTIONS = {
    "reply to open thread": ("thread", lambda t: reverse("forum:reply_create", args=[t.pk]), {"body": "Mijn reactie."}),
    "reply to locked thread": (
        "locked_thread",
        lambda t: reverse("forum:reply_create", args=[t.pk]),
        {"body": "Mijn reactie."},
    ),
    "reply to hidden thread": (
        "hidden_thread",
        lambda t: reverse("forum:reply_create", args=[t.pk]),
        {"body": "Mijn reactie."},
    ),
    "create thread": ("theme", lambda theme: reverse("forum:thread_create", args=[theme.slug]), _thread_data()),
    "edit thread": ("thread", lambda t: reverse("forum:thread_edit", args=[t.pk]), _thread_data()),
    "edit reply": ("reply", lambda r: reverse("forum:reply_edit", args=[r.pk]), {"body": "Verbeterde tekst."}),
    "hide thread": ("thread", lambda t: reverse("moderation:thread_moderate", args=[t.pk, "hide"]), {"reason": "Spam"}),
    "lock thread": ("thread", lambda t: reverse("moderation:thread_moderate", args=[t.pk, "lock"]), {"reason": ""}),
    "pin thread": ("thread", lambda t: reverse("moderation:thread_moderate", args=[t.pk, "pin"]), {"reason": ""}),
    "hide reply": ("reply", lambda r: reverse("moderation:reply_moderate", args=[r.pk, "hide"]), {"reason": "Spam"}),
    "restore hidden thread": (
        "hidden_thread",
        lambda t: reverse("moderation:thread_moderate", args=[t.pk, "restore"]),
        {"reason": ""},
    ),
}

LOGIN, OK, FORBIDDEN, NOT_FOUND = "login", "ok", HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND
#                          visitor unverified member author moderator administrator
HTTP_MATRIX = {
    "reply to open thread": (LOGIN, FORBIDDEN, OK, OK, OK, OK),
    "reply to locked thread": (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK),
    "reply to hidden thread": (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, FORBIDDEN, FORBIDDEN),
    "create thread": (LOGIN, FORBIDDEN, OK, OK, OK, OK),
    "edit thread": (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK),
    "edit reply": (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, OK),
    "hide thread": (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK),
    "lock thread": (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK),
    "pin thread": (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK),
    "hide reply": (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK),
    # The moderation URL checks the role before visibility: 403, not 404.
    "restore hidden thread": (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK),
}


@pytest.mark.parametrize(
    ("action", "role", "expected"),
    [(action, role, outcome) for action, row in HTTP_MATRIX.items() for role, outcome in zip(ROLES, row, strict=True)],
)
def test_views_refuse_on_the_server(request, client, action, role, expected):
    """A POST is refused with the right status (visitors: to the login page) and then nothing changes."""
    fixture, url_for, data = HTTP_ACTIONS[action]
    item = request.getfixturevalue(fixture)
    author = getattr(item, "author", None) or request.getfixturevalue("user")
    actor = _actor(role, author)
    if actor.is_authenticated:
        client.force_login(actor)
    before = _snapshot()

    response = client.post(url_for(item), data)

    if expected == LOGIN:
        assert response.status_code == HTTPStatus.FOUND
        assert response.url.startswith(LOGIN_URL)
        assert _snapshot() == before
    elif expected == OK:
        assert response.status_code == HTTPStatus.FOUND
        assert not response.url.startswith(LOGIN_URL)
        assert _snapshot() != before
    else:
        assert response.status_code == expected
        assert _snapshot() == before


def test_visitor_reply_redirect_returns_to_the_thread(client, thread):
    """A visitor who posts a reply is sent to the login page with the thread as next, and nothing is stored."""
    response = client.post(reverse("forum:reply_create", args=[thread.pk]), {"body": "Hallo"})
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))
    assert "next=" in response.url
    assert thread.get_absolute_url().replace("/", "%2F") in response.url
    assert not Reply.objects.exists()


def test_member_reply_is_stored_as_theirs(user_client, user, thread):
    """A verified member's reply is stored with them as the author and counted."""
    response = user_client.post(reverse("forum:reply_create", args=[thread.pk]), {"body": "Eens!"})
    reply = Reply.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert (reply.author, reply.body, reply.thread) == (user, "Eens!", thread)
    thread.refresh_from_db()
    assert thread.reply_count == 1


def test_author_cannot_edit_after_the_window_over_http(settings, client, theme, user):
    """An author posting an edit after the window gets 403 and the thread keeps its text."""
    settings.FORUM_EDIT_WINDOW_MINUTES = 60
    thread = ThreadFactory(theme=theme, author=user, created_at=timezone.now() - timedelta(hours=2))
    client.force_login(user)
    before = _snapshot()
    response = client.post(reverse("forum:thread_edit", args=[thread.pk]), _thread_data())
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert _snapshot() == before


def test_moderator_edit_of_anothers_post_is_logged(moderator_client, moderator, thread):
    """A moderator's edit of a member's thread keeps a revision and writes one moderation log row."""
    response = moderator_client.post(reverse("forum:thread_edit", args=[thread.pk]), _thread_data())
    assert response.status_code == HTTPStatus.FOUND
    thread.refresh_from_db()
    assert thread.title == "Een nieuwe discussie"
    assert Revision.objects.filter(thread=thread).count() == 1
    log = ModerationLog.objects.get(action=ModerationAction.EDIT)
    assert (log.actor, log.target_id) == (moderator, thread.pk)


def test_author_edit_is_not_logged_as_moderation(user_client, thread):
    """An author editing their own thread keeps a revision but writes no moderation log row."""
    response = user_client.post(reverse("forum:thread_edit", args=[thread.pk]), _thread_data())
    assert response.status_code == HTTPStatus.FOUND
    assert Revision.objects.filter(thread=thread).count() == 1
    assert not ModerationLog.objects.filter(action=ModerationAction.EDIT).exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("visitor", HTTPStatus.NOT_FOUND),
        ("unverified", HTTPStatus.NOT_FOUND),
        ("member", HTTPStatus.NOT_FOUND),
        ("author", HTTPStatus.NOT_FOUND),
        ("moderator", HTTPStatus.OK),
        ("administrator", HTTPStatus.OK),
    ],
)
def test_hidden_thread_is_found_only_by_moderators(client, hidden_thread, role, expected):
    """A hidden thread is 404 for visitors and members, its author included, and 200 for moderators."""
    actor = _actor(role, hidden_thread.author)
    if actor.is_authenticated:
        client.force_login(actor)
    response = client.get(hidden_thread.get_absolute_url())
    assert response.status_code == expected
    if expected == HTTPStatus.OK:
        assert hidden_thread.title in response.content.decode()


@pytest.mark.parametrize("url_name", ["forum:thread_short", "forum:thread_revisions", "forum:thread_edit"])
def test_hidden_thread_other_urls_are_404_for_members(user_client, hidden_thread, url_name):
    """The short URL, revisions and edit page of a hidden thread are 404 for a member, even its author."""
    response = user_client.get(reverse(url_name, args=[hidden_thread.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_hidden_thread_is_not_listed_for_members(client, user, hidden_thread, thread):
    """A hidden thread is left out of the home and theme listings for members."""
    client.force_login(user)
    for url in (reverse("forum:home"), hidden_thread.theme.get_absolute_url()):
        content = client.get(url).content.decode()
        assert thread.title in content
        assert hidden_thread.title not in content


@pytest.fixture
def secret_reply(thread, other_user, moderator):
    reply = ReplyFactory(thread=thread, author=other_user, body="Dit is het burgerservicenummer 123456782.")
    moderation_services.post_hide(acting_user=moderator, post=reply, reason="Persoonsgegevens")
    reply.refresh_from_db()
    return reply


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("visitor", False),
        ("unverified", False),
        ("member", False),
        ("author", False),
        ("moderator", True),
        ("administrator", True),
    ],
)
def test_hidden_reply_text_only_for_moderators(client, secret_reply, role, shown):
    """A hidden reply's text is left off the thread page for members and shown to moderators."""
    actor = _actor(role, secret_reply.author)
    if actor.is_authenticated:
        client.force_login(actor)
    response = client.get(secret_reply.thread.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert ("123456782" in response.content.decode()) is shown


@pytest.mark.parametrize(("role", "expected"), [("member", HTTPStatus.NOT_FOUND), ("moderator", HTTPStatus.FOUND)])
def test_hidden_reply_link_only_for_moderators(client, secret_reply, role, expected):
    """The permalink of a hidden reply is 404 for a member and leads a moderator to the thread."""
    client.force_login(_actor(role, secret_reply.author))
    response = client.get(secret_reply.get_absolute_url())
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("url_name", "fixture", "action", "field", "value"),
    [
        ("moderation:thread_moderate", "thread", "hide", "status", Status.HIDDEN),
        ("moderation:reply_moderate", "reply", "hide", "status", Status.HIDDEN),
        ("moderation:thread_moderate", "thread", "lock", "is_locked", True),
        ("moderation:thread_moderate", "thread", "pin", "is_pinned", True),
    ],
)
def test_moderation_is_logged_once_and_idempotent(
    request, moderator_client, moderator, url_name, fixture, action, field, value
):
    """A moderator's act changes the item and writes one log row; the same act again changes and logs nothing."""
    item = request.getfixturevalue(fixture)
    url = reverse(url_name, args=[item.pk, action])
    logs_before = ModerationLog.objects.count()

    response = moderator_client.post(url, {"reason": "Tegen de huisregels"})

    assert response.status_code == HTTPStatus.FOUND
    item.refresh_from_db()
    assert getattr(item, field) == value
    assert ModerationLog.objects.count() == logs_before + 1
    log = ModerationLog.objects.latest("pk")
    assert (log.actor, log.action, log.target_id) == (moderator, action, item.pk)
    assert log.reason == "Tegen de huisregels"

    state = _snapshot()
    response = moderator_client.post(url, {"reason": "Nog een keer"})
    assert response.status_code == HTTPStatus.FOUND
    assert _snapshot() == state


def test_hiding_a_reply_lowers_the_thread_count(moderator_client, reply):
    """Hiding a reply takes it out of the thread's published reply count."""
    moderator_client.post(reverse("moderation:reply_moderate", args=[reply.pk, "hide"]), {"reason": "Spam"})
    reply.thread.refresh_from_db()
    assert reply.thread.reply_count == 0


@pytest.mark.parametrize(
    ("url_name", "fixture", "action"),
    [
        ("moderation:thread_moderate", "thread", "delete"),
        ("moderation:thread_moderate", "thread", "HIDE"),
        ("moderation:reply_moderate", "reply", "lock"),
        ("moderation:reply_moderate", "reply", "pin"),
    ],
)
def test_unknown_moderation_action_is_404(request, moderator_client, url_name, fixture, action):
    """A moderator posting an action that does not exist gets 404 and nothing changes."""
    item = request.getfixturevalue(fixture)
    before = _snapshot()
    response = moderator_client.post(reverse(url_name, args=[item.pk, action]), {"reason": "x"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("url_name", "fixture", "args"),
    [
        ("forum:reply_create", "thread", []),
        ("moderation:thread_moderate", "thread", ["hide"]),
        ("moderation:thread_moderate", "thread", ["lock"]),
        ("moderation:reply_moderate", "reply", ["hide"]),
    ],
)
def test_get_on_post_only_url_is_405(request, moderator_client, url_name, fixture, args):
    """A GET on a URL that only takes POST is answered 405 and changes nothing."""
    item = request.getfixturevalue(fixture)
    before = _snapshot()
    response = moderator_client.get(reverse(url_name, args=[item.pk, *args]))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert _snapshot() == before


# --- the Django admin goes through the same services ------------------------

ADMIN_ACTIONS = [
    ("hide", "thread", "status", Status.HIDDEN, ModerationAction.HIDE),
    ("restore", "hidden_thread", "status", Status.PUBLISHED, ModerationAction.RESTORE),
    ("lock", "thread", "is_locked", True, ModerationAction.LOCK),
    ("unlock", "locked_thread", "is_locked", False, ModerationAction.UNLOCK),
    ("pin", "thread", "is_pinned", True, ModerationAction.PIN),
]


@pytest.mark.parametrize(("action", "fixture", "field", "value", "logged"), ADMIN_ACTIONS)
def test_admin_action_by_administrator_goes_through_services(
    request, client, administrator, action, fixture, field, value, logged
):
    """An administrator's admin action changes the thread and writes a moderation log row."""
    thread = request.getfixturevalue(fixture)
    client.force_login(administrator)
    logs_before = ModerationLog.objects.count()

    response = client.post(
        reverse("admin:forum_thread_changelist"), {"action": action, "_selected_action": [thread.pk]}
    )

    assert response.status_code == HTTPStatus.FOUND
    thread.refresh_from_db()
    assert getattr(thread, field) == value
    assert ModerationLog.objects.count() == logs_before + 1
    log = ModerationLog.objects.latest("pk")
    assert (log.actor, log.action, log.target_id) == (administrator, logged, thread.pk)
    assert messages.SUCCESS in [message.level for message in get_messages(response.wsgi_request)]


@pytest.fixture
def staff_without_moderation(db):
    """Staff who may see and change threads in the admin but lack the moderator role."""
    member = UserFactory(is_staff=True)
    member.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="forum", codename__in=["view_thread", "change_thread"])
    )
    return member


@pytest.mark.parametrize(("action", "fixture", "field", "value", "logged"), ADMIN_ACTIONS)
def test_admin_action_by_staff_without_moderator_role_changes_nothing(
    request, client, staff_without_moderation, action, fixture, field, value, logged
):
    """Staff without the moderator role get an error message from an admin action and nothing changes."""
    thread = request.getfixturevalue(fixture)
    client.force_login(staff_without_moderation)
    before = _snapshot()

    response = client.post(
        reverse("admin:forum_thread_changelist"), {"action": action, "_selected_action": [thread.pk]}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert _snapshot() == before
    levels = [message.level for message in get_messages(response.wsgi_request)]
    assert messages.ERROR in levels
    assert messages.SUCCESS not in levels


def test_admin_action_of_a_theme_moderator_acts_in_their_theme_and_leaves_the_rest(client, theme, settings):
    """Selected threads in the moderator's theme are hidden; the others are left alone, and the message says so."""
    from .factories import ModeratorFactory, ThemeFactory, ThreadFactory

    settings.LANGUAGE_CODE = "en"
    moderator = ModeratorFactory(is_staff=True)
    moderator.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="forum", codename__in=["view_thread", "change_thread"])
    )
    theme.moderators.add(moderator)
    mine, elsewhere = ThreadFactory(theme=theme), ThreadFactory(theme=ThemeFactory())
    client.force_login(moderator)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("admin:forum_thread_changelist"), {"action": "hide", "_selected_action": [mine.pk, elsewhere.pk]}
    )
    assert response.status_code == HTTPStatus.FOUND
    mine.refresh_from_db()
    elsewhere.refresh_from_db()
    assert mine.is_hidden
    assert not elsewhere.is_hidden
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert "1 item was left alone: you may not moderate it." in texts
    assert "1 item hidden." in texts


def test_admin_reply_hide_by_administrator_is_logged(client, administrator, reply):
    """Hiding a reply from the admin hides it, lowers the count and writes one log row."""
    client.force_login(administrator)
    response = client.post(reverse("admin:forum_reply_changelist"), {"action": "hide", "_selected_action": [reply.pk]})
    assert response.status_code == HTTPStatus.FOUND
    reply.refresh_from_db()
    assert reply.is_hidden
    assert reply.hidden_by == administrator
    logs = ModerationLog.objects.filter(action=ModerationAction.HIDE, target_id=reply.pk, actor=administrator)
    assert logs.count() == 1


def _admin_change_data(thread, **changes):
    data = {
        "theme": thread.theme_id,
        "title": thread.title,
        "body": thread.body,
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


def test_admin_edit_of_thread_text_goes_through_services(client, administrator, thread):
    """An administrator's edit in the admin is shown on the site, keeps a revision and is logged."""
    client.force_login(administrator)
    response = client.post(
        reverse("admin:forum_thread_change", args=[thread.pk]),
        _admin_change_data(thread, body="Door de beheerder **aangepast**."),
    )
    assert response.status_code == HTTPStatus.FOUND
    thread.refresh_from_db()
    assert thread.body == "Door de beheerder **aangepast**."
    content = client.get(thread.get_absolute_url()).content.decode()
    assert "<strong>aangepast</strong>" in content
    assert Revision.objects.filter(thread=thread, body="Wat vinden jullie hiervan?").count() == 1
    logs = ModerationLog.objects.filter(action=ModerationAction.EDIT, target_id=thread.pk, actor=administrator)
    assert logs.count() == 1


def test_admin_edit_by_staff_without_moderator_role_changes_nothing(client, staff_without_moderation, thread):
    """Staff without the moderator role cannot change a member's thread through the admin form."""
    client.force_login(staff_without_moderation)
    before = _snapshot()
    response = client.post(
        reverse("admin:forum_thread_change", args=[thread.pk]), _admin_change_data(thread, body="Overschreven.")
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert _snapshot() == before
