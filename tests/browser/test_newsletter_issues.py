"""An editor writes a newsletter issue in the admin, sends a test to themselves, then sends it;
a subscriber's unsubscribe link from the email works; the archive and issue pages pass axe."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from wagtail.models import Site

from checks.browser import axe_blocking_violations
from demo.loader import DemoLoader
from newsletter.models import NewsletterIssuePage, NewsletterSettings, NewsletterSubscriber
from tests import factories

# serialized_rollback: the groups and their permissions made by migrations come back.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "editor-pw-for-tests-2026"


@pytest.fixture
def demo(transactional_db, monkeypatch):
    monkeypatch.setenv("DEMO_EDITOR_PASSWORD", PASSWORD)
    DemoLoader().load()
    site = Site.objects.get(is_default_site=True)
    NewsletterSettings.objects.update_or_create(
        site=site, defaults={"postal_address": "12 Harbour Road, Springfield"}
    )
    archive = factories.NewsletterIndexPageFactory(parent=site.root_page)
    for n in range(2):
        factories.NewsletterSubscriberFactory(email=f"reader{n}@example.test", confirmed=True)
    factories.NewsletterSubscriberFactory(email="pending@example.test")
    return archive


def test_editor_writes_tests_and_sends_an_issue_and_a_reader_unsubscribes(
    page: Page, live_server, demo, mailoutbox
):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.goto(f"{live_server.url}/admin/pages/add/newsletter/newsletterissuepage/{demo.pk}/")
    page.get_by_role("textbox", name="Title").fill("Winter news")
    page.get_by_role("textbox", name="Summary").fill("Our clinics over the holidays.")
    page.locator(".Draftail-Editor [contenteditable='true']").first.click()
    page.keyboard.type("Both clinics close on the 25th and open again on the 27th.")
    # Draftail writes what was typed into the form's field a moment later (its save
    # interval): publishing before then sends an empty body.
    expect(page.locator("#id_body")).to_have_value(re.compile("open again on the 27th"))
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Winter news")
    issue = NewsletterIssuePage.objects.get(title="Winter news")
    assert issue.live

    page.goto(f"{live_server.url}/admin/newsletter/issues/{issue.pk}/sending/")
    page.get_by_role("button", name="Send a test to me").click()
    expect(page.get_by_role("status").first).to_contain_text("editor@example.test")
    (test,) = mailoutbox
    assert test.to == ["editor@example.test"] and test.subject == "[Test] Winter news"

    page.get_by_role("button", name="Send to 2 confirmed subscribers").click()
    expect(page.get_by_role("status").first).to_contain_text("queued for 2")
    expect(page.locator("dd[data-count='sent']")).to_have_text("2")
    recipients = sorted(address for message in mailoutbox[1:] for address in message.to)
    assert recipients == ["reader0@example.test", "reader1@example.test"]

    # The reader follows the email's unsubscribe link.
    page.context.clear_cookies()
    (message,) = [m for m in mailoutbox if m.to == ["reader0@example.test"]]
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in message.body
    page.goto(live_server.url + urlsplit(link).path)
    assert axe_blocking_violations(page) == []
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("unsubscribed", re.I))
    assert not NewsletterSubscriber.objects.filter(email="reader0@example.test").exists()

    # The archive lists the issue; both pages pass axe on a phone and a desktop.
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + demo.url)
        expect(page.get_by_role("link", name="Winter news")).to_be_visible()
        assert axe_blocking_violations(page) == []
        page.goto(live_server.url + issue.url)
        expect(page.get_by_role("heading", level=1)).to_have_text("Winter news")
        expect(page.locator("article")).to_contain_text("Both clinics close")
        assert axe_blocking_violations(page) == []
