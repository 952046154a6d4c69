"""
A member's standing (``accounts.standing``): one frozen object per request, read by every
permission function, and nothing written onto the User.
"""

import dataclasses

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from accounts import permissions, selectors, services
from accounts.models import SiteSettings, User
from accounts.standing import ACCEPTED_TERMS_SESSION_KEY, Standing, annotation_names, request_standing, standing_of
from forum.tests.factories import ModeratorFactory, ThreadFactory, UserFactory, add_totp

pytestmark = pytest.mark.django_db

# What Django itself keeps on a model instance (its state, the permission caches of ModelBackend).
DJANGOS_OWN = {"_state", "_perm_cache", "_user_perm_cache", "_group_perm_cache", "backend"}


def test_a_member_page_has_one_standing_and_nothing_on_the_user(client):
    member = UserFactory()
    client.force_login(member)
    thread = ThreadFactory()
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    request = response.wsgi_request
    assert isinstance(request.standing, Standing) and request.standing.user is request.user
    assert response.context["standing"] is request.standing  # the templates read the same one
    fields = {field.attname for field in User._meta.concrete_fields}
    assert set(vars(request.user)) - fields - set(annotation_names()) <= DJANGOS_OWN  # the query's own columns


def test_the_standing_cannot_be_changed():
    standing = standing_of(AnonymousUser())
    with pytest.raises(dataclasses.FrozenInstanceError):
        standing.user = UserFactory()


def test_a_visitor_may_do_nothing():
    standing = standing_of(AnonymousUser())
    assert not standing.is_member and not standing.is_moderator and not standing.verified_email
    assert not permissions.can_post(standing)


def test_one_definition_of_a_moderator_the_role_and_two_step_verification_when_required():
    moderator = ModeratorFactory(role=False)
    moderator.groups.add(*ModeratorFactory().groups.all())  # the role, without two-step verification
    settings = SiteSettings.current()
    assert standing_of(moderator).holds_moderator_role
    assert not standing_of(moderator).is_moderator
    settings.mfa_required_for_staff = False
    settings.save()
    assert standing_of(moderator).is_moderator
    settings.mfa_required_for_staff = True
    settings.save()
    add_totp(moderator)
    assert standing_of(moderator).is_moderator


def test_a_standing_is_itself_and_a_member_gets_theirs():
    member = UserFactory()
    standing = standing_of(member)
    assert standing_of(standing) is standing  # read code takes a member or a standing
    assert standing.is_member and standing.user == member


def test_the_terms_accepted_in_the_session_are_not_asked_again(client, django_assert_num_queries):
    """Once a page found the current terms accepted, the session says so: the next pages ask nothing."""
    terms = selectors.terms_current() or services.terms_publish(version=1, title="Voorwaarden", body="Tekst.")
    member = UserFactory()
    services.terms_accept(member=member, terms=terms)
    client.force_login(member)
    request = client.get(reverse("forum:home")).wsgi_request
    assert request.session[ACCEPTED_TERMS_SESSION_KEY] == terms.version
    with django_assert_num_queries(0):
        assert request_standing(request).terms_accepted
    with django_assert_num_queries(1):
        assert standing_of(member).terms_accepted  # outside a request: asked


def test_the_next_pages_leave_the_session_unsaved(client):
    """The terms found accepted are written into the session once, not saved again on every page."""
    terms = selectors.terms_current() or services.terms_publish(version=1, title="Voorwaarden", body="Tekst.")
    member = UserFactory()
    services.terms_accept(member=member, terms=terms)
    client.force_login(member)
    assert client.get(reverse("forum:home")).wsgi_request.session.modified  # the first page remembers them
    request = client.get(reverse("forum:home")).wsgi_request
    assert request.session[ACCEPTED_TERMS_SESSION_KEY] == terms.version
    assert not request.session.modified
