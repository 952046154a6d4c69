"""
Screenshots of the main pages, for the README and for reviewing the design: ``make screenshots``.

Builds a fresh SQLite database of its own (``screenshots.sqlite3``, or ``SCREENSHOTS_DATABASE_URL``),
migrates and seeds it (``seed_forum``: the themes and the Rob advice thread) and adds what only members
and moderators see: a member with a reply, a mention and an appreciation waiting in the bell, and a report
in the moderation queue. The development server serves it; the system Chromium (through Playwright, never
a downloaded browser) takes the pages at 1280 and 390 pixels wide (the top of each page, as a screen shows
it) into ``docs/screenshots/<page>-<width>.png``, PNG-optimised. Not part of the tests.

Run with ``python -m scripts.screenshots`` from the repository root.
"""

import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUTPUT = BASE_DIR / "docs" / "screenshots"
DATABASE_FILE = BASE_DIR / "screenshots.sqlite3"
DATABASE_URL = os.environ.get("SCREENSHOTS_DATABASE_URL", f"sqlite:///{DATABASE_FILE}")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
# A laptop and a phone (the height of a common phone screen).
VIEWPORTS = {1280: 800, 390: 844}

os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEVELOPMENT", "true")
os.environ.setdefault("DEBUG", "true")
# The notification e-mails of the demo content go nowhere (development prints them).
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

SEEDED_THREAD_TITLE = "'Vergroot ruimte van meningsuiting ambtenaren!' zegt Raad voor het openbaar bestuur"
SEEDED_THEME_SLUG = "sociale-media-en-overheid"


def build_site() -> dict:
    """A fresh, seeded database with a member, a second member and a moderator; their session cookies."""
    # A script, not a module of the site: Django's and the apps' modules can only be imported after
    # django.setup(), which runs once the old database file is gone, so they are imported here.
    import django

    if DATABASE_URL.startswith("sqlite:") and DATABASE_FILE.exists() and "SCREENSHOTS_DATABASE_URL" not in os.environ:
        DATABASE_FILE.unlink()
    django.setup()
    from allauth.account.models import EmailAddress
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from accounts import roles
    from accounts import selectors as account_selectors
    from accounts import services as account_services
    from accounts.models import User
    from forum import services
    from forum.models import Reply, Thread
    from moderation import services as moderation_services

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_forum", stdout=io.StringIO())

    def member(email, name, job_title=""):
        # No password: the browser gets a session made here.
        user = User.objects.create_user(email=email, password=None, display_name=name, job_title=job_title)
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        account_services.terms_accept(member=user, terms=account_selectors.terms_current())
        return user

    anouk = member("anouk.de.vries@example.nl", "Anouk de Vries", "Adviseur digitale participatie")
    pieter = member("pieter.jansen@example.nl", "Pieter Jansen", "Beleidsmedewerker open overheid")
    moderator = member("moderator@example.nl", "Sanne Moderator", "Community manager")
    moderator.groups.add(roles.moderators_group())
    Authenticator.objects.create(
        user=moderator, type=Authenticator.Type.TOTP, data={"secret": get_adapter().encrypt("JBSWY3DPEHPK3PXP")}
    )

    thread = Thread.objects.get(title=SEEDED_THREAD_TITLE)
    own = services.reply_create(
        author=anouk,
        thread=thread,
        body="Bij onze gemeente hebben we een **social media-richtlijn** die vooral uitlegt wat wél kan. "
        "Dat werkt beter dan een lijst met verboden.",
    )
    services.reply_create(
        author=pieter, thread=thread, body=f"@{anouk.handle} Mogen wij die richtlijn lenen? Graag een link."
    )
    services.reaction_toggle(member=pieter, post=own)
    oldest = Reply.objects.filter(thread=thread).order_by("created_at").first()
    moderation_services.report_file(
        reporter=pieter, target=oldest, reason="off_topic", note="Gaat niet over het advies."
    )

    def session(user):
        client = Client()
        client.force_login(user)
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    return {
        "thread": thread.get_absolute_url(),
        "theme": f"/thema/{SEEDED_THEME_SLUG}/",
        "profile": anouk.get_absolute_url(),
        "sessions": {"member": session(anouk), "moderator": session(moderator)},
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 (this project's own manage.py)
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"The development server stopped:\n{server.stderr.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):  # noqa: S310 (our own server)
                return server
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    server.terminate()
    sys.exit("The development server did not answer within 30 seconds.")


def shots(site: dict) -> list[tuple[str, str | None, str]]:
    """(file name, who: None for a visitor, address) for each page."""
    return [
        ("home", None, "/"),
        ("theme", None, site["theme"]),
        ("thread", None, site["thread"]),
        ("thread-reply-form", "member", site["thread"] + "#reageren"),
        ("login", None, "/accounts/login/"),
        ("signup", None, "/accounts/signup/"),
        ("profile", "member", site["profile"]),
        ("notifications", "member", "/meldingen/"),
        ("moderation-queue", "moderator", "/moderatie/"),
        ("transparency", None, "/moderatie-in-cijfers/"),
    ]


def take_screenshots(base_url: str, site: dict) -> list[Path]:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width, height in VIEWPORTS.items():
            for name, who, path in shots(site):
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    locale="nl-NL",
                    timezone_id="Europe/Amsterdam",
                    # No smooth scrolling to an #anchor: the picture is taken where the page comes to rest.
                    reduced_motion="reduce",
                )
                if who:
                    context.add_cookies([{"name": "sessionid", "value": site["sessions"][who], "url": base_url}])
                page = context.new_page()
                response = page.goto(base_url + path)
                if response is None or response.status != 200:
                    sys.exit(f"{path} ({who or 'visitor'}): HTTP {response.status if response else 'no response'}")
                page.wait_for_load_state("networkidle")
                file = OUTPUT / f"{name}-{width}.png"
                page.screenshot(path=str(file))
                context.close()
                # Fewer colours and zlib's best: a third of the size, the text as sharp.
                Image.open(file).convert("RGB").quantize(colors=256).save(file, optimize=True)
                written.append(file)
        browser.close()
    return written


def main():
    print(f"Building the site in {DATABASE_URL} …")
    site = build_site()
    port = free_port()
    server = start_server(port)
    try:
        written = take_screenshots(f"http://127.0.0.1:{port}", site)
    finally:
        server.terminate()
        server.wait(timeout=10)
    for file in written:
        print(f"{file.relative_to(BASE_DIR)}  {file.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
