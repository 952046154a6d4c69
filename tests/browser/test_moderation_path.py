"""
The whole moderation path in a real browser, each person in a browser context of their own:
a member reports a reply, a moderator hides it with a reason, the author reads the statement
of reasons and objects, a second moderator upholds the objection and the reply is back, and
the public "moderation in figures" page counts it all.

The assertions use element selectors, form actions, URLs and numbers rather than Dutch wording;
the pages read in English (the language cookie) only where a table is found by its headers.
"""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from playwright.sync_api import Locator, Page, expect

from core.models import ModerationAction, ModerationLog
from forum.models import Reply, Status, Thread
from forum.tests.factories import ModeratorFactory, UserFactory
from moderation.models import Objection, Report, ReportReason
from notifications.models import Kind, Notification

from .helpers import browsing_as

THREAD_TITLE = "'Vergroot ruimte van meningsuiting ambtenaren!' zegt Raad voor het openbaar bestuur"
AUTHOR = "Bram de Wit"
REPORTER = "Anouk Jansen"
REPLY_TEXT = "Volgens de interne notitie van 3 maart gaat de afdeling Burgerzaken volgend jaar dicht."
HIDING_REASON = "Vertrouwelijke informatie"
OBJECTION_TEXT = "Die notitie is al openbaar: de gemeenteraad heeft haar vorige week gepubliceerd."


@pytest.mark.browser
def test_a_reported_reply_is_hidden_objected_to_restored_and_counted(request, live_server, browser):
    """
    Anouk reports Bram's reply as confidential; moderator A upholds the report with a reason, which
    hides the reply from visitors; Bram reads that reason in his notifications and objects to the
    decision; moderator A, who decided, does not get the objection, moderator B does and upholds it,
    which shows the reply again; the figures page counts, for this month, one report received for
    "confidential", one reply hidden by a moderator, one shown again and one report upheld.
    """
    call_command("seed_forum")
    thread = Thread.objects.get(title=THREAD_TITLE)
    bram = UserFactory(display_name=AUTHOR)
    anouk = UserFactory(display_name=REPORTER)
    moderator_a, moderator_b = ModeratorFactory(), ModeratorFactory()
    base_url = live_server.url

    def as_member(member, **options):
        return browsing_as(browser, request, base_url, member, **options)

    with as_member(bram) as page:
        reply = post_reply(page, base_url, thread, bram)

    with as_member(anouk) as page:
        report_reply(page, base_url, thread, reply)
    report = Report.objects.get(reply=reply)
    assert (report.reporter, report.reason, report.state) == (anouk, ReportReason.CONFIDENTIAL, Report.State.OPEN)

    with as_member(moderator_a) as page:
        uphold_report(page, base_url, reply)
    reply.refresh_from_db()
    assert (reply.status, reply.hidden_by, reply.hidden_reason) == (Status.HIDDEN, moderator_a, HIDING_REASON)
    report.refresh_from_db()
    assert report.state == Report.State.UPHELD
    hiding = ModerationLog.objects.get(action=ModerationAction.HIDE, target_id=reply.pk, actor=moderator_a)
    assert hiding.reason == HIDING_REASON
    with browsing_as(browser, request, base_url) as page:
        expect_reply_on_thread_page(page, base_url, thread, reply, visible=False)

    with as_member(bram) as page:
        read_statement_of_reasons(page, base_url, bram)
        object_to(page, base_url, hiding)
    objection = Objection.objects.get(decision=hiding)
    assert (objection.member, objection.text, objection.state) == (bram, OBJECTION_TEXT, Objection.State.OPEN)

    with as_member(moderator_a) as page:
        page.goto(base_url + "/moderatie/")
        expect(page.locator("section .objection-queue")).to_be_visible()
        expect(page.locator(f"#objection-{objection.pk}")).to_have_count(0)
        expect(page.locator(f'form[action="/moderatie/bezwaar/{objection.pk}/"]')).to_have_count(0)

    with as_member(moderator_b) as page:
        uphold_objection(page, base_url, objection)
    objection.refresh_from_db()
    assert (objection.state, objection.decided_by) == (Objection.State.UPHELD, moderator_b)
    reply.refresh_from_db()
    assert reply.status == Status.PUBLISHED
    assert ModerationLog.objects.filter(action=ModerationAction.RESTORE, target_id=reply.pk, actor=moderator_b).exists()
    with browsing_as(browser, request, base_url) as page:
        expect_reply_on_thread_page(page, base_url, thread, reply, visible=True)

    with browsing_as(browser, request, base_url, language="en") as page:
        check_figures(page, base_url)


def post_reply(page: Page, base_url: str, thread: Thread, author) -> Reply:
    """The author posts a reply through the thread page's reply form."""
    page.goto(base_url + thread.get_absolute_url())
    reply_form = page.locator('form[action$="/reageren/"]')
    reply_form.locator("textarea[name=body]").fill(REPLY_TEXT)
    reply_form.locator("button[type=submit]:not([name=preview])").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(thread.get_absolute_url())}#reactie-\d+$"))
    reply = Reply.objects.get(thread=thread, author=author)
    assert reply.body == REPLY_TEXT
    return reply


def report_reply(page: Page, base_url: str, thread: Thread, reply: Reply):
    """The reporter follows the reply's report link, chooses "confidential" and sends the report."""
    page.goto(base_url + thread.get_absolute_url())
    report_link = page.locator(f'#reactie-{reply.pk} a[href="/reactie/{reply.pk}/melden/"]')
    expect(report_link).to_have_count(1)
    report_link.click()
    expect(page).to_have_url(f"{base_url}/reactie/{reply.pk}/melden/")
    form = page.locator("form:has(input[name=reason])")
    form.locator(f"input[name=reason][value={ReportReason.CONFIDENTIAL.value}]").check()
    form.locator("button[type=submit]").click()
    # Back at the reply, with a thank-you message.
    expect(page).not_to_have_url(re.compile(r"/melden/$"))
    expect(page.locator(".messages .alert-success")).to_have_count(1)


def uphold_report(page: Page, base_url: str, reply: Reply):
    """The moderator finds the reply in the queue and upholds the reports with a reason, which hides it."""
    page.goto(base_url + "/moderatie/")
    expect(page).to_have_url(base_url + "/moderatie/")
    uphold = page.locator(f'form[action="/moderatie/reactie/{reply.pk}/uphold/"]')
    item = page.locator("ol.report-queue > li > article").filter(has=uphold)
    expect(item).to_have_count(1)
    expect(item.locator(".report-excerpt")).to_contain_text(REPLY_TEXT)
    expect(item.locator(".report-reasons li")).to_have_count(1)
    uphold.locator("textarea[name=note]").fill(HIDING_REASON)
    uphold.locator("button[type=submit]").click()
    expect(page).to_have_url(base_url + "/moderatie/")
    expect(page.locator(".messages .alert-success")).to_have_count(1)
    expect(page.locator(f'form[action="/moderatie/reactie/{reply.pk}/uphold/"]')).to_have_count(0)


def expect_reply_on_thread_page(page: Page, base_url: str, thread: Thread, reply: Reply, *, visible: bool):
    """What a visitor sees of the reply on the thread page: all of it, or nothing."""
    page.goto(base_url + thread.get_absolute_url())
    expect(page.locator("h1")).to_have_text(THREAD_TITLE)
    if visible:
        expect(page.locator(f"#reactie-{reply.pk} .post-body")).to_have_text(REPLY_TEXT)
    else:
        expect(page.locator(f"#reactie-{reply.pk}")).to_have_count(0)
        expect(page.locator("main")).not_to_contain_text(REPLY_TEXT)


def read_statement_of_reasons(page: Page, base_url: str, author):
    """The author's notifications hold the statement of reasons: the thread and the moderator's reason."""
    notification = Notification.objects.get(recipient=author, kind=Kind.MODERATION)
    page.goto(base_url + "/meldingen/")
    statement = page.locator(f"#notification-{notification.pk} .notification-link")
    expect(statement).to_contain_text(HIDING_REASON)
    expect(statement).to_contain_text(THREAD_TITLE)
    # It says where to object.
    expect(statement).to_contain_text("/bezwaar/")
    page.locator('main a[href="/bezwaar/"]').click()
    expect(page).to_have_url(base_url + "/bezwaar/")


def object_to(page: Page, base_url: str, decision: ModerationLog):
    """The author opens the decision from the list of decisions they can object to, and objects."""
    page.locator(f'main a[href="/bezwaar/{decision.pk}/"]').click()
    expect(page).to_have_url(f"{base_url}/bezwaar/{decision.pk}/")
    expect(page.locator("main")).to_contain_text(HIDING_REASON)
    form = page.locator("form:has(textarea[name=text])")
    form.locator("textarea[name=text]").fill(OBJECTION_TEXT)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(base_url + "/bezwaar/")
    expect(page.locator(".messages .alert-success")).to_have_count(1)
    # Objected once: the decision is no longer offered.
    expect(page.locator(f'main a[href="/bezwaar/{decision.pk}/"]')).to_have_count(0)


def uphold_objection(page: Page, base_url: str, objection: Objection):
    """Another moderator finds the objection in the queue, with the decision's reason and the text, and upholds it."""
    page.goto(base_url + "/moderatie/")
    item = page.locator(f".objection-queue article:has(#objection-{objection.pk})")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(HIDING_REASON)
    expect(item.locator("blockquote")).to_have_text(OBJECTION_TEXT)
    item.locator(
        f'form[action="/moderatie/bezwaar/{objection.pk}/"]:has(input[name=decision][value=uphold]) button[type=submit]'
    ).click()
    expect(page).to_have_url(base_url + "/moderatie/")
    expect(page.locator(".messages .alert-success")).to_have_count(1)
    expect(page.locator(f"#objection-{objection.pk}")).to_have_count(0)


def check_figures(page: Page, base_url: str):
    """The figures page, in English, counts this month's report, hiding, restoring and upheld report."""
    page.goto(base_url + "/moderatie-in-cijfers/")
    with translation.override("en"):
        this_month = date_format(timezone.localdate(), "F Y")
        confidential = str(ReportReason.CONFIDENTIAL.label)
    confidential = confidential[:1].upper() + confidential[1:]

    reports = page.locator("table", has=page.locator("caption", has_text="Reports received per month"))
    assert cell(reports, this_month, confidential) == "1"
    assert cell(reports, this_month, "Total") == "1"
    for reason in ReportReason:
        if reason != ReportReason.CONFIDENTIAL:
            with translation.override("en"):
                label = str(reason.label)
            assert cell(reports, this_month, label[:1].upper() + label[1:]) == "0", reason

    decisions = page.locator("table", has=page.locator("caption", has_text="Moderation decisions per month"))
    expected = {
        "Hidden by a moderator": "1",
        "Hidden automatically after reports": "0",
        "Shown again": "1",
        "Reports upheld": "1",
        "Reports dismissed": "0",
    }
    assert {header: cell(decisions, this_month, header) for header in expected} == expected


def cell(table: Locator, row_header: str, column_header: str) -> str:
    """The text of the body cell in the row headed ``row_header`` and the column headed ``column_header``."""
    expect(table).to_have_count(1)
    headers = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    assert column_header in headers, f"no column {column_header!r} in {headers}"
    column = headers.index(column_header)
    row = table.locator("tbody tr").filter(has=table.page.locator("th[scope=row]", has_text=row_header))
    expect(row).to_have_count(1)
    # The row's header is the row's first cell, as the month is the first column header.
    return row.locator("th, td").nth(column).inner_text().strip()
