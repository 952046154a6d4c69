"""The results page, the search box in every page's header and the similar discussions of the new-thread form."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organisation
from forum.models import Tag
from forum.tests.factories import ReplyFactory, ThemeFactory, ThreadFactory, UserFactory

URL = reverse("search:results")

# What people type, or paste, into a search box: syntax of PostgreSQL's tsquery and of SQLite's
# FTS5, a NUL byte, unicode, far too much.
BAD_INPUT = [
    "",
    "   ",
    "de het een",
    '"de het"',
    "a" * 10_000,
    "woord " * 2_000,
    '"',
    '""',
    '"open',
    "&|!:*()<->",
    "open & data | !participatie",
    "ambtenaar:*",
    "(ambtenaar",
    "<->",
    "ambtenaar <-> data",
    "NEAR(ambtenaar data, 5)",
    "ambtenaar AND data",
    "ambtenaar OR NOT data",
    "ambtenaar NOT",
    "^ambtenaar",
    "-ambtenaar",
    "ambtenaar*",
    "title:ambtenaar",
    "{title body}: data",
    "nul\x00byte",
    "\x00",
    "emoji 🙂 ½ ﬁnanciën",
    "ﾟ･✿ヾ╲(｡◕‿◕｡)╱✿･ﾟ",
    "Ελληνικά 中文 العربية",
    "\u202eomgekeerd",
    "'; DROP TABLE search_entry; --",
]


@pytest.fixture
def seeded(db):
    theme = ThemeFactory(name="Sociale media", slug="sociale-media")
    author = UserFactory(display_name="Annet Schrijver")
    thread = ThreadFactory(theme=theme, author=author, title="Ruimte voor meningsuiting", body="Wat vinden ambtenaren?")
    for number in range(3):
        ReplyFactory(thread=thread, author=UserFactory(), body=f"Ambtenaren mogen meer zeggen, reactie {number}.")
    return thread


@pytest.mark.parametrize("typed", BAD_INPUT, ids=range(len(BAD_INPUT)))
def test_any_input_gives_a_results_page(client, seeded, typed):
    response = client.get(URL, {"q": typed, "page": "x"})
    assert response.status_code == HTTPStatus.OK


def test_control_characters_are_left_out_of_the_search(client, seeded):
    response = client.get(URL, {"q": "menings\x00uitingen\x1b"})
    assert not response.context["form"].errors
    assert [hit.url for hit in response.context["hits"]] == [seeded.get_absolute_url()]


@pytest.mark.parametrize("typed", ["de het een", '"de"'])
def test_only_common_words_say_so(client, seeded, typed):
    response = client.get(URL, {"q": typed})
    assert response.context["query"].only_common_words
    assert "alleen veelvoorkomende woorden" in response.content.decode()


def test_a_long_search_says_only_its_beginning_was_searched(client, seeded):
    response = client.get(URL, {"q": "meningsuiting " + "de " * 5_000})
    assert response.context["query"].was_cut
    assert [hit.thread_title for hit in response.context["hits"]]


def test_the_page_shows_the_matching_passage_marked(client, seeded):
    response = client.get(URL, {"q": "meningsuitingen"})
    hits = response.context["hits"]
    assert len(hits) == 1
    assert ("meningsuiting", True) in hits[0].thread_title.pieces
    assert "<mark>meningsuiting</mark>" in response.content.decode()
    assert hits[0].url == seeded.get_absolute_url()


def test_member_text_in_a_passage_is_escaped(client, seeded):
    ThreadFactory(
        theme=seeded.theme, author=seeded.author, title="Code", body="Als a < b & c > d, schrijf dan `<script>` niet."
    )
    response = client.get(URL, {"q": "schrijf"})
    content = response.content.decode()
    assert len(response.context["hits"]) == 1
    assert "a &lt; b &amp; c &gt; d" in content
    assert "<script>" not in content


def test_invalid_filters_are_shown_and_narrow_nothing(client, seeded):
    response = client.get(URL, {"q": "ambtenaren", "since": "gisteren", "author": "niemand", "theme": "bestaat-niet"})
    assert response.status_code == HTTPStatus.OK
    assert set(response.context["form"].errors) == {"since", "author", "theme"}
    assert len(response.context["hits"]) == 4


def test_filters_and_pages_stay_in_the_page_links(client, seeded, settings):
    for number in range(25):
        ReplyFactory(thread=seeded, author=seeded.author, body=f"Nog een ambtenaar, nummer {number}.")
    response = client.get(URL, {"q": "ambtenaar", "theme": "sociale-media", "sort": "date"})
    page = response.context["page_obj"]
    assert page.paginator.count == 29 and len(response.context["hits"]) == 20
    assert "theme=sociale-media" in response.context["extra_query"]
    second = client.get(URL, {"q": "ambtenaar", "theme": "sociale-media", "sort": "date", "page": 2})
    assert len(second.context["hits"]) == 9


def test_a_visitor_is_offered_no_members_only_theme(client, seeded):
    closed = ThemeFactory(name="Intern", slug="intern", is_members_only=True)
    response = client.get(URL, {"q": "ambtenaren", "theme": "intern"})
    assert "theme" in response.context["form"].errors
    assert closed not in response.context["form"].fields["theme"].queryset
    client.force_login(UserFactory())
    response = client.get(URL, {"q": "ambtenaren", "theme": "intern"})
    assert not response.context["form"].errors


def test_the_tag_filter_takes_a_tag_the_searcher_can_read(client, seeded):
    tag = Tag.objects.create(name="meningsuiting", slug="meningsuiting")
    seeded.tags.add(tag)
    response = client.get(URL, {"q": "ambtenaren", "tag": "Meningsuiting"})
    assert not response.context["form"].errors and len(response.context["hits"]) == 4
    unknown = client.get(URL, {"q": "ambtenaren", "tag": "bestaat-niet"})
    assert "tag" in unknown.context["form"].errors


def test_members_and_organisations_are_found_on_the_same_page(client, seeded):
    organisation = Organisation.objects.create(name="Gemeente Schrijverslanden", kind=Organisation.Kind.GEMEENTE)
    member = UserFactory()
    client.force_login(member)
    response = client.get(URL, {"q": "Schrijver"})
    assert [found.display_name for found in response.context["members"]] == ["Annet Schrijver"]
    assert response.context["organisations"] == [organisation]


def test_the_results_page_costs_a_fixed_number_of_queries(client, seeded):
    Organisation.objects.create(name="Ambtenarenpanel", kind=Organisation.Kind.OTHER)
    client.force_login(UserFactory())
    client.get(URL, {"q": "ambtenaren"})  # the session and the terms are read once
    for number in range(30):
        ReplyFactory(thread=seeded, author=UserFactory(), body=f"Ambtenaren nummer {number}.")
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, {"q": "ambtenaren", "theme": "sociale-media", "capacity": "personal"})
    assert len(response.context["hits"]) == 20
    assert len(context.captured_queries) <= 12, "\n".join(query["sql"] for query in context.captured_queries)


def test_every_page_has_the_search_box(client, seeded):
    for url in ("/", seeded.get_absolute_url(), reverse("accounts:terms")):
        response = client.get(url)
        form = response.content.decode()
        assert f'action="{URL}"' in form and 'name="q"' in form


def test_the_check_button_shows_similar_discussions_and_keeps_what_was_written(client, seeded):
    client.force_login(UserFactory())
    url = reverse("forum:thread_create", args=[seeded.theme.slug])
    response = client.post(url, {"title": "Meningsuitingen van ambtenaren", "body": "Mijn tekst", "check": "1"})
    assert response.status_code == HTTPStatus.OK
    assert list(response.context["similar"]) == [seeded]
    assert response.context["form"]["body"].value() == "Mijn tekst"
    assert not response.context["form"].errors
    assert seeded.get_absolute_url() in response.content.decode()
    assert not seeded.theme.threads.exclude(pk=seeded.pk).exists()  # nothing was published


def test_similar_discussions_follow_the_title_with_htmx(client, seeded):
    client.force_login(UserFactory())
    form = client.get(reverse("forum:thread_create", args=[seeded.theme.slug]))
    assert f'data-hx-get="{reverse("forum:similar_threads")}"' in form.content.decode()
    response = client.get(reverse("forum:similar_threads"), {"title": "meningsuiting"}, headers={"HX-Request": "true"})
    assert list(response.context["similar"]) == [seeded]
    nothing = client.get(reverse("forum:similar_threads"), {"title": "fietsenstalling"})
    assert list(nothing.context["similar"]) == []
