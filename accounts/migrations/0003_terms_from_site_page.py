from django.db import migrations

TERMS_SLUG = "algemene-voorwaarden"


def move_terms_page(apps, schema_editor):
    """Sites seeded before terms were versioned kept them as a site page: make that version 1."""
    Page = apps.get_model("forum", "Page")
    TermsVersion = apps.get_model("accounts", "TermsVersion")
    page = Page.objects.filter(slug=TERMS_SLUG).first()
    if page is None:
        return
    if not TermsVersion.objects.exists():
        TermsVersion.objects.create(version=1, title=page.title, body=page.body, body_html=page.body_html)
    page.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_organisations_profiles_terms_site_settings"),
        ("forum", "0004_speaking_capacity_organisation_accounts"),
    ]

    operations = [migrations.RunPython(move_terms_page, migrations.RunPython.noop)]
