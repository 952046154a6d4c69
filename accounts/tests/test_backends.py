"""
The logged-in member is loaded with the answers of their standing (``accounts.backends``,
``UserQuerySet.with_standing``): the ``Standing`` made of the member's own query is the one a
query of its own gives, and its answers are what each check's own query says.
"""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import permissions, standing_parts
from accounts.backends import ModelBackend
from accounts.models import AccountDelegate, User
from accounts.standing import standing_of
from forum.tests.factories import (
    ModeratorFactory,
    ReplyFactory,
    ThemeFactory,
    ThreadFactory,
    UnverifiedUserFactory,
    UserFactory,
    add_totp,
)
from notifications.models import Notification

pytestmark = pytest.mark.django_db

# Tables the checks would ask about, each with a query of its own, were the standing not loaded.
STANDING_TABLES = (
    "account_emailaddress",
    "auth_permission",
    "mfa_authenticator",
    "accounts_accountdelegate",
    "notifications_notification",
    "forum_theme_moderators",
)


def fresh(user):
    """The member as the backend loads them for a request."""
    return ModelBackend().get_user(user.pk)


def unread(member, count):
    thread = ThreadFactory()
    for _ in range(count):
        Notification.objects.create(recipient=member, kind="mention", target=thread)


def answers(standing):
    return {
        name: getattr(standing, name)
        for name in (
            "verified_email",
            "holds_moderator_role",
            "is_moderator",
            "moderated_theme_ids",
            "two_factor",
            "has_organisation_accounts",
        )
    }


def test_the_standing_is_what_the_checks_would_ask_the_database():
    members = {
        "verified": UserFactory(),
        "unverified": UnverifiedUserFactory(),
        "moderator": ModeratorFactory(),
        "moderator without two-factor": ModeratorFactory(role=False),
        "permission of their own": UserFactory(),
        "theme moderator": ModeratorFactory(),
        "delegate": UserFactory(),
    }
    members["moderator without two-factor"].groups.add(*ModeratorFactory().groups.all())
    members["permission of their own"].user_permissions.add(
        Permission.objects.get(content_type__app_label="forum", codename="moderate_forum")
    )
    add_totp(members["permission of their own"])
    theme = ThemeFactory()
    theme.moderators.add(members["theme moderator"])
    account = UserFactory(is_organisation_account=True)
    AccountDelegate.objects.create(account=account, member=members["delegate"])
    unread(members["verified"], 3)
    # An address no longer the member's own does not count as verified.
    changed = UserFactory()
    User.objects.filter(pk=changed.pk).update(email="nieuw@example.nl")
    members["changed address"] = changed

    for name, member in members.items():
        loaded = standing_of(fresh(member))  # from the answers the member's own query brought
        plain = standing_of(User.objects.get(pk=member.pk))  # asked in a query of its own
        asked = User.objects.get(pk=member.pk)  # and each check's own query
        assert answers(loaded) == answers(plain), name
        assert (
            loaded.verified_email
            == EmailAddress.objects.filter(user=asked, verified=True, email__iexact=asked.email).exists()
        ), name
        assert loaded.holds_moderator_role == asked.has_perm(permissions.MODERATE_PERMISSION), name
        assert loaded.moderated_theme_ids == frozenset(asked.moderated_themes.values_list("pk", flat=True)), name
        assert loaded.two_factor == Authenticator.objects.filter(user=asked, type=Authenticator.Type.TOTP).exists(), (
            name
        )
        assert list(permissions.organisation_accounts_for(loaded)) == list(
            User.objects.filter(is_organisation_account=True, is_active=True, delegations__member=asked)
            if permissions.can_post(plain)
            else []
        ), name
        assert loaded.part("unread_notifications") == asked.notifications.unread().count(), name

    assert permissions.has_verified_email(standing_of(fresh(members["verified"])))
    assert not permissions.has_verified_email(standing_of(fresh(members["unverified"])))
    assert not permissions.has_verified_email(standing_of(fresh(changed)))
    assert permissions.is_moderator(standing_of(fresh(members["moderator"])))
    assert not permissions.is_moderator(standing_of(fresh(members["moderator without two-factor"])))
    assert permissions.holds_moderator_role(standing_of(fresh(members["moderator without two-factor"])))
    assert permissions.is_moderator(standing_of(fresh(members["permission of their own"])))
    assert permissions.moderated_theme_ids(standing_of(fresh(members["theme moderator"]))) == {theme.pk}
    assert list(permissions.organisation_accounts_for(standing_of(fresh(members["delegate"])))) == [account]
    assert standing_of(fresh(members["verified"])).part("unread_notifications") == 3


def test_an_inactive_member_is_not_loaded():
    member = UserFactory(is_active=False)
    assert fresh(member) is None
    assert ModelBackend().get_user(10**9) is None
    for broken in ("abc", "\x00", "1; DROP TABLE accounts_user", None):  # a session holding anything else
        assert ModelBackend().get_user(broken) is None
    assert ModelBackend().get_user(str(UserFactory().pk)) is not None  # sessions keep the id as text


def test_a_member_page_asks_nothing_about_the_member_beyond_their_own_query(client):
    member = UserFactory()
    EmailAddress.objects.filter(user=member).update(verified=True)
    reply = ReplyFactory()
    unread(member, 2)
    client.force_login(member)
    url = reply.thread.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert 'id="reageren"' in response.content.decode()  # the reply form: the member may post
    member_query, *others = [query["sql"] for query in captured.captured_queries if "accounts_user" in query["sql"]]
    asked_again = [sql for sql in captured.captured_queries if any(table in sql["sql"] for table in STANDING_TABLES)]
    assert [query["sql"] for query in asked_again] == [member_query]


def test_the_bell_counts_again_after_marking_read_in_the_same_request(client):
    """The count came with the member; marking read during the request must not leave it stale."""
    member = UserFactory()
    unread(member, 2)
    client.force_login(member)
    assert '<span class="notification-count">2</span>' in client.get(reverse("notifications:list")).content.decode()
    first = Notification.objects.filter(recipient=member).first()
    response = client.post(reverse("notifications:mark_read", args=[first.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert '<span class="notification-count">1</span>' in response.content.decode()
    response = client.post(reverse("notifications:mark_all_read"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'data-hx-swap-oob="outerHTML:.notification-bell"' in response.content.decode()
    assert "notification-count" not in response.content.decode()


def test_the_apps_above_add_their_part_of_the_standing_once():
    """The forum adds the moderator's scope, notifications the unread count, once each; accounts imports neither."""
    with pytest.raises(ImproperlyConfigured):
        standing_parts.register_moderation_scope(lambda member: None)
    with pytest.raises(ImproperlyConfigured):
        standing_parts.register("unread_notifications", expression=lambda member: None)
