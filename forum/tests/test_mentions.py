"""@mentions: parsing, rendering as profile links, the cap, the query bound, and the notifications."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from core.text import MAX_MENTIONS, mentioned_members, render_markdown
from forum import services
from forum.models import Reply
from moderation import services as moderation_services
from notifications.models import Kind, Notification

from .factories import ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db

MENTION_LINK = re.compile(r'<a href="([^"]*)" class="mention" rel="nofollow ugc noopener">([^<]*)</a>')


def links(html):
    """The (href, text) of each mention link in rendered HTML."""
    return MENTION_LINK.findall(html)


def member(display_name, **kwargs):
    return User.objects.create(display_name=display_name, **kwargs)


@pytest.fixture
def harro():
    return member("Harro Ranter")


@pytest.fixture
def fatou():
    return member("Fatou van den Hoff")


def test_a_handle_mention_links_to_the_profile(harro):
    """A handle mention links to the member's profile with class "mention" and rel="nofollow ugc noopener"."""
    html = render_markdown("Eens met @harro-ranter hierover.")
    assert harro.handle == "harro-ranter"
    assert '<a href="/leden/harro-ranter/" class="mention" rel="nofollow ugc noopener">@harro-ranter</a>' in html
    assert html.startswith("<p>Eens met <a") and html.endswith("</a> hierover.</p>\n")
    assert mentioned_members("Eens met @harro-ranter hierover.") == [harro]


def test_a_display_name_with_spaces_is_a_mention(harro, fatou):
    """A display name with spaces is mentioned whole, and the text after it is left alone."""
    html = render_markdown("Dank @Fatou van den Hoff voor het stuk")
    assert links(html) == [("/leden/fatou-van-den-hoff/", "@Fatou van den Hoff")]
    assert html.endswith("</a> voor het stuk</p>\n")
    assert mentioned_members("Dank @Fatou van den Hoff voor het stuk") == [fatou]


def test_the_longest_display_name_wins(fatou):
    """With members "Fatou" and "Fatou van den Hoff", each is mentioned by exactly her own name."""
    short = member("Fatou")
    source = "@Fatou van den Hoff schreef het, @Fatou las het."
    assert mentioned_members(source) == [fatou, short]
    assert links(render_markdown(source)) == [
        (fatou.get_absolute_url(), "@Fatou van den Hoff"),
        (short.get_absolute_url(), "@Fatou"),
    ]


def test_display_names_match_whatever_the_case(harro):
    """Display names and handles match whatever their case: "@HARRO RANTER", "@Harro-Ranter"."""
    sietze = member("sietze zijl")
    assert mentioned_members("@harro ranter en @SIETZE ZIJL") == [harro, sietze]
    assert mentioned_members("@Harro-Ranter") == [harro]


def test_unicode_display_names_are_mentions():
    """Names with accents, other scripts and right-to-left text are mentioned, in any case."""
    zoe = member("Zoë Çelik")
    sara = member("سارة العلي")
    source = "Vraag het @zoë çelik of @ZOË ÇELIK, en @سارة العلي."
    assert mentioned_members(source) == [zoe, sara]
    html = render_markdown(source)
    assert [text for _href, text in links(html)] == ["@zoë çelik", "@ZOË ÇELIK", "@سارة العلي"]
    assert {href for href, _text in links(html)} == {zoe.get_absolute_url(), sara.get_absolute_url()}
    assert zoe.handle and sara.handle  # slugs made from the names, whatever they are


def test_a_decomposed_accent_still_matches():
    """A name typed with a combining accent (e + ¨) mentions the member whose name has the letter ë."""
    zoe = member("Zoë Çelik")
    assert mentioned_members("@Zoe\u0308 C\u0327elik") == [zoe]


def test_punctuation_after_a_name_ends_it(harro, fatou):
    """A comma, full stop, bracket, possessive or emoji after a name does not stop the mention."""
    davied = member("Davied")
    source = "@Davied, (@Fatou van den Hoff) en @Harro Ranter. Ook @Davied's punt, en @Davied🙂"
    assert mentioned_members(source) == [davied, fatou, harro]
    assert [text for _href, text in links(render_markdown(source))] == [
        "@Davied",
        "@Fatou van den Hoff",
        "@Harro Ranter",
        "@Davied",
        "@Davied",
    ]


def test_email_addresses_and_urls_are_no_mentions():
    """NF.vandenHoff@ixpressie.nl and https://example.nl/@ixpressie do not mention the member "ixpressie"."""
    member("Ixpressie")
    source = "Mail NF.vandenHoff@ixpressie.nl of kijk op https://example.nl/@ixpressie of x/@ixpressie"
    assert mentioned_members(source) == []
    html = render_markdown(source)
    assert 'class="mention"' not in html
    assert 'href="mailto:NF.vandenHoff@ixpressie.nl"' in html


def test_mentions_at_the_start_and_the_end_of_the_text(harro):
    """A mention opening or closing the text is found; an "@" as the last character is plain text."""
    assert mentioned_members("@harro-ranter") == [harro]
    assert mentioned_members("Dag @harro-ranter") == [harro]
    assert links(render_markdown("@harro-ranter\n\nTot slot: @")) == [("/leden/harro-ranter/", "@harro-ranter")]
    assert render_markdown("Tot slot: @").strip() == "<p>Tot slot: @</p>"


@pytest.mark.parametrize(
    "source",
    [
        "@@harro-ranter",
        "@ harro-ranter",
        "@",
        "@ alleen",
        "@-",
        "@-harro-ranter",
        "@harro-ranter-",
        "@🙂harro-ranter",
        "@\u202eharro-ranter",
        "@\u200fHarro Ranter",
        "@\x07harro-ranter",
        "@\tharro-ranter",
        "harro@harro-ranter",
        "@שלום עולם",
        "@" + "a" * 5000,
        "@\ufffd",
        "\\@harro-ranter",
        "caf&eacute;@harro-ranter",
        "snake\\_@harro-ranter",
    ],
    ids=[
        "double-at",
        "space-after-at",
        "at-alone",
        "at-then-word-after-space",
        "at-hyphen",
        "at-hyphen-handle",
        "handle-with-trailing-hyphen",
        "emoji-first",
        "rtl-override-first",
        "rtl-mark-first",
        "control-character-first",
        "tab-after-at",
        "word-before-at",
        "rtl-text-no-member",
        "very-long-word",
        "replacement-character",
        "escaped-at",
        "entity-before-at",
        "escaped-underscore-before-at",
    ],
)
def test_odd_input_after_an_at_is_no_mention(harro, source):
    """Nothing that is not "@" directly followed by a member's handle or name mentions anyone, and nothing breaks."""
    assert mentioned_members(source) == []
    html = render_markdown(source)
    assert 'class="mention"' not in html and "/leden/" not in html


def test_a_name_cut_off_by_the_look_ahead_is_not_a_shorter_name():
    """Only whole words count: a name cut off where the parser stops looking is not taken for "Jan Kl"."""
    member("Jan Kl")
    assert mentioned_members("@Jan" + " " * 115 + "Klaassen") == []
    assert mentioned_members("@Jan Kl, hallo") != []


def test_mentions_in_code_links_and_images_are_plain_text(harro):
    """A name in a code span, a code block, a link's text or an image's alt text is neither linked nor mentioned."""
    source = (
        "`@harro-ranter` en [@harro-ranter](https://example.nl) en ![@harro-ranter](https://example.nl/a.png)\n\n"
        "```\n@harro-ranter\n```\n\n    @harro-ranter\n"
    )
    assert mentioned_members(source) == []
    html = render_markdown(source)
    assert 'class="mention"' not in html and "/leden/" not in html
    assert "<code>@harro-ranter</code>" in html
    assert "<pre><code>@harro-ranter\n</code></pre>" in html


def test_mentions_in_emphasis_lists_quotes_and_headings_are_linked(harro):
    """Mentions are found wherever Markdown renders ordinary text."""
    source = "# Vraag aan @harro-ranter\n\n- *@harro-ranter* zegt\n\n> @harro-ranter schreef"
    assert len(links(render_markdown(source))) == 3


def test_former_inactive_and_unknown_members_are_not_mentioned(harro):
    """A former member, a deactivated one or a name nobody has stays plain text "@Name"."""
    member("Oud Lid", is_former_member=True)
    member("Slapend Lid", is_active=False)
    source = "@Oud Lid @oud-lid @Slapend Lid @slapend-lid @Niemand Bekend @harro-ranter"
    assert mentioned_members(source) == [harro]
    html = render_markdown(source)
    assert len(links(html)) == 1
    assert "@Oud Lid @oud-lid @Slapend Lid @slapend-lid @Niemand Bekend" in html


def test_a_display_name_two_members_share_mentions_neither():
    """Two members called "Jan de Vries": "@Jan de Vries" names nobody (not even a "Jan"); their handles do."""
    first, second = member("Jan de Vries"), member("Jan de Vries")
    member("Jan")
    assert mentioned_members("@Jan de Vries") == []
    assert mentioned_members(f"@{first.handle} en @{second.handle}") == [first, second]


def test_organisation_accounts_can_be_mentioned(harro):
    """An organisation account is part of the community: its mention links to its profile."""
    account = member("Team Digitale Overheid", is_organisation_account=True)
    assert mentioned_members("@Team Digitale Overheid") == [account]


def test_a_member_mentioned_again_is_one_member(harro):
    """Every mention of the same member is linked, and she counts once."""
    source = "@harro-ranter, @Harro Ranter en @HARRO-RANTER"
    assert mentioned_members(source) == [harro]
    assert len(links(render_markdown(source))) == 3


def test_a_mention_inside_a_longer_name_is_part_of_it():
    """A display name holding "@werk" is one mention; the member with handle "werk" is not mentioned inside it."""
    anne = member("Anne (@werk)")
    member("Werk")
    assert mentioned_members("Vraag @Anne (@werk) ernaar") == [anne]
    assert links(render_markdown("Vraag @Anne (@werk) ernaar")) == [(anne.get_absolute_url(), "@Anne (@werk)")]


def test_names_are_escaped_in_the_link(harro):
    """A member named "<script>x</script>" is mentioned as escaped text, never as markup."""
    villain = member('<script>x</script>"')
    html = render_markdown('Zie @<script>x</script>" en @harro-ranter')
    assert links(html) == [
        (villain.get_absolute_url(), '@&lt;script&gt;x&lt;/script&gt;"'),
        ("/leden/harro-ranter/", "@harro-ranter"),
    ]
    assert "<script>" not in html


def test_five_hundred_mentions_link_ten_members_in_one_query(django_assert_max_num_queries):
    """500 mentions, of 15 members and many unknown names, link the first ten members, in one query each way."""
    members = User.objects.bulk_create(
        [User(display_name=f"Naam {n}", handle=f"naam-{n}", email=f"naam{n}@example.nl") for n in range(15)]
    )
    source = " ".join(f"@naam-{n % 40}" for n in range(500))
    with django_assert_max_num_queries(1):
        mentioned = mentioned_members(source)
    with django_assert_max_num_queries(1):
        html = render_markdown(source)
    assert MAX_MENTIONS == 10
    assert mentioned == members[:10]
    assert {href for href, _text in links(html)} == {f"/leden/naam-{n}/" for n in range(10)}
    assert len(links(html)) == sum(1 for n in range(500) if n % 40 < 10)  # every mention of those ten
    assert "@naam-10 " in html and "@naam-14 " in html  # past the cap: text


def test_five_hundred_different_names_cost_one_query(django_assert_max_num_queries, harro):
    """500 different four-word "@names" cost one query; names after the first 50 different ones stay text."""
    source = " ".join(f"@Iemand nummer {n} zegt" for n in range(500)) + " @harro-ranter"
    with django_assert_max_num_queries(1):
        assert mentioned_members(source) == []  # Harro comes after the first 50 different names
    with django_assert_max_num_queries(1):
        render_markdown(source)


def test_text_without_mentions_costs_no_query(django_assert_num_queries):
    """Rendering text without an "@" that could start a mention does not touch the database."""
    with django_assert_num_queries(0):
        render_markdown("Mail NF.vandenHoff@ixpressie.nl of `@code`, **vet** en [link](https://example.nl).")
        mentioned_members("geen vermelding")


# Through the real services ------------------------------------------------------------------


def post_reply(author, thread, body):
    return services.reply_create(author=author, thread=thread, body=body)


def mentions_of(recipient):
    return Notification.objects.filter(recipient=recipient, kind=Kind.MENTION)


def test_a_reply_mentioning_a_member_notifies_them(thread, other_user, django_capture_on_commit_callbacks):
    """A reply naming a member links to her and gives her one "mention" notification about it."""
    mentioned = UserFactory(display_name="Zoë Çelik")
    with django_capture_on_commit_callbacks(execute=True):
        reply = post_reply(other_user, thread, "Wat vind jij, @Zoë Çelik?")
    assert links(reply.body_html) == [(mentioned.get_absolute_url(), "@Zoë Çelik")]
    notification = mentions_of(mentioned).get()
    assert (notification.target, notification.target.thread, notification.actor) == (reply, thread, other_user)


def test_a_new_thread_mentioning_a_member_notifies_them(theme, user, django_capture_on_commit_callbacks):
    """A thread naming a member by handle gives her a "mention" notification."""
    mentioned = UserFactory(display_name="Fatou van den Hoff")
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.thread_create(
            author=user, theme=theme, title="Vraag", body="Graag je mening, @fatou-van-den-hoff"
        )
    assert mentions_of(mentioned).get().target == thread


def test_mentioning_yourself_notifies_nobody(thread, other_user, django_capture_on_commit_callbacks):
    """An author who names themself is linked but not notified."""
    with django_capture_on_commit_callbacks(execute=True):
        reply = post_reply(other_user, thread, f"Zoals ik, @{other_user.display_name}, al zei.")
    assert len(links(reply.body_html)) == 1
    assert not mentions_of(other_user).exists()


def test_a_member_who_cannot_see_the_thread_is_not_notified(
    thread, other_user, moderator, django_capture_on_commit_callbacks
):
    """When a moderator hides the thread before the notifications go out, the mentioned member hears nothing."""
    mentioned = UserFactory(display_name="Davied")
    with django_capture_on_commit_callbacks() as callbacks:
        post_reply(other_user, thread, "@Davied kijk eens")
    moderation_services.post_hide(acting_user=moderator, post=thread, reason="Vertrouwelijke informatie")
    for callback in callbacks:
        callback()
    assert not mentions_of(mentioned).exists()
    # Moderators still see the hidden thread, so a mentioned moderator is told.
    with django_capture_on_commit_callbacks() as callbacks:
        reply = post_reply(other_user, ThreadFactory(), f"@{moderator.handle} kijk eens")
    moderation_services.post_hide(acting_user=moderator, post=reply.thread, reason="Spam")
    for callback in callbacks:
        callback()
    assert mentions_of(moderator).count() == 1


def test_mentions_in_code_or_of_organisation_accounts_notify_nobody(
    thread, other_user, django_capture_on_commit_callbacks
):
    """A name in code is not a mention; an organisation account is linked but never notified."""
    coded = UserFactory(display_name="Harro Ranter")
    account = UserFactory(display_name="Team Digitale Overheid", is_organisation_account=True)
    with django_capture_on_commit_callbacks(execute=True):
        reply = post_reply(other_user, thread, "`@harro-ranter` en @Team Digitale Overheid")
    assert links(reply.body_html) == [(account.get_absolute_url(), "@Team Digitale Overheid")]
    assert not Notification.objects.filter(recipient__in=[coded, account]).exists()


def test_an_edit_links_a_new_mention(thread, other_user, django_capture_on_commit_callbacks):
    """An edited reply is rendered again: a mention added in the edit becomes a link."""
    mentioned = UserFactory(display_name="Harro Ranter")
    reply = post_reply(other_user, thread, "Eerste versie")
    services.reply_edit(acting_user=other_user, reply=reply, body="Tweede versie, @Harro Ranter")
    reply.refresh_from_db()
    assert links(reply.body_html) == [(mentioned.get_absolute_url(), "@Harro Ranter")]


def test_the_seeded_thread_links_davied_but_not_first_names():
    """After seeding, "@Davied" links to Davied's profile; "@Fatou" and "@Harro" (first names only) stay text."""
    call_command("seed_forum", stdout=StringIO())
    davied = User.objects.get(display_name="Davied")
    fatou_reply = Reply.objects.get(author__display_name="Fatou van den Hoff")
    davied_reply = Reply.objects.get(body__startswith="@Fatou")
    assert links(fatou_reply.body_html) == [(davied.get_absolute_url(), "@Davied")]
    assert links(davied_reply.body_html) == []
    assert "@Fatou Ik ga" in davied_reply.body_html and "@Harro Ik verwacht" in davied_reply.body_html


def test_mentions_in_a_quotation_are_linked_but_not_notified(db):
    """Quoting a reply that mentions someone links the name but does not tell them again."""
    from forum.tests.factories import UserFactory

    anouk = UserFactory(display_name="Anouk Jansen")
    bram = UserFactory(display_name="Bram de Wit")
    source = "> Goed punt @Anouk Jansen\n>\n> — [Bram](/reactie/1/)\n\nEens, @Bram de Wit."
    assert mentioned_members(source) == [bram]
    assert f'href="{anouk.get_absolute_url()}"' in render_markdown(source)
