"""
Search quality with a small Dutch corpus, on whichever database the suite runs (CI runs it on
SQLite and on PostgreSQL): stems, accents, synonyms, phrases, ranking, and only what the searcher
may read.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Organisation
from accounts.privacy import member_close_account
from forum import services
from forum.choices import Capacity
from forum.models import Tag
from forum.tests.factories import ModeratorFactory, ReplyFactory, ThemeFactory, ThreadFactory, UserFactory
from moderation import services as moderation
from search import selectors
from search.models import Entry, Synonym
from search.selectors import Filters, Sort


def found(text, viewer=None, **options):
    """The titles of the threads found for ``text`` (replies by their thread's title and "reply")."""
    query = selectors.parse_query(text)
    entries = selectors.search(query, viewer, **options)
    return [f"{entry.thread.title} (reply)" if entry.reply_id else entry.thread.title for entry in entries]


@pytest.fixture
def corpus(db):
    theme = ThemeFactory(name="Sociale media")
    author = UserFactory(display_name="Annet Schrijver")
    threads = {
        "rob": ThreadFactory(
            theme=theme,
            author=author,
            title="Vergroot ruimte van meningsuiting",
            body="De Raad voor het openbaar bestuur wil meer ruimte voor het debat.",
        ),
        "financien": ThreadFactory(
            theme=theme, author=author, title="Gemeentelijke begroting", body="Hoe staat het met de financien?"
        ),
        "woo": ThreadFactory(
            theme=theme, author=author, title="Informatieverzoeken", body="Ervaringen met de Wet open overheid."
        ),
        "twitter": ThreadFactory(theme=theme, author=author, title="Een ambtenaar op Twitter", body="Mag dat?"),
        "title": ThreadFactory(
            theme=theme, author=author, title="Participatie in de wijk", body="Bewoners praten mee."
        ),
        "body": ThreadFactory(
            theme=theme, author=author, title="Open data", body="Data openen helpt participatie van bewoners."
        ),
        "scattered": ThreadFactory(
            theme=theme, author=author, title="Het register", body="Deze data staan nog niet open voor iedereen."
        ),
    }
    return threads


def test_a_plural_finds_the_singular(corpus):
    assert "Een ambtenaar op Twitter" in found("ambtenaren")


def test_a_stemmed_word_finds_its_other_forms(corpus):
    assert found("meningsuitingen") == ["Vergroot ruimte van meningsuiting"]


def test_accents_do_not_matter(corpus):
    assert found("financiën") == ["Gemeentelijke begroting"]
    thread = ThreadFactory(theme=corpus["rob"].theme, author=corpus["rob"].author, title="Financiën 2027", body="x")
    assert thread.title in found("financien")


def test_a_title_match_ranks_above_a_text_match(corpus):
    assert found("participatie") == ["Participatie in de wijk", "Open data"]


def test_words_in_quotes_are_a_phrase(corpus):
    assert found('"open data"') == ["Open data"]
    assert set(found("open data")) >= {"Open data", "Het register"}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Rob", "Vergroot ruimte van meningsuiting"),
        ("rob debat", "Vergroot ruimte van meningsuiting"),
        ("Woo", "Informatieverzoeken"),
        ('"Wet open overheid"', "Informatieverzoeken"),
    ],
)
def test_jargon_is_found_by_either_form(corpus, typed, expected):
    assert expected in found(typed)


def test_a_spelled_out_search_finds_the_abbreviation(corpus):
    thread = ThreadFactory(theme=corpus["woo"].theme, author=corpus["woo"].author, title="Woo-verzoek", body="Termijn?")
    assert thread.title in found("wet open overheid")


def test_synonyms_added_in_the_admin_apply_at_once(corpus):
    assert found("BZK") == []
    Synonym.objects.create(term="BZK", meaning="Raad voor het openbaar bestuur")
    assert found("BZK") == ["Vergroot ruimte van meningsuiting"]


def test_replies_are_found_and_lead_to_their_thread(corpus):
    ReplyFactory(thread=corpus["twitter"], author=UserFactory(), body="Denk aan de gedragscode integriteit.")
    assert found("gedragscode") == ["Een ambtenaar op Twitter (reply)"]


def test_an_edit_is_found_and_the_old_text_no_longer(corpus):
    thread = corpus["twitter"]
    services.thread_edit(acting_user=thread.author, thread=thread, title=thread.title, body="Over sociale netwerken.")
    assert found("netwerken") == ["Een ambtenaar op Twitter"]
    assert "Een ambtenaar op Twitter" not in found("mag")


def test_hidden_posts_are_found_by_moderators_only(corpus):
    moderator = ModeratorFactory()
    member = UserFactory()
    reply = ReplyFactory(thread=corpus["woo"], author=member, body="Vertrouwelijk memorandum.")
    moderation.post_hide(acting_user=moderator, post=corpus["twitter"], reason="Spam")
    moderation.post_hide(acting_user=moderator, post=reply, reason="Spam")
    assert found("twitter", member) == []
    assert found("memorandum", member) == []
    assert found("twitter") == []  # a visitor
    assert found("twitter", moderator) == ["Een ambtenaar op Twitter"]
    assert found("memorandum", moderator) == ["Informatieverzoeken (reply)"]
    moderation.post_restore(acting_user=moderator, post=corpus["twitter"])
    assert found("twitter", member) == ["Een ambtenaar op Twitter"]


def test_replies_in_a_hidden_thread_are_not_found(corpus):
    moderator = ModeratorFactory()
    ReplyFactory(thread=corpus["twitter"], author=UserFactory(), body="Een reactie over gedragscodes.")
    moderation.post_hide(acting_user=moderator, post=corpus["twitter"], reason="Spam")
    assert found("gedragscode", UserFactory()) == []


def test_members_only_themes_are_found_by_members_only(corpus):
    closed = ThemeFactory(name="Intern", is_members_only=True)
    thread = ThreadFactory(theme=closed, author=UserFactory(), title="Intern overleg", body="Over roosters.")
    ReplyFactory(thread=thread, author=UserFactory(), body="Roosters en diensten.")
    assert found("roosters") == []  # a visitor
    assert sorted(found("roosters", UserFactory())) == ["Intern overleg", "Intern overleg (reply)"]
    assert selectors.similar_threads("roosters", None) == []


def test_held_posts_are_found_once_approved(corpus):
    theme = ThemeFactory(is_premoderated=True)
    author = UserFactory()
    moderator = ModeratorFactory()
    thread = services.thread_create(author=author, theme=theme, title="Wachtende vraag", body="Over archivering.")
    assert thread.is_held
    assert found("archivering", UserFactory()) == []
    assert found("archivering", moderator) == ["Wachtende vraag"]
    moderation.post_approve(acting_user=moderator, post=thread)
    assert found("archivering", UserFactory()) == ["Wachtende vraag"]


def test_a_moved_thread_is_found_under_its_new_theme(corpus):
    other = ThemeFactory(name="Informatiebeheer")
    moderation.thread_move(acting_user=ModeratorFactory(), thread=corpus["woo"], theme=other)
    assert found("woo", filters=Filters(theme=other)) == ["Informatieverzoeken"]
    assert found("woo", filters=Filters(theme=corpus["rob"].theme)) == []


def test_an_erased_members_mention_is_not_found(corpus):
    named = UserFactory(display_name="Pieternel Zoekbaar")
    ReplyFactory(thread=corpus["twitter"], author=UserFactory(), body="Vraag het @Pieternel Zoekbaar eens.")
    assert found("Pieternel") == ["Een ambtenaar op Twitter (reply)"]
    member_close_account(member=named)
    assert found("Pieternel") == []
    assert found("Zoekbaar") == []
    assert selectors.members_named("Pieternel", ModeratorFactory()) == []


def test_members_and_organisations_are_found_by_name(corpus):
    organisation = Organisation.objects.create(name="Gemeente Zoetermeer", kind=Organisation.Kind.GEMEENTE)
    member = UserFactory(display_name="Zoë Zoetermeer")
    assert selectors.members_named("Zoë", member) == [member]
    assert selectors.members_named("Zoë", None) == []  # visitors do not see the directory
    assert selectors.organisations_named("zoetermeer") == [organisation]


def test_filters_narrow_the_results(corpus):
    author = UserFactory()
    organisation = Organisation.objects.create(name="Provincie Utrecht", kind=Organisation.Kind.PROVINCIE)
    author.organisation = organisation
    author.save()
    old = timezone.now() - timedelta(days=400)
    ReplyFactory(thread=corpus["body"], author=author, body="Participatie werkt.", created_at=old)
    assert found("participatie", filters=Filters(author=author)) == ["Open data (reply)"]
    assert found("participatie", filters=Filters(organisation=organisation)) == ["Open data (reply)"]
    assert found("participatie", filters=Filters(capacity=Capacity.FUNCTION)) == []
    until = (old + timedelta(days=1)).date()
    assert found("participatie", filters=Filters(until=until)) == ["Open data (reply)"]
    assert "Open data (reply)" not in found("participatie", filters=Filters(since=until))


def test_a_tag_narrows_to_the_threads_carrying_it_and_their_replies(corpus):
    tag = Tag.objects.create(name="open data", slug="open-data")
    corpus["body"].tags.add(tag)
    ReplyFactory(thread=corpus["body"], author=UserFactory(), body="Meer data graag.")
    assert sorted(found("data", filters=Filters(tag=tag))) == ["Open data", "Open data (reply)"]


def test_sorted_by_date_the_newest_comes_first(corpus):
    newest = ThreadFactory(
        theme=corpus["body"].theme, author=UserFactory(), title="Nieuw", body="Iets over data, lang na de andere."
    )
    assert found("data", sort=Sort.DATE)[0] == newest.title
    assert found("data", sort=Sort.RELEVANCE)[0] != newest.title


def test_reindexing_builds_the_same_index(corpus):
    ReplyFactory(thread=corpus["twitter"], author=UserFactory(), body="Denk aan de gedragscode.")
    before = found("data") + found("gedragscode") + found("woo")
    Entry.objects.all().delete()
    assert found("data") == []
    call_command("search_reindex")
    assert found("data") + found("gedragscode") + found("woo") == before
    assert Entry.objects.count() == len(corpus) + 1


def test_similar_discussions_match_any_word_of_the_title(corpus):
    titles = [thread.title for thread in selectors.similar_threads("Wat mag een ambtenaar op Twitter?", None)]
    assert titles[0] == "Een ambtenaar op Twitter"
    assert len(selectors.similar_threads("data participatie open wijk register ruimte", None)) == 5
    assert selectors.similar_threads("de het een", None) == []
