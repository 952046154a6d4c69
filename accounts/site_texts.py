"""
The site's own texts (the privacy statement, the terms) in the reader's language: the English
text for English readers when an administrator wrote one, the Dutch text otherwise.
"""

from typing import NamedTuple

from django.conf import settings


class SiteText(NamedTuple):
    title: str
    body_html: str
    language: str  # the language the text is written in, for the page's lang attribute


def site_text(source, language: str) -> SiteText:
    """``source`` (a ``Page`` or ``TermsVersion``) as ``language``'s readers see it."""
    if language == "en" and source.body_en.strip():
        return SiteText(source.title_en or source.title, source.body_html_en, "en")
    return SiteText(source.title, source.body_html, settings.LANGUAGE_CODE)
