from http import HTTPStatus

from django.urls import reverse

from accounts.standing import standing_of


def test_thread_page_shows_reply(client, reply):
    response = client.get(reply.thread.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert reply.body in response.content.decode()


def test_moderator_has_role(moderator, user):
    from accounts.permissions import is_moderator

    assert is_moderator(standing_of(moderator)) is True
    assert is_moderator(standing_of(user)) is False


def test_home(client, thread):
    assert thread.title in client.get(reverse("forum:home")).content.decode()
