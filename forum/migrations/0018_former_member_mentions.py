"""
Posts stored before a closed account's mentions were rendered as "former member" still link to
a profile that is gone (its address was /leden/<old handle>/, a handle no account has any more).
Render those posts again with the names they mention there marked as former: the mentions read
"voormalig lid" as text. Only rows whose HTML changes are written.
"""

import unicodedata
from html.parser import HTMLParser

from django.conf import settings
from django.db import migrations
from django.urls import reverse

from core.text import render_markdown

MENTION = 'class="mention"'


class _Mentions(HTMLParser):
    """The (address, text) of each mention link in stored HTML."""

    def __init__(self):
        super().__init__()
        self.found, self._href = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("class") == "mention":
            self._href = attrs.get("href") or ""
            self.found.append([self._href, ""])

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None

    def handle_data(self, data):
        if self._href is not None:
            self.found[-1][1] += data


def _fold(name):
    # As the mentions (core.mentions) fold the names they compare.
    return unicodedata.normalize("NFC", name).lower()


def render_again(apps, schema_editor):
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    prefix, _sep, _rest = reverse("accounts:profile", kwargs={"handle": "x"}).rpartition("x/")
    for name in ("Thread", "Reply"):
        model = apps.get_model("forum", name)
        for row in model.objects.filter(body_html__contains=MENTION).only("pk", "body", "body_html").iterator():
            parser = _Mentions()
            parser.feed(row.body_html)
            links = {href[len(prefix) :].strip("/"): text for href, text in parser.found if href.startswith(prefix)}
            known = set(user_model.objects.filter(handle__in=links).values_list("handle", flat=True))
            former_names = {_fold(text.lstrip("@")) for handle, text in links.items() if handle not in known}
            if not former_names:
                continue
            html = render_markdown(row.body, former_names=former_names)
            if html != row.body_html:
                model.objects.filter(pk=row.pk).update(body_html=html)


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("forum", "0017_page_english_text"),
    ]

    operations = [
        migrations.RunPython(render_again, migrations.RunPython.noop),
    ]
