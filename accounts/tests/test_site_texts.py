"""
The site's own pages (the privacy statement, the terms) have an English text that administrators
write in the admin, shown to English readers; while it is empty they read the Dutch text.
"""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import TermsVersion
from forum.models import Page

PRIVACY = "privacyverklaring"


@pytest.fixture
def privacy(db):
    page, _created = Page.objects.update_or_create(
        slug=PRIVACY, defaults={"title": "Privacyverklaring", "body": "We bewaren *weinig*."}
    )
    return page


@pytest.fixture
def terms(db):
    TermsVersion.objects.all().delete()
    return services.terms_publish(version=1, title="Algemene voorwaarden", body="Wees *aardig*.")


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def admin_client_en(client, administrator, terms):
    services.terms_accept(member=administrator, terms=terms)
    client.force_login(administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page_html(client):
    return client.get(reverse("forum:page", kwargs={"slug": PRIVACY})).content.decode()


def test_english_readers_read_the_english_privacy_statement(english, privacy):
    privacy.title_en, privacy.body_en = "Privacy statement", "We keep *little*."
    privacy.save()
    html = page_html(english)
    assert "<h1>Privacy statement</h1>" in html
    assert '<div class="post-body">' in html
    assert "We keep <em>little</em>." in html
    assert "We bewaren" not in html


def test_dutch_readers_read_the_dutch_privacy_statement(client, privacy):
    privacy.title_en, privacy.body_en = "Privacy statement", "We keep *little*."
    privacy.save()
    html = page_html(client)
    assert "<h1>Privacyverklaring</h1>" in html
    assert "We bewaren <em>weinig</em>." in html
    assert "We keep" not in html


def test_without_an_english_text_english_readers_read_the_dutch_one_marked_as_dutch(english, privacy):
    html = page_html(english)
    assert '<h1 lang="nl">Privacyverklaring</h1>' in html
    assert '<div class="post-body" lang="nl">' in html
    assert "We bewaren <em>weinig</em>." in html


def test_english_readers_read_the_english_terms(english, terms, user):
    terms.title_en, terms.body_en = "Terms and conditions", "Be *kind*."
    terms.save()
    html = english.get(reverse("accounts:terms")).content.decode()
    assert "<h1>Terms and conditions</h1>" in html
    assert "Be <em>kind</em>." in html
    assert "Wees" not in html
    english.force_login(user)
    html = english.get(reverse("accounts:terms_accept")).content.decode()
    assert "Be <em>kind</em>." in html


def test_dutch_readers_read_the_dutch_terms(client, terms):
    terms.title_en, terms.body_en = "Terms and conditions", "Be *kind*."
    terms.save()
    html = client.get(reverse("accounts:terms")).content.decode()
    assert "<h1>Algemene voorwaarden</h1>" in html
    assert "Wees <em>aardig</em>." in html
    assert "Be <em>kind</em>" not in html


def test_without_an_english_text_english_readers_read_the_dutch_terms(english, terms):
    html = english.get(reverse("accounts:terms")).content.decode()
    assert '<h1 lang="nl">Algemene voorwaarden</h1>' in html
    assert "Wees <em>aardig</em>." in html


def test_the_page_admin_has_the_dutch_and_the_english_text(admin_client_en, privacy):
    url = reverse("admin:forum_page_change", args=[privacy.pk])
    html = admin_client_en.get(url).content.decode()
    assert '<textarea name="body"' in html
    assert '<textarea name="body_en"' in html
    data = {
        "slug": PRIVACY,
        "title": privacy.title,
        "body": privacy.body,
        "title_en": "Privacy",
        "body_en": "*Little*.",
    }
    response = admin_client_en.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    privacy.refresh_from_db()
    assert privacy.body_html_en.strip() == "<p><em>Little</em>.</p>"


def test_published_terms_take_an_english_translation_and_keep_their_dutch_text(admin_client_en, terms):
    """Members accepted the Dutch text: it stays as it was; the English translation can still be added."""
    url = reverse("admin:accounts_termsversion_change", args=[terms.pk])
    html = admin_client_en.get(url).content.decode()
    assert '<textarea name="body"' not in html
    assert '<textarea name="body_en"' in html
    data = {"version": 7, "title": "Anders", "body": "Anders.", "title_en": "Terms", "body_en": "Be *kind*."}
    response = admin_client_en.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    terms.refresh_from_db()
    assert (terms.version, terms.title, terms.body) == (1, "Algemene voorwaarden", "Wees *aardig*.")
    assert (terms.title_en, terms.body_html_en.strip()) == ("Terms", "<p>Be <em>kind</em>.</p>")


def test_new_terms_are_published_with_their_english_text(admin_client_en, terms):
    later = timezone.localtime(timezone.now() + timedelta(days=1))
    data = {
        "version": 2,
        "title": "Algemene voorwaarden",
        "body": "Wees aardig.",
        "title_en": "Terms and conditions",
        "body_en": "Be kind.",
        "published_at_0": later.strftime("%Y-%m-%d"),
        "published_at_1": later.strftime("%H:%M:%S"),
    }
    response = admin_client_en.post(reverse("admin:accounts_termsversion_add"), data)
    assert response.status_code == HTTPStatus.FOUND
    assert TermsVersion.objects.get(version=2).body_html_en.strip() == "<p>Be kind.</p>"
