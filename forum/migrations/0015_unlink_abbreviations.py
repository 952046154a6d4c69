"""
Stored posts rendered before auto-linking left abbreviations alone ("e.a.om" became a link to
http://e.a.om): render the posts that hold an auto-link without a scheme again. Only rows whose
HTML changes are written.
"""

from django.db import migrations

from core.text import render_markdown

# How a scheme-less auto-link was stored: linkify prefixes "http://" to the text it links.
FUZZY_LINK = 'href="http://'


def render_again(apps, schema_editor):
    for name in ("Thread", "Reply", "Page"):
        model = apps.get_model("forum", name)
        for row in model.objects.filter(body_html__contains=FUZZY_LINK).only("pk", "body", "body_html").iterator():
            html = render_markdown(row.body)
            if html != row.body_html:
                model.objects.filter(pk=row.pk).update(body_html=html)


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0014_page_versions"),
    ]

    operations = [
        migrations.RunPython(render_again, migrations.RunPython.noop),
    ]
