"""forum.viewed: the signed cookie of the threads a visitor was counted for."""

from django.http import HttpResponse
from django.test import RequestFactory

from forum.viewed import COOKIE, KEPT, ViewedThreads


def carried(viewed):
    """What the browser sends back after ``viewed`` was saved on a response."""
    response = HttpResponse()
    viewed.save(response)
    request = RequestFactory().get("/")
    if COOKIE in response.cookies:
        request.COOKIES[COOKIE] = response.cookies[COOKIE].value
    return ViewedThreads(request), response


def test_the_threads_come_back_with_the_cookie_and_only_the_last_ones_are_kept():
    viewed = ViewedThreads()
    for thread_id in range(1, KEPT + 2):
        viewed.add(thread_id)
    back, response = carried(viewed)
    assert 1 not in back and 2 in back and KEPT + 1 in back
    assert response.cookies[COOKIE]["httponly"] and response.cookies[COOKIE]["samesite"] == "Lax"


def test_nothing_added_sets_no_cookie():
    viewed = ViewedThreads()
    viewed.add(7)
    back, _response = carried(viewed)
    back.add(7)
    _again, response = carried(back)
    assert COOKIE not in response.cookies


def test_a_forged_or_broken_cookie_counts_as_none():
    for value in ("1,2,3", "", "\x00", "<script>:x:y", "a" * 5000):
        request = RequestFactory().get("/")
        request.COOKIES[COOKIE] = value
        viewed = ViewedThreads(request)
        assert 1 not in viewed and 10 not in viewed
