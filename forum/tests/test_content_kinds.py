"""Kinds of content are a ContentKind in the code; the Dutch words are only in the addresses."""

import pytest
from django.urls import NoReverseMatch, resolve, reverse

from forum.models import ContentKind, Reply, Thread
from moderation.models import Report


@pytest.mark.parametrize(
    ("kind", "word"), [(ContentKind.THREAD, "discussie"), (ContentKind.REPLY, "reactie"), (ContentKind.MEMBER, "lid")]
)
def test_report_decision_address_has_the_word_and_the_view_gets_the_kind(kind, word):
    url = reverse("moderation:report_decide", args=[kind, 7, "uphold"])
    assert url == f"/moderatie/{word}/7/uphold/"
    match = resolve(url)
    assert match.kwargs["kind"] is kind


def test_held_decision_takes_posts_only():
    assert (
        reverse("moderation:held_decide", args=[ContentKind.REPLY, 3, "approve"])
        == "/moderatie/wachtend/reactie/3/approve/"
    )
    assert resolve("/moderatie/wachtend/discussie/3/approve/").kwargs["kind"] is ContentKind.THREAD
    with pytest.raises(NoReverseMatch):
        reverse("moderation:held_decide", args=[ContentKind.MEMBER, 3, "approve"])
    with pytest.raises(NoReverseMatch):  # the word is no kind
        reverse("moderation:held_decide", args=["reactie", 3, "approve"])


def test_each_post_model_and_report_says_its_kind():
    assert Thread.content_kind == ContentKind.THREAD and Reply.content_kind == ContentKind.REPLY
    assert Report(thread_id=1).target_kind == ContentKind.THREAD
    assert Report(reply_id=1).target_kind == ContentKind.REPLY
    assert Report(member_id=1).target_kind == ContentKind.MEMBER
