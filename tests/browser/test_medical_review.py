"""An editor submits a procedure for medical review; the reviewer finds it on the dashboard,
sees what changed since it was published, is offered the review's choices and not a second
"Publish", approves it and is told when the next review is due; the public page shows the
new review dates."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from checks.browser import axe_blocking_violations
from demo.loader import DemoLoader
from procedures.models import ProcedurePage

# serialized_rollback: the groups and workflow made by migrations come back after each test.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1280, "height": 900}
PASSWORDS = {"editor": "editor-pw-for-tests-2026", "reviewer": "reviewer-pw-for-tests-2026"}


@pytest.fixture
def demo(transactional_db, monkeypatch):
    monkeypatch.setenv("DEMO_EDITOR_PASSWORD", PASSWORDS["editor"])
    monkeypatch.setenv("DEMO_REVIEWER_PASSWORD", PASSWORDS["reviewer"])
    DemoLoader().load()


def sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORDS[username])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_editor_submits_reviewer_approves_page_shows_the_review(page: Page, live_server, demo):
    page.set_viewport_size(DESKTOP)
    procedure = ProcedurePage.objects.get(slug="lumbar-puncture")
    edit_url = f"{live_server.url}/admin/pages/{procedure.id}/edit/"

    # The editor changes the summary and submits the page for medical review.
    sign_in(page, live_server, "editor")
    page.goto(edit_url)
    page.get_by_role("textbox", name="Summary").fill(
        "A test of the fluid around the brain and spine."
    )
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name=re.compile("Submit to Medical review")).click()
    expect(page.get_by_text(re.compile("submitted for medical review", re.I))).to_be_visible()

    # The reviewer finds it on the dashboard, reads the reading grade and approves it.
    sign_in(page, live_server, "reviewer")
    awaiting = page.locator("section", has_text="Awaiting your review")
    awaiting.get_by_role("link", name="Lumbar Puncture").first.click()
    expect(page).to_have_url(re.compile(rf"/admin/pages/{procedure.id}/edit/"))
    expect(page.locator(".reading-grades").first).to_contain_text("Readability:")
    expect(page.get_by_text("Waiting for your medical review.")).to_be_visible()
    compare_url = page.get_by_role("link", name="What changed").get_attribute("href")

    # What changed: Wagtail's comparison of the published page with the submitted draft.
    # Opened in this tab, then back: a second tab would leave the editor's autosave running
    # beside the approval.
    page.goto(live_server.url + compare_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Compare")
    expect(page.locator(".addition").filter(has_text="brain").first).to_be_visible()
    page.goto(edit_url)

    page.get_by_role("button", name="More actions").click()
    menu = page.locator("footer")
    expect(menu.get_by_role("button", name="Approve and Publish", exact=True)).to_be_visible()
    expect(menu.get_by_role("button", name="Request changes")).to_be_visible()
    for hidden in ("Publish", "Unpublish", "Cancel workflow"):
        expect(menu.get_by_role("button", name=hidden, exact=True)).to_have_count(0)
        expect(menu.get_by_role("link", name=hidden, exact=True)).to_have_count(0)

    menu.get_by_role("button", name="Approve and Publish", exact=True).click()
    today = timezone.localdate()
    expect(page.get_by_role("status").first).to_contain_text("Lumbar Puncture")
    expect(
        page.get_by_text(
            re.compile(r"approved and published; next review due \w{3} \d{1,2}, \d{4}\.")
        )
    ).to_be_visible()

    # Patients see the new summary and today's review on the public page.
    page.context.clear_cookies()
    page.goto(live_server.url + procedure.url)
    byline = page.locator("dl.byline")
    expect(byline).to_contain_text("Reviewed by")
    last_reviewed = byline.locator("div").filter(has=page.locator("dt", has_text="Last reviewed"))
    expect(last_reviewed.locator("time")).to_have_attribute("datetime", today.isoformat())
    expect(byline).to_contain_text("Next review due")
    assert axe_blocking_violations(page) == []

    procedure.refresh_from_db()
    assert procedure.last_reviewed == today
    assert procedure.summary == "A test of the fluid around the brain and spine."
