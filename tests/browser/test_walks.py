"""The walk of issue 24, one test per role, in a real browser: a patient on a phone, the
demo's editor, reviewer and front desk at a desk.

Each screen is saved as test-artifacts/walks/<role>/NN-step.png (the README says so; CI
keeps the folder) and, when the project renders it (our templates, our admin views on
Wagtail's admin), checked with axe. The staff sign in with their password; the second
factor counts as verified in tests (tests/conftest.py, forced_logins_have_a_second_factor).
"""

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect
from wagtail.models import ModelLogEntry

from appointments.models import AppointmentRequest
from checks.browser import axe_blocking_violations
from demo.loader import DemoLoader
from procedures.models import ProcedurePage
from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WALKS = Path(__file__).resolve().parents[2] / "test-artifacts" / "walks"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
PASSWORDS = {
    "editor": "editor-walk-pw-2026",
    "reviewer": "reviewer-walk-pw-2026",
    "frontdesk": "frontdesk-walk-pw-2026",
}
# Wagtail's own markup on the admin screens around our views, which we do not render and
# cannot change: axe skips these rules there (never on the public pages).
WAGTAIL_ADMIN_RULES = (
    # Draftail, Wagtail's rich text editor, gives its editable box role="textbox" with a
    # placeholder but no name (the field's label is not tied to it).
    "aria-input-field-name",
)


# No transition or animation with an end still running.
SETTLED = """() => document.getAnimations().every(
    (a) => a.playState !== "running" || a.effect.getComputedTiming().endTime === Infinity
)"""
# How much of the screen a box scrolling on its own hides (0 when the page itself scrolls).
HIDDEN_BY_INNER_SCROLLING = """() => {
    let hidden = 0;
    for (const box of document.querySelectorAll("body *")) {
        const overflow = getComputedStyle(box).overflowY;
        if ((overflow === "auto" || overflow === "scroll")
            && box.clientHeight > window.innerHeight / 2) {
            hidden = Math.max(hidden, box.scrollHeight - box.clientHeight);
        }
    }
    return hidden;
}"""
MAX_SCREENSHOT_HEIGHT = 8000


class Walk:
    """A person's way through the site: each screen saved in order and checked with axe."""

    def __init__(self, page, role):
        self.page = page
        self.folder = WALKS / role
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.step = 0

    def screen(self, name, *, admin=False):
        """Save the screen as NN-name.png; axe finds nothing blocking on it."""
        self.step += 1
        self.page.wait_for_load_state("load")
        # A message fading in is not yet the colour it will be: axe would misread it.
        self.page.wait_for_function(SETTLED)
        self.save(self.folder / f"{self.step:02d}-{name}.png")
        skipped = WAGTAIL_ADMIN_RULES if admin else ()
        assert axe_blocking_violations(self.page, disabled_rules=skipped) == [], name

    def save(self, path):
        """The whole screen, also where it scrolls inside a box (Wagtail's admin does)."""
        viewport = self.page.viewport_size
        hidden = self.page.evaluate(HIDDEN_BY_INNER_SCROLLING)
        if hidden:
            self.page.set_viewport_size(
                {**viewport, "height": min(viewport["height"] + hidden, MAX_SCREENSHOT_HEIGHT)}
            )
        self.page.screenshot(path=path, full_page=True)
        if hidden:
            self.page.set_viewport_size(viewport)

    def no_sideways_scrolling(self):
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.page.viewport_size["width"], f"{width} px wide"


@pytest.fixture
def demo(transactional_db, monkeypatch, settings):
    for username, password in PASSWORDS.items():
        monkeypatch.setenv(f"DEMO_{username.upper()}_PASSWORD", password)
    DemoLoader().load()
    cache.clear()
    # The test fills the form faster than a person could; the timer is tested elsewhere.
    settings.APPOINTMENT_MIN_FILL_SECONDS = 0
    yield
    cache.clear()


def sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORDS[username])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_patient_searches_reads_a_procedure_on_a_phone_and_requests_an_appointment(
    page: Page, live_server, demo
):
    walk = Walk(page, "patient")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    walk.no_sideways_scrolling()
    walk.screen("home")

    search = page.get_by_role("combobox", name="Search the site")
    search.fill("nerve block")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=nerve\+block"))
    results = page.locator("main")
    expect(results.get_by_role("link", name="Occipital Nerve Block").first).to_be_visible()
    walk.screen("search")

    results.get_by_role("link", name="Occipital Nerve Block").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Occipital Nerve Block")
    # On the first screens of a phone: a way to ask for an appointment (issue 24, item 2).
    request_link = page.get_by_role("link", name="Request appointment").first
    assert request_link.bounding_box()["y"] < 2 * PHONE["height"]
    walk.no_sideways_scrolling()
    walk.screen("procedure")

    request_link.click()
    expect(page).to_have_url(re.compile(r"/request-appointment/\?procedure=occipital-nerve-block"))
    form = page.locator("form.appointment-form")
    expect(form.get_by_label("Reason for your visit").locator("option:checked")).to_have_text(
        "Occipital Nerve Block"
    )
    walk.no_sideways_scrolling()
    walk.screen("request-form")

    form.get_by_label("First name").fill("Rosalind")
    form.get_by_label("Last name").fill("Quimby")
    form.get_by_label("Phone number").fill("(203) 555-0187")
    form.get_by_label("Phone call").check()
    form.get_by_label("New patient").check()
    form.get_by_label("Greenwich/Stamford, CT").check()
    form.get_by_label("Weekday mornings").check()
    form.get_by_label("I agree to be contacted").check()
    form.get_by_role("button", name="Send request").click()

    expect(page.get_by_role("heading", name="Request received")).to_be_visible()
    stored = AppointmentRequest.objects.get()
    expect(page.locator(".appointment__reference")).to_contain_text(stored.reference)
    # They asked for a call, and the page says a call is what comes (item 7).
    expect(page.locator("main")).to_contain_text(re.compile(r"call", re.I))
    walk.no_sideways_scrolling()
    walk.screen("thank-you")


def test_editor_edits_a_procedure_reads_its_reading_level_and_submits_it(
    page: Page, live_server, demo
):
    walk = Walk(page, "editor")
    page.set_viewport_size(DESKTOP)
    procedure = ProcedurePage.objects.get(slug="lumbar-puncture")
    sign_in(page, live_server, "editor")
    walk.screen("dashboard", admin=True)

    page.goto(f"{live_server.url}/admin/pages/{procedure.id}/edit/")
    summary = page.get_by_role("textbox", name="Summary")
    summary.fill("A test of the fluid around the brain and spine.")
    walk.screen("edit-procedure", admin=True)

    reading_level = page.locator(".reading-grades").first
    expect(reading_level.locator(".reading-grades__verdict")).to_contain_text("Readability:")
    reading_level.get_by_text("Grade of each section").click()
    expect(reading_level.locator(".reading-grades__sections")).to_be_visible()
    reading_level.scroll_into_view_if_needed()
    walk.screen("reading-level", admin=True)

    page.get_by_role("button", name="More actions").click()
    submit = page.get_by_role("button", name=re.compile("Submit to Medical review"))
    expect(submit).to_be_visible()
    walk.screen("submit-menu", admin=True)
    submit.click()
    expect(page.get_by_text(re.compile("submitted for medical review", re.I))).to_be_visible()
    walk.screen("submitted", admin=True)

    procedure = ProcedurePage.objects.get(pk=procedure.pk)
    assert procedure.get_latest_revision_as_object().summary.startswith("A test of the fluid")
    assert procedure.current_workflow_state is not None


@pytest.fixture
def in_review(demo, django_user_model):
    """Lumbar Puncture with a new summary, submitted for medical review by the editor."""
    procedure = ProcedurePage.objects.get(slug="lumbar-puncture")
    editor = django_user_model.objects.get(username="editor")
    draft = procedure.get_latest_revision_as_object()
    draft.summary = "A test of the fluid around the brain and spine."
    draft.save_revision(user=editor)
    procedure.get_workflow().start(procedure, editor)
    return procedure


def test_reviewer_opens_the_task_sees_what_changed_and_approves(page: Page, live_server, in_review):
    walk = Walk(page, "reviewer")
    page.set_viewport_size(DESKTOP)
    procedure = in_review
    sign_in(page, live_server, "reviewer")
    awaiting = page.locator("section", has_text="Awaiting your review")
    expect(awaiting.get_by_role("link", name="Lumbar Puncture").first).to_be_visible()
    walk.screen("dashboard", admin=True)

    awaiting.get_by_role("link", name="Lumbar Puncture").first.click()
    expect(page.get_by_text("Waiting for your medical review.")).to_be_visible()
    walk.screen("task", admin=True)

    compare_url = page.get_by_role("link", name="What changed").get_attribute("href")
    page.goto(live_server.url + compare_url)
    expect(page.locator(".addition").filter(has_text="brain").first).to_be_visible()
    walk.screen("what-changed", admin=True)

    page.goto(f"{live_server.url}/admin/pages/{procedure.id}/edit/")
    page.get_by_role("button", name="More actions").click()
    approve = page.locator("footer").get_by_role("button", name="Approve and Publish", exact=True)
    expect(approve).to_be_visible()
    walk.screen("choices", admin=True)

    approve.click()
    approved = page.get_by_text(
        re.compile(r"approved and published; next review due \w{3} \d{1,2}, \d{4}\.")
    )
    expect(approved).to_be_visible()
    walk.screen("approved", admin=True)

    page.context.clear_cookies()
    page.goto(live_server.url + procedure.url)
    last_reviewed = page.locator("dl.byline div").filter(
        has=page.locator("dt", has_text="Last reviewed")
    )
    expect(last_reviewed.locator("time")).to_have_attribute(
        "datetime", timezone.localdate().isoformat()
    )
    walk.screen("published-page")


@pytest.fixture
def requests_waiting(demo):
    """Two new requests (one asked about a procedure) and one set aside as possible spam."""
    rosalind = factories.AppointmentRequestFactory(
        first_name="Rosalind",
        last_name="Quimby",
        phone="+12035550187",
        reason_name="Occipital Nerve Block",
        message="Mornings are best.",
    )
    factories.AppointmentRequestFactory(first_name="Amos", last_name="Burton")
    spam = factories.AppointmentRequestFactory(
        first_name="Cheap",
        last_name="Pills",
        status=AppointmentRequest.Status.SPAM,
        spam_reasons="2 links in the message",
    )
    return rosalind, spam


def test_front_desk_calls_back_restores_a_set_aside_request_and_exports(
    page: Page, live_server, requests_waiting
):
    walk = Walk(page, "frontdesk")
    page.set_viewport_size(DESKTOP)
    rosalind, spam = requests_waiting
    sign_in(page, live_server, "frontdesk")
    expect(page.get_by_text("2 new requests")).to_be_visible()
    menu_item = page.get_by_role("link", name="Appointment requests (2 new)")
    expect(menu_item).to_be_visible()
    # The whole label shows in the sidebar, the count too (issue 24, item 4).
    label = menu_item.locator(".menuitem-label")
    assert label.evaluate("el => el.scrollWidth <= el.clientWidth")
    walk.screen("dashboard", admin=True)

    menu_item.click()
    expect(page.get_by_role("link", name=rosalind.reference)).to_be_visible()
    walk.screen("requests", admin=True)

    page.get_by_role("link", name=rosalind.reference).click()
    expect(page.get_by_text("Rosalind", exact=True)).to_be_visible()
    walk.screen("request", admin=True)

    page.get_by_role("link", name="Change status or add a note").click()
    summary = page.locator(".appointment-summary")
    expect(summary).to_contain_text("From Rosalind Quimby")
    expect(summary).to_contain_text("Occipital Nerve Block")
    expect(summary.locator("a.appointment-phone")).to_have_attribute("href", "tel:+12035550187")
    page.get_by_role("combobox", name="Status").select_option("contacted")
    page.get_by_role("textbox", name="Add a note").fill("Called back, booked Tuesday 9am.")
    walk.screen("change-status", admin=True)

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Called back, booked Tuesday 9am.")).to_be_visible()
    expect(page.locator(".appointment-log").first).to_contain_text("by frontdesk")
    walk.screen("status-changed", admin=True)

    page.goto(live_server.url + "/admin/appointment-requests/")
    page.get_by_role("link", name="1 request set aside as possible spam").click()
    expect(page.get_by_role("cell", name="2 links in the message")).to_be_visible()
    walk.screen("set-aside", admin=True)

    page.get_by_role("link", name=spam.reference).click()
    expect(page.locator(".appointment-set-aside")).to_contain_text("2 links in the message")
    walk.screen("set-aside-request", admin=True)

    page.get_by_role("button", name="Not spam: back to new requests").click()
    expect(page.locator(".appointment-log").first).to_contain_text("possible spam")
    spam.refresh_from_db()
    assert spam.status == AppointmentRequest.Status.NEW
    walk.screen("restored", admin=True)

    page.goto(live_server.url + "/admin/appointment-requests/")
    expect(page.get_by_role("link", name="Appointment requests (2 new)")).to_be_visible()
    walk.screen("requests-after", admin=True)
    page.get_by_role("button", name="Actions").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    assert {row["Reference"] for row in rows} == {
        request.reference for request in AppointmentRequest.objects.all()
    }
    # Every exported request's history says who exported it.
    exports = ModelLogEntry.objects.filter(action="appointments.export")
    assert exports.count() == len(rows)
    assert {entry.user.username for entry in exports} == {"frontdesk"}

    page.goto(f"{live_server.url}/admin/appointment-requests/history/{rosalind.pk}/")
    expect(page.locator("main")).to_contain_text(re.compile("export", re.I))
    walk.screen("history", admin=True)
