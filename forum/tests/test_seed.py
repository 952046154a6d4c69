from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from accounts.models import TermsVersion, User
from forum.models import Page, Reply, Theme, Thread

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TITLE = "'Vergroot ruimte van meningsuiting ambtenaren!' zegt Raad voor het openbaar bestuur"


def seed():
    out = StringIO()
    call_command("seed_forum", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_creates_the_rob_thread_with_its_replies():
    """A fresh site opens with the Rob advice article, its author, 287 views and five replies."""
    seed()
    thread = Thread.objects.get()
    assert thread.title == TITLE
    assert thread.author.display_name == "Fatou van den Hoff"
    assert thread.view_count == 287
    assert thread.reply_count == 5
    assert thread.theme.slug == "sociale-media-en-overheid"
    assert thread.body.startswith("Het advies 'In gesprek of verkeerd verbonden?")
    assert "<blockquote>" in thread.body_html and "<ul>" in thread.body_html
    assert "Hoe verhoudt dit advies zich" in thread.body_html

    replies = [
        (reply.author.display_name, reply.created_at.astimezone(AMSTERDAM).replace(tzinfo=None))
        for reply in Reply.objects.order_by("-created_at")
    ]
    assert replies == [
        ("sietze zijl", datetime(2012, 4, 10, 0, 25)),
        ("Davied", datetime(2012, 4, 6, 9, 33)),
        ("Harro Ranter", datetime(2012, 4, 5, 17, 52)),
        ("Fatou van den Hoff", datetime(2012, 4, 5, 14, 57)),
        ("Davied", datetime(2012, 4, 5, 8, 47)),
    ]
    assert thread.last_activity_at == Reply.objects.latest("created_at").created_at


@pytest.mark.django_db
def test_seeded_authors_cannot_log_in():
    """The carried-over authors are members without e-mail address or usable password."""
    seed()
    authors = User.objects.filter(display_name__in=["sietze zijl", "Davied", "Harro Ranter", "Fatou van den Hoff"])
    assert authors.count() == 4  # Davied wrote twice but is one member
    for author in authors:
        assert author.email is None
        assert author.has_usable_password() is False


@pytest.mark.django_db
def test_seed_is_safe_to_run_again():
    """Running the seed twice duplicates nothing."""
    seed()
    output = seed()
    assert Thread.objects.count() == 1
    assert Reply.objects.count() == 5
    assert Theme.objects.count() == 3
    assert User.objects.count() == 4
    assert TermsVersion.objects.count() == 1
    assert Page.objects.filter(slug="privacyverklaring").count() == 1
    assert "Already there" in output


@pytest.mark.django_db
def test_seed_leaves_edited_pages_and_terms_alone():
    """Administrators' edits of the privacy statement and their new terms survive a new seed run."""
    seed()
    Page.objects.filter(slug="privacyverklaring").update(body="Eigen tekst")
    TermsVersion.objects.create(version=2, body="Nieuwe voorwaarden")
    seed()
    assert Page.objects.get(slug="privacyverklaring").body == "Eigen tekst"
    assert list(TermsVersion.objects.values_list("version", flat=True)) == [2, 1]


@pytest.mark.django_db
def test_dry_run_saves_nothing():
    """--dry-run says what it would do and leaves the database empty."""
    out = StringIO()
    call_command("seed_forum", "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue()
    assert not Thread.objects.exists() and not User.objects.exists()


@pytest.mark.django_db
def test_missing_data_file_is_a_clear_error(tmp_path):
    """A wrong --data path gives a command error, not a traceback."""
    with pytest.raises(CommandError, match="Cannot read the seed data"):
        call_command("seed_forum", "--data", str(tmp_path / "nope.toml"))
