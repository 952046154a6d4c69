"""
The first steps as the README gives them ("An administrator"): the administrator made on the
command line (`make superuser`), log in at /beheer/, two-step verification, recovery codes, the
terms, the admin; a moderator made in the admin; terms to accept (or changed), and the terms and
a warning asked for on page visits only.
"""

import os
import pty
import select
import sqlite3
import subprocess
import time
from http import HTTPStatus
from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils.http import urlencode

from accounts import roles, selectors, services
from accounts.models import User
from forum.tests.factories import UserFactory, add_totp
from moderation.models import Sanction
from moderation.services import sanctions

from .test_mfa import totp_code

EMAIL = "beheerder@gemeente.nl"
PASSWORD = "een-lang-beheerderswachtwoord"
BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture
def terms(db):
    """The terms in force, as the seed publishes them (version 1)."""
    return selectors.terms_current() or services.terms_publish(version=1, title="Algemene voorwaarden", body="Tekst.")


def create_administrator(monkeypatch):
    """``createsuperuser`` as `make superuser` runs it, with its answers from the environment."""
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", email=EMAIL, display_name="Beheerder", stdout=StringIO())
    return User.objects.get(email=EMAIL)


def test_an_administrator_made_on_the_command_line_has_a_verified_address(db, monkeypatch):
    administrator = create_administrator(monkeypatch)
    assert administrator.is_superuser and administrator.is_staff
    address = EmailAddress.objects.get(user=administrator)
    assert (address.email, address.primary, address.verified) == (EMAIL, True, True)


def test_the_administrators_first_steps_as_the_readme_gives_them(client, terms, monkeypatch):
    administrator = create_administrator(monkeypatch)

    # 1. /beheer/ sends them to the site's login page, and back to /beheer/ after it.
    response = client.get("/beheer/", follow=True)
    login_url = f"{reverse('account_login')}?{urlencode({'next': '/beheer/'})}"
    assert response.redirect_chain[-1][0] == login_url
    assert response.status_code == HTTPStatus.OK
    response = client.post(login_url, {"login": EMAIL, "password": PASSWORD}, follow=True)

    # 2. Two-step verification: the set-up page, without a second password; the key shown works.
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert response.status_code == HTTPStatus.OK
    secret = response.context["form"].secret
    assert f'value="{secret}"' in response.content.decode()
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}, follow=True)

    # 3. The recovery codes.
    assert response.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    assert response.status_code == HTTPStatus.OK
    assert Authenticator.objects.filter(user=administrator, type=Authenticator.Type.TOTP).exists()

    # 4. The terms: to accept, not "changed".
    response = client.get("/beheer/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:terms_accept"))
    html = response.content.decode()
    assert "Accepteer de algemene voorwaarden" in html
    assert "veranderd" not in html
    response = client.post(response.redirect_chain[-1][0], {"accept": "on", "next": "/beheer/"}, follow=True)

    # 5. The admin index.
    assert response.redirect_chain[-1][0] == "/beheer/"
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Ambtenaar 2.0 beheer" in html
    assert reverse("admin:accounts_user_changelist") in html


def test_the_admin_login_asks_for_the_code_once_two_step_verification_is_set_up(client, db):
    """The admin's own login is the site's: the password alone does not log an administrator in."""
    administrator = UserFactory(is_staff=True, is_superuser=True)
    add_totp(administrator)
    response = client.get(reverse("admin:login"), {"next": "/beheer/"})
    assert response["Location"] == f"{reverse('account_login')}?{urlencode({'next': '/beheer/'})}"

    response = client.post(response["Location"], {"login": administrator.email, "password": "een-lang-wachtwoord"})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/beheer/")["Location"].startswith(reverse("admin:login"))

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response["Location"] == "/beheer/"
    assert client.get("/beheer/").status_code == HTTPStatus.OK


# Terms: accept, or changed ------------------------------------------------------------------


def test_a_member_who_never_accepted_terms_is_asked_to_accept_them(client, terms):
    member = UserFactory(accepted_terms=False)
    client.force_login(member)
    response = client.get(reverse("forum:home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:terms_accept"))
    html = response.content.decode()
    assert "<h1>Accepteer de algemene voorwaarden</h1>" in html
    assert "Lees de algemene voorwaarden van Ambtenaar 2.0 en ga ermee akkoord" in html
    assert "veranderd" not in html


def test_a_member_who_accepted_an_older_version_is_told_the_terms_changed(client, terms):
    member = UserFactory()  # accepted the terms in force
    services.terms_publish(version=terms.version + 1, title="Algemene voorwaarden", body="Nieuwe tekst.")
    client.force_login(member)
    response = client.get(reverse("forum:home"), follow=True)
    html = response.content.decode()
    assert "<h1>Nieuwe algemene voorwaarden</h1>" in html
    assert f"De algemene voorwaarden zijn veranderd (versie {terms.version + 1})" in html


# The README's command, as written ---------------------------------------------------------


def _answer_prompts(command, env, answers, timeout=180):
    """
    Run ``command`` in a terminal of its own (createsuperuser asks only there) and give
    ``answers`` in order, each when the command's output stops at a question ("...: ").
    """
    controller, terminal = pty.openpty()
    process = subprocess.Popen(  # noqa: S603  (a fixed command, the project's own Makefile)
        command, cwd=BASE_DIR, env=env, stdin=terminal, stdout=terminal, stderr=terminal, start_new_session=True
    )
    os.close(terminal)
    output, asked, pending = "", 0, list(answers)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _w, _x = select.select([controller], [], [], 1)
            if ready:
                try:
                    chunk = os.read(controller, 4096).decode(errors="replace")
                except OSError:  # the command ended and closed its terminal
                    break
                if not chunk:
                    break
                output += chunk
                if pending and output[asked:].rstrip(" ").endswith(":"):
                    os.write(controller, f"{pending.pop(0)}\n".encode())
                    asked = len(output)
            elif process.poll() is not None:
                break
        process.wait(timeout=max(1, deadline - time.monotonic()))
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller)
    return process.returncode, output


def test_make_superuser_works_on_a_fresh_checkout_without_settings(tmp_path):
    """
    `make superuser`, as the README gives it, in a shell with none of the development settings
    (no DJANGO_DEVELOPMENT, DEBUG or SECRET_KEY): it migrates a new database, asks the three
    questions, and the administrator can log in without confirming their address.
    """
    database = tmp_path / "fresh.sqlite3"
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_DEVELOPMENT", "DEBUG", "SECRET_KEY"}}
    env |= {"DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "config.settings", "MAKEFLAGS": ""}
    env.pop("REDIS_URL", None)
    env.pop("CACHE_URL", None)
    answers = [EMAIL, "Beheerder", PASSWORD, PASSWORD]  # e-mail address, display name, password twice

    returncode, output = _answer_prompts(["make", "--no-print-directory", "superuser"], env, answers)

    assert returncode == 0, output
    assert "Superuser created successfully." in output
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT u.is_superuser, e.verified, e.[primary] FROM accounts_user u "
            "JOIN account_emailaddress e ON e.user_id = u.id WHERE u.email = ?",
            [EMAIL],
        ).fetchall()
    assert rows == [(1, 1, 1)]


# Only page visits are sent to the terms and the warning -------------------------------------

ICON_REQUEST = {"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image", "Accept": "image/avif,image/webp,*/*"}
PAGE_VISIT = {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", "Accept": "text/html,*/*;q=0.8"}


def test_the_terms_are_asked_for_on_page_visits_only(client, terms):
    client.force_login(UserFactory(accepted_terms=False))
    assert client.get(reverse("forum:home"), headers=ICON_REQUEST).status_code == HTTPStatus.OK
    assert client.get(reverse("forum:home"), headers={"HX-Request": "true"}).status_code == HTTPStatus.OK
    response = client.get(reverse("forum:home"), headers=PAGE_VISIT)
    assert response["Location"].startswith(reverse("accounts:terms_accept"))


def test_a_warning_is_shown_on_page_visits_only(client, moderator, terms):
    member = UserFactory()
    sanctions.member_sanction(acting_user=moderator, member=member, kind=Sanction.Kind.WARNING, reason="Beledigend")
    client.force_login(member)
    assert client.get(reverse("forum:home"), headers=ICON_REQUEST).status_code == HTTPStatus.OK
    assert client.get(reverse("forum:home"), headers={"HX-Request": "true"}).status_code == HTTPStatus.OK
    assert client.get(reverse("forum:home"), headers=PAGE_VISIT)["Location"] == reverse("moderation:warning")


def test_the_thread_page_asks_a_member_without_terms_to_accept_them(client, terms, thread):
    """Where the reply form would be, a member who has not accepted the terms is asked to, not told they changed."""
    client.force_login(UserFactory(accepted_terms=False))
    html = client.get(thread.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    terms_url = reverse("accounts:terms_accept")
    assert f'<a href="{terms_url}">Accepteer de algemene voorwaarden</a> voordat je reageert.' in html
    assert "veranderd" not in html


@pytest.mark.parametrize("entry", ["/accounts/login/", "/beheer/"])
def test_a_moderator_made_in_the_admin_sets_up_two_step_verification_without_a_second_password(client, terms, entry):
    """
    A member an administrator made a moderator (group "Moderatoren", verified address) logs in at
    the site's login or at /beheer/ and goes straight to the set-up page: no second password.
    """
    moderator = User.objects.create_user("moderator@gemeente.nl", PASSWORD, display_name="Moderator")
    moderator.groups.add(roles.moderators_group())
    EmailAddress.objects.create(user=moderator, email=moderator.email, primary=True, verified=True)
    services.terms_accept(member=moderator, terms=terms)

    response = client.get(entry, follow=True)
    login_url = response.redirect_chain[-1][0] if response.redirect_chain else entry
    assert login_url.startswith(reverse("account_login"))
    response = client.post(login_url, {"login": moderator.email, "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    secret = response.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    assert client.get(reverse("moderation:moderation_queue")).status_code == HTTPStatus.OK
