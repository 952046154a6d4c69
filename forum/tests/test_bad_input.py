"""
Bad input never gives a 500 and loses nothing: a refused form comes back with
its error and the typed text, and stores no row; what is accepted is stored as
text and shown escaped.
"""

import html
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.models import ModerationLog
from forum.models import Reply, Revision, Thread
from moderation.models import ProblemReport
from outbox.testing import after_commit

from .factories import ReplyFactory, ThreadFactory

pytestmark = pytest.mark.django_db

REFUSED = (HTTPStatus.OK, HTTPStatus.BAD_REQUEST)
NUL = "\x00"
SCRIPT = "<script>alert('xss')</script>"


def _snapshot():
    """Every row a refused request must leave alone."""
    return (
        list(Thread.objects.order_by("pk").values_list("pk", "title", "body", "status", "is_locked", "edited_at")),
        list(Reply.objects.order_by("pk").values_list("pk", "body", "status", "edited_at")),
        Revision.objects.count(),
        ModerationLog.objects.count(),
        ProblemReport.objects.count(),
        User.objects.count(),
    )


def _assert_refused(response, form_name, field, kept, before):
    """The form came back with an error on ``field``, the typed text ``kept`` in it, and nothing stored."""
    assert response.status_code in REFUSED
    form = response.context[form_name]
    assert field in form.errors, form.errors
    if kept:
        assert kept in html.unescape(response.content.decode())
    assert _snapshot() == before


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        self.hrefs += [value or "" for name, value in attrs if name == "href"]


def _dangerous_hrefs(content):
    """Links in the page whose address would run script."""
    parser = _Links()
    parser.feed(content)
    found = []
    for href in parser.hrefs:
        normalised = "".join(char for char in html.unescape(href) if char > " ").lower()
        if normalised.startswith(("javascript:", "vbscript:", "data:")):
            found.append(href)
    return found


def _assert_escaped(content):
    assert "<script>" not in content
    assert "&lt;script&gt;" in content


# --- the thread form: new and edit --------------------------------------------

# (case, title, body, field with the error, text that must be kept in the form)
THREAD_BAD = [
    ("empty title", "", "Een goede tekst.", "title", "Een goede tekst."),
    ("empty body", "Een goede titel", "", "body", "Een goede titel"),
    ("both empty", "", "", "title", None),
    ("whitespace title", "  \t \n ", "Een goede tekst.", "title", "Een goede tekst."),
    ("whitespace body", "Een goede titel", " \n\t\r\n ", "body", "Een goede titel"),
    ("unicode whitespace title", "\xa0\u3000\u2003\u2028", "Een goede tekst.", "title", "Een goede tekst."),
    ("unicode whitespace body", "Een goede titel", "\xa0\u3000\u2003\u2029", "body", "Een goede titel"),
    ("title over 200", "t" * 201, "Een goede tekst.", "title", "t" * 201),
    ("body over 50000", "Een goede titel", "b" * 50_001, "body", "b" * 50_001),
    ("NUL in title", f"Titel{NUL}met nul", "Een goede tekst.", "title", "met nul"),
    ("NUL in body", "Een goede titel", f"Tekst{NUL}met nul", "body", "met nul"),
    ("bell in title", "Titel\x07die piept", "Een goede tekst.", "title", "die piept"),
    ("escape sequence in title", "Titel \x1b[31mrood", "Een goede tekst.", "title", "[31mrood"),
    ("DEL in title", "Titel\x7fweg", "Een goede tekst.", "title", "weg"),
    ("C1 control in title", "Titel\x9bC1", "Een goede tekst.", "title", "C1"),
]


@pytest.mark.parametrize(("case", "title", "body", "field", "kept"), THREAD_BAD, ids=[c[0] for c in THREAD_BAD])
def test_new_thread_form_refuses_bad_input(user_client, theme, case, title, body, field, kept):
    """A new thread with bad input comes back with the error and the typed text, and no thread is stored."""
    before = _snapshot()
    response = user_client.post(reverse("forum:thread_create", args=[theme.slug]), {"title": title, "body": body})
    _assert_refused(response, "form", field, kept, before)


@pytest.mark.parametrize(("case", "title", "body", "field", "kept"), THREAD_BAD, ids=[c[0] for c in THREAD_BAD])
def test_new_thread_preview_refuses_bad_input(user_client, theme, case, title, body, field, kept):
    """A preview of bad input shows the error, not a preview, and stores nothing."""
    before = _snapshot()
    response = user_client.post(
        reverse("forum:thread_create", args=[theme.slug]), {"title": title, "body": body, "preview": "1"}
    )
    _assert_refused(response, "form", field, kept, before)
    assert response.context["preview"] is None


@pytest.mark.parametrize(("case", "title", "body", "field", "kept"), THREAD_BAD, ids=[c[0] for c in THREAD_BAD])
def test_thread_edit_form_refuses_bad_input(user_client, thread, case, title, body, field, kept):
    """An edit with bad input comes back with the error and the typed text; the thread and its revisions stay."""
    before = _snapshot()
    response = user_client.post(reverse("forum:thread_edit", args=[thread.pk]), {"title": title, "body": body})
    _assert_refused(response, "form", field, kept, before)


def test_title_and_body_at_their_limits_are_accepted(user_client, theme):
    """A title of exactly 200 and a body of exactly 50000 characters are stored whole."""
    title, body = "t" * 200, "b" * 50_000
    response = user_client.post(reverse("forum:thread_create", args=[theme.slug]), {"title": title, "body": body})
    assert response.status_code == HTTPStatus.FOUND
    thread = Thread.objects.get()
    assert (thread.title, thread.body) == (title, body)


def test_title_inner_whitespace_is_collapsed(user_client, theme):
    """Tabs, newlines and runs of spaces in a title become single spaces."""
    response = user_client.post(
        reverse("forum:thread_create", args=[theme.slug]), {"title": "  Een\tgoede \n\n titel  ", "body": "Tekst"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Thread.objects.get().title == "Een goede titel"


UNICODE_TEXTS = [
    "Overleg over de Omgevingswet 🚀🎉👩🏽‍💻",
    "مرحبا بالعالم — שלום עולם",
    "Cafe\u0301 met Zoe\u0308 en n\u0303",
    "日本語のタイトル와 한국어",
    "Z\u0336\u0335a\u0337l\u0338g\u0334o tekst",
]


@pytest.mark.parametrize("text", UNICODE_TEXTS)
def test_unicode_thread_is_stored_and_shown_unchanged(client, user_client, theme, text):
    """Emoji, right-to-left and combining characters are stored exactly and shown on the thread page."""
    response = user_client.post(reverse("forum:thread_create", args=[theme.slug]), {"title": text, "body": text})
    assert response.status_code == HTTPStatus.FOUND
    thread = Thread.objects.get()
    assert (thread.title, thread.body) == (text, text)
    page = client.get(thread.get_absolute_url())
    assert page.status_code == HTTPStatus.OK
    assert html.unescape(page.content.decode()).count(text) >= 2


@pytest.mark.parametrize("text", UNICODE_TEXTS)
def test_unicode_reply_is_stored_and_shown_unchanged(user_client, thread, text):
    """A reply in any script is stored exactly and shown on the thread page."""
    response = user_client.post(reverse("forum:reply_create", args=[thread.pk]), {"body": text})
    assert response.status_code == HTTPStatus.FOUND
    assert Reply.objects.get().body == text
    page = user_client.get(thread.get_absolute_url())
    assert text in html.unescape(page.content.decode())


# --- HTML, <script> and javascript: links are text -----------------------------

HOSTILE_BODY = f"{SCRIPT}\n\n<img src=x onerror=alert(1)>\n\n[klik hier](javascript:alert(1))"


def test_html_in_a_new_thread_is_stored_as_text_and_shown_escaped(client, user_client, user, theme):
    """HTML and <script> in a thread are stored as typed and every page shows them escaped."""
    response = user_client.post(
        reverse("forum:thread_create", args=[theme.slug]), {"title": SCRIPT, "body": HOSTILE_BODY}
    )
    assert response.status_code == HTTPStatus.FOUND
    thread = Thread.objects.get()
    assert (thread.title, thread.body) == (SCRIPT, HOSTILE_BODY)
    for url in (
        thread.get_absolute_url(),
        reverse("forum:home"),
        theme.get_absolute_url(),
        user.get_absolute_url(),
    ):
        content = client.get(url).content.decode()
        _assert_escaped(content)
    content = client.get(thread.get_absolute_url()).content.decode()
    assert "<img src=x" not in content
    assert _dangerous_hrefs(content) == []


def test_html_in_the_edit_form_is_escaped(user_client, theme, user):
    """The edit form shows a thread's HTML as text in its fields."""
    thread = ThreadFactory(theme=theme, author=user, title=SCRIPT, body=HOSTILE_BODY)
    content = user_client.get(reverse("forum:thread_edit", args=[thread.pk])).content.decode()
    _assert_escaped(content)


def test_html_in_a_reply_is_stored_as_text_and_shown_escaped(user_client, thread):
    """A reply with HTML is stored as typed and shown escaped on the thread page."""
    response = user_client.post(reverse("forum:reply_create", args=[thread.pk]), {"body": HOSTILE_BODY})
    assert response.status_code == HTTPStatus.FOUND
    assert Reply.objects.get().body == HOSTILE_BODY
    content = user_client.get(thread.get_absolute_url()).content.decode()
    _assert_escaped(content)
    assert _dangerous_hrefs(content) == []


@pytest.mark.parametrize(
    ("url_name", "fixture", "data", "form_name"),
    [
        ("forum:thread_create", "theme", {"title": SCRIPT, "body": HOSTILE_BODY}, "form"),
        ("forum:reply_create", "thread", {"body": HOSTILE_BODY}, "reply_form"),
        ("forum:thread_edit", "thread", {"title": SCRIPT, "body": HOSTILE_BODY}, "form"),
        ("forum:reply_edit", "own_reply", {"body": HOSTILE_BODY}, "form"),
    ],
)
def test_preview_of_html_is_escaped_and_stores_nothing(request, user_client, url_name, fixture, data, form_name):
    """A preview shows HTML as escaped text, renders no javascript: link, and stores nothing."""
    item = request.getfixturevalue(fixture)
    key = item.slug if fixture == "theme" else item.pk
    before = _snapshot()
    response = user_client.post(reverse(url_name, args=[key]), {**data, "preview": "1"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["preview"] == HOSTILE_BODY
    content = response.content.decode()
    _assert_escaped(content)
    assert _dangerous_hrefs(content) == []
    assert _snapshot() == before


@pytest.mark.parametrize(
    "link",
    [
        "[klik](javascript:alert(1))",
        "[klik](JaVaScRiPt:alert(1))",
        "[klik](java&#115;cript:alert(1))",
        "[klik](&#x6A;avascript:alert(1))",
        "[klik]( javascript:alert(1) )",
        "[klik][ref]\n\n[ref]: javascript:alert(1)",
        "<javascript:alert(1)>",
        "[klik](vbscript:msgbox(1))",
        "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<a href="javascript:alert(1)">klik</a>',
        "[![x](javascript:alert(1))](javascript:alert(2))",
    ],
)
def test_markdown_script_link_is_not_rendered_as_a_link(user_client, thread, link):
    """A Markdown link to javascript:, vbscript: or data: is kept as text and never becomes an href."""
    response = user_client.post(reverse("forum:reply_create", args=[thread.pk]), {"body": link})
    assert response.status_code == HTTPStatus.FOUND
    assert Reply.objects.get().body == link
    content = user_client.get(thread.get_absolute_url()).content.decode()
    assert _dangerous_hrefs(content) == []


def test_ordinary_markdown_link_still_works(user_client, thread):
    """A https link in Markdown is rendered as a link marked nofollow (the check above can tell a link apart)."""
    user_client.post(reverse("forum:reply_create", args=[thread.pk]), {"body": "[bron](https://www.overheid.nl)"})
    content = user_client.get(thread.get_absolute_url()).content.decode()
    assert 'href="https://www.overheid.nl"' in content
    assert "nofollow" in content


# --- the reply form --------------------------------------------------------------

REPLY_BAD = [
    ("empty", "", None),
    ("whitespace", " \n\t\r\n ", None),
    ("unicode whitespace", "\xa0\u3000\u2003", None),
    ("over 50000", "r" * 50_001, "r" * 50_001),
    ("NUL", f"Reactie{NUL}met nul", "met nul"),
]


@pytest.mark.parametrize(("case", "body", "kept"), REPLY_BAD, ids=[c[0] for c in REPLY_BAD])
def test_reply_form_refuses_bad_input(user_client, thread, case, body, kept):
    """A reply with bad input comes back on the thread page with the error and the typed text; nothing is stored."""
    before = _snapshot()
    response = user_client.post(reverse("forum:reply_create", args=[thread.pk]), {"body": body})
    _assert_refused(response, "reply_form", "body", kept, before)


def test_reply_form_without_the_field_is_refused(user_client, thread):
    """A reply POST without a body field at all is refused without a 500."""
    before = _snapshot()
    response = user_client.post(reverse("forum:reply_create", args=[thread.pk]), {"bogus": "x"})
    _assert_refused(response, "reply_form", "body", None, before)


@pytest.fixture
def own_reply(thread, user):
    return ReplyFactory(thread=thread, author=user, body="Mijn oorspronkelijke reactie.")


@pytest.mark.parametrize(("case", "body", "kept"), REPLY_BAD, ids=[c[0] for c in REPLY_BAD])
def test_reply_edit_form_refuses_bad_input(user_client, own_reply, case, body, kept):
    """A reply edit with bad input comes back with the error and the typed text; the reply keeps its text."""
    before = _snapshot()
    response = user_client.post(reverse("forum:reply_edit", args=[own_reply.pk]), {"body": body})
    _assert_refused(response, "form", "body", kept, before)


# --- the problem report form, for visitors and members -----------------------------

LONG_EMAIL = "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "nl"  # 311 characters, well-formed

# (case, data, field with the error, text that must be kept)
REPORT_BAD = [
    ("empty message", {"message": ""}, "message", None),
    ("whitespace message", {"message": "  \n\t "}, "message", None),
    ("message over 5000", {"message": "m" * 5001}, "message", "m" * 5001),
    ("NUL in message", {"message": f"Melding{NUL}met nul"}, "message", "met nul"),
    ("javascript page", {"message": "Kapot", "page_url": "javascript:alert(1)"}, "page_url", "javascript:alert(1)"),
    ("protocol-relative page", {"message": "Kapot", "page_url": "//evil.example/x"}, "page_url", "//evil.example/x"),
    ("page over 500", {"message": "Kapot", "page_url": "/" + "p" * 500}, "page_url", "p" * 500),
    ("control in page", {"message": "Kapot", "page_url": "/pad\x01"}, "page_url", "Kapot"),
    ("NUL in page", {"message": "Kapot", "page_url": f"/pad{NUL}x"}, "page_url", "Kapot"),
    ("bad e-mail", {"message": "Kapot", "contact_email": "geen adres"}, "contact_email", "geen adres"),
    ("NUL in e-mail", {"message": "Kapot", "contact_email": f"a{NUL}@example.nl"}, "contact_email", "Kapot"),
    # The model column holds 254 characters; Django's form field alone lets 320 through.
    ("e-mail over 254", {"message": "Kapot", "contact_email": LONG_EMAIL}, "contact_email", LONG_EMAIL),
]


@pytest.mark.parametrize("as_member", [False, True], ids=["visitor", "member"])
@pytest.mark.parametrize(("case", "data", "field", "kept"), REPORT_BAD, ids=[c[0] for c in REPORT_BAD])
def test_problem_report_form_refuses_bad_input(client, user, as_member, case, data, field, kept):
    """A problem report with bad input comes back with the error and the typed text; no report is stored."""
    if as_member:
        client.force_login(user)
    before = _snapshot()
    response = client.post(reverse("moderation:problem_report"), data)
    _assert_refused(response, "form", field, kept, before)


@pytest.mark.parametrize("as_member", [False, True], ids=["visitor", "member"])
def test_problem_report_stores_html_as_text(client, user, as_member):
    """A report with HTML and unicode is stored exactly as typed, by a visitor or a member."""
    if as_member:
        client.force_login(user)
    message = f"{SCRIPT} werkt niet 🚧 مرحبا"
    response = client.post(reverse("moderation:problem_report"), {"message": message, "page_url": "/discussie/1/"})
    assert response.status_code == HTTPStatus.FOUND
    report = ProblemReport.objects.get()
    assert report.message == message
    assert report.reporter == (user if as_member else None)


def test_problem_report_page_parameter_is_escaped(client):
    """The ?pagina= value is put in the form escaped."""
    response = client.get(reverse("moderation:problem_report"), {"pagina": SCRIPT})
    assert response.status_code == HTTPStatus.OK
    _assert_escaped(response.content.decode())


# --- the sign-up form -----------------------------------------------------------------

PASSWORD = "een-lang-wachtwoord-2024"


def _signup(**overrides):
    return {
        "display_name": "Harro Ranter",
        "email": "harro@example.nl",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_terms": "on",
        **overrides,
    }


SIGNUP_BAD = [
    ("empty display name", {"display_name": ""}, "display_name", "harro@example.nl"),
    ("whitespace display name", {"display_name": " \t\n "}, "display_name", "harro@example.nl"),
    ("display name over 80", {"display_name": "n" * 81}, "display_name", "n" * 81),
    ("NUL in display name", {"display_name": f"Harro{NUL}Ranter"}, "display_name", "harro@example.nl"),
    ("bell in display name", {"display_name": "Harro\x07Ranter"}, "display_name", "harro@example.nl"),
    ("escape in display name", {"display_name": "Harro \x1b[2JRanter"}, "display_name", "harro@example.nl"),
    ("C1 in display name", {"display_name": "Harro\x85\x9bRanter"}, "display_name", "harro@example.nl"),
    ("empty e-mail", {"email": ""}, "email", "Harro Ranter"),
    ("whitespace e-mail", {"email": "   "}, "email", "Harro Ranter"),
    ("bad e-mail", {"email": "harro at example"}, "email", "harro at example"),
    ("NUL in e-mail", {"email": f"harro{NUL}@example.nl"}, "email", "Harro Ranter"),
    ("e-mail over 254", {"email": ("a" * 60 + ".") * 4 + "@example.nl"}, "email", "Harro Ranter"),
    ("script e-mail", {"email": "<script>@example.nl"}, "email", "Harro Ranter"),
    ("empty passwords", {"password1": "", "password2": ""}, "password1", "harro@example.nl"),
    ("passwords differ", {"password2": PASSWORD + "x"}, "password2", "harro@example.nl"),
    ("NUL in password", {"password1": f"{PASSWORD}{NUL}", "password2": f"{PASSWORD}{NUL}"}, "password1", "Harro"),
    ("short password", {"password1": "kort", "password2": "kort"}, "password1", "harro@example.nl"),
]


@pytest.mark.parametrize(("case", "overrides", "field", "kept"), SIGNUP_BAD, ids=[c[0] for c in SIGNUP_BAD])
def test_signup_form_refuses_bad_input(client, case, overrides, field, kept):
    """A sign-up with bad input comes back with the error and the typed text; no member is created."""
    before = _snapshot()
    response = client.post(reverse("account_signup"), _signup(**overrides))
    _assert_refused(response, "form", field, kept, before)
    assert PASSWORD not in response.content.decode()


def test_signup_baseline_is_accepted(client):
    """The valid sign-up the bad cases start from creates a member (so the refusals above are real)."""
    response = client.post(reverse("account_signup"), _signup())
    assert response.status_code == HTTPStatus.FOUND
    assert User.objects.get().display_name == "Harro Ranter"


@pytest.mark.parametrize(
    "display_name",
    ["Zoë 🚀", "عبد الله", "שלום", "Jose\u0301 Mari\u0301a", "🎉🎉🎉", SCRIPT, "<b>Harro</b> & co"],
)
def test_signup_accepts_unicode_and_html_display_names_as_text(client, display_name):
    """A display name in any script, or with HTML, is stored as typed and shown escaped on the profile."""
    response = client.post(reverse("account_signup"), _signup(display_name=display_name))
    assert response.status_code == HTTPStatus.FOUND
    member = User.objects.get()
    assert member.display_name == display_name
    assert member.handle
    profile = client.get(member.get_absolute_url())
    assert profile.status_code == HTTPStatus.OK
    content = profile.content.decode()
    assert html.escape(display_name) in content or display_name in content
    assert "<b>Harro" not in content
    assert "<script>" not in content


def test_two_members_with_unsluggable_names_get_distinct_handles(client):
    """Display names with no letters for a handle still give every member a profile address of their own."""
    client.post(reverse("account_signup"), _signup(display_name="🚀🚀", email="een@example.nl"))
    client.post(reverse("account_signup"), _signup(display_name="مرحبا", email="twee@example.nl"))
    handles = list(User.objects.values_list("handle", flat=True))
    assert len(handles) == 2
    assert len(set(handles)) == 2


def test_signup_with_a_taken_email_in_other_case_creates_no_member(client, user, mailoutbox):
    """Signing up with an address already in use, in other capitals, creates no member; its owner gets a mail."""
    before = _snapshot()
    with after_commit():
        response = client.post(reverse("account_signup"), _signup(email=user.email.upper()))
    # allauth does not tell a stranger the address is taken: it answers as for a new sign-up.
    assert response.status_code in (*REFUSED, HTTPStatus.FOUND)
    assert _snapshot() == before
    assert [message.to for message in mailoutbox] == [[user.email]]


# --- forged ids ---------------------------------------------------------------------

MISSING_PK = 999_999
HUGE_PK = 10**20


@pytest.mark.parametrize("pk", [MISSING_PK, HUGE_PK], ids=["missing", "huge"])
@pytest.mark.parametrize(
    ("method", "url_name", "extra"),
    [
        ("get", "forum:thread_short", []),
        ("get", "forum:thread", ["een-slug"]),
        ("post", "forum:reply_create", []),
        ("get", "forum:thread_edit", []),
        ("post", "forum:thread_edit", []),
        ("get", "forum:thread_revisions", []),
        ("post", "moderation:thread_moderate", ["hide"]),
        ("post", "moderation:thread_moderate", ["lock"]),
        ("get", "forum:reply", []),
        ("get", "forum:reply_edit", []),
        ("post", "forum:reply_edit", []),
        ("get", "forum:reply_revisions", []),
        ("post", "moderation:reply_moderate", ["hide"]),
    ],
)
@pytest.mark.parametrize("role", ["member", "moderator"])
def test_forged_pk_is_404(client, user, moderator, thread, reply, role, method, url_name, extra, pk):
    """An id that does not exist, however large, gives 404 and changes nothing."""
    client.force_login(user if role == "member" else moderator)
    before = _snapshot()
    data = {"title": "Titel", "body": "Tekst", "reason": "Spam"}
    response = getattr(client, method)(reverse(url_name, args=[pk, *extra]), data)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert _snapshot() == before


def test_forged_theme_slug_is_404(user_client):
    """Starting a thread in a theme that does not exist gives 404 and stores nothing."""
    before = _snapshot()
    response = user_client.post(
        reverse("forum:thread_create", args=["bestaat-niet"]), {"title": "Titel", "body": "Tekst"}
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert _snapshot() == before


# --- forged CSRF ----------------------------------------------------------------------


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def _csrf_cases():
    return [
        ("reply", "user", lambda f: reverse("forum:reply_create", args=[f["thread"].pk]), {"body": "Tekst"}),
        (
            "new thread",
            "user",
            lambda f: reverse("forum:thread_create", args=[f["theme"].slug]),
            {"title": "Titel", "body": "Tekst"},
        ),
        (
            "edit thread",
            "user",
            lambda f: reverse("forum:thread_edit", args=[f["thread"].pk]),
            {"title": "Titel", "body": "Tekst"},
        ),
        (
            "hide",
            "moderator",
            lambda f: reverse("moderation:thread_moderate", args=[f["thread"].pk, "hide"]),
            {"reason": "x"},
        ),
        ("lock", "moderator", lambda f: reverse("moderation:thread_moderate", args=[f["thread"].pk, "lock"]), {}),
        ("problem report", None, lambda f: reverse("moderation:problem_report"), {"message": "Kapot"}),
        ("signup", None, lambda f: reverse("account_signup"), _signup()),
    ]


@pytest.mark.parametrize("token", ["missing", "forged"])
@pytest.mark.parametrize(("case", "role", "url_for", "data"), _csrf_cases(), ids=[c[0] for c in _csrf_cases()])
def test_forged_csrf_is_403_and_stores_nothing(
    csrf_client, user, moderator, theme, thread, token, case, role, url_for, data
):
    """A POST without a valid CSRF token is refused with 403 and nothing is stored."""
    if role:
        csrf_client.force_login(user if role == "user" else moderator)
    if token == "forged":
        csrf_client.cookies["csrftoken"] = "A" * 32
        data = {**data, "csrfmiddlewaretoken": "B" * 32}
    before = _snapshot()
    response = csrf_client.post(url_for({"thread": thread, "theme": theme}), data)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert _snapshot() == before


def test_valid_csrf_token_is_accepted(csrf_client, user, thread):
    """With the token from the page the same reply is stored (so the 403s above are about the token)."""
    csrf_client.force_login(user)
    csrf_client.get(thread.get_absolute_url())
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(
        reverse("forum:reply_create", args=[thread.pk]), {"body": "Tekst", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Reply.objects.get().body == "Tekst"


# --- query parameters -----------------------------------------------------------------

PAGE_VALUES = ["abc", "99999", "-1", "0", "1.5", "", NUL, "9" * 40, "1e3", SCRIPT]


@pytest.fixture
def busy_forum(settings, theme, user, other_user):
    """Enough threads and replies for several pages."""
    settings.FORUM_THREADS_PER_PAGE = 2
    settings.FORUM_REPLIES_PER_PAGE = 2
    threads = [ThreadFactory(theme=theme, author=user) for _ in range(5)]
    for _ in range(5):
        ReplyFactory(thread=threads[0], author=other_user)
    return threads[0]


@pytest.mark.parametrize("page", PAGE_VALUES)
@pytest.mark.parametrize("where", ["home", "theme", "thread"])
@pytest.mark.parametrize("as_moderator", [False, True], ids=["visitor", "moderator"])
def test_bad_page_numbers_give_a_page(client, moderator, busy_forum, page, where, as_moderator):
    """A page number that is not a page gives a page of results, never a 500."""
    if as_moderator:
        client.force_login(moderator)
    url = {
        "home": reverse("forum:home"),
        "theme": busy_forum.theme.get_absolute_url(),
        "thread": busy_forum.get_absolute_url(),
    }[where]
    response = client.get(url, {"page": page})
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["page_obj"]) > 0
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize("sort", [SCRIPT, "oldest\x00", "' onmouseover='alert(1)", "OLDEST", "", "newest" * 1000])
def test_bad_sort_gives_the_default_order(client, busy_forum, sort):
    """An unknown ?sort= falls back to newest first and is not echoed into the page."""
    response = client.get(busy_forum.get_absolute_url(), {"sort": sort})
    assert response.status_code == HTTPStatus.OK
    assert response.context["sort"] == "newest"
    content = response.content.decode()
    assert "<script>" not in content
    assert "' onmouseover" not in content
    assert "onmouseover='" not in content


# --- moderation reasons -------------------------------------------------------------


@pytest.mark.parametrize(
    "reason", ["", "   \n\t ", "r" * 2001, f"Spam{NUL}"], ids=["empty", "whitespace", "over 2000", "NUL"]
)
def test_hide_with_bad_reason_changes_nothing(moderator_client, thread, reply, reason):
    """Hiding with a missing, over-long or NUL reason is refused with an error message; nothing is hidden or logged."""
    before = _snapshot()
    for url in (
        reverse("moderation:thread_moderate", args=[thread.pk, "hide"]),
        reverse("moderation:reply_moderate", args=[reply.pk, "hide"]),
    ):
        response = moderator_client.post(url, {"reason": reason})
        assert response.status_code == HTTPStatus.FOUND
        assert messages.ERROR in [message.level for message in get_messages(response.wsgi_request)]
    assert _snapshot() == before


def test_lock_with_over_long_reason_changes_nothing(moderator_client, thread):
    """Locking with a reason over 2000 characters is refused and writes no log row."""
    before = _snapshot()
    response = moderator_client.post(
        reverse("moderation:thread_moderate", args=[thread.pk, "lock"]), {"reason": "r" * 2001}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert _snapshot() == before


def test_hide_reason_with_html_is_shown_escaped_to_moderators(moderator_client, thread):
    """A hide reason with HTML is logged as typed and shown escaped on the thread page."""
    moderator_client.post(reverse("moderation:thread_moderate", args=[thread.pk, "hide"]), {"reason": SCRIPT})
    assert ModerationLog.objects.get(target_id=thread.pk).reason == SCRIPT
    content = moderator_client.get(thread.get_absolute_url()).content.decode()
    _assert_escaped(content)


@pytest.mark.parametrize("invisible", ["\u200b", "\u200b\u200d\ufeff", " \u2060 "])
def test_text_of_only_invisible_characters_is_refused(user_client, thread, invisible):
    """A reply or title that would look empty on the page is refused with a form error."""
    response = user_client.post(reverse("forum:reply_create", kwargs={"pk": thread.pk}), {"body": invisible})
    assert response.context["reply_form"].errors["body"]
    response = user_client.post(
        reverse("forum:thread_create", kwargs={"slug": thread.theme.slug}), {"title": invisible, "body": "Tekst"}
    )
    assert response.context["form"].errors["title"]
    assert Reply.objects.count() == 0 and Thread.objects.count() == 1


def test_names_with_html_are_text_in_every_reply_block_of_the_thread_page(client, thread, user):
    """The reply heading, badges and appreciation label are written by template tags: names stay text."""
    from accounts.models import Organisation

    from .factories import ReplyFactory, UserFactory

    organisation = Organisation.objects.create(name=f"Gemeente {SCRIPT}", kind=Organisation.Kind.GEMEENTE)
    author = UserFactory(display_name=f"Naam {SCRIPT}", organisation=organisation)
    ReplyFactory(thread=thread, author=author, body="Gewone tekst")
    client.force_login(user)
    content = client.get(thread.get_absolute_url()).content.decode()
    assert "<script>" not in content
    assert content.count("&lt;script&gt;") >= 3  # the heading, the organisation badge, the appreciation label
