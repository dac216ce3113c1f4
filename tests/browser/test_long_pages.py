"""A long procedure page read on a phone and a desktop, printed, and the policy pages, in Chromium."""

import io
import re
import unicodedata

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from checks.browser import axe_blocking_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PROCEDURE = "/procedures/occipital-nerve-block/"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def focus_follows(page, selector):
    """True when the focused element comes after `selector`'s element in the document."""
    return page.evaluate(
        """selector => {
            const target = document.querySelector(selector);
            const focused = document.activeElement;
            return focused !== target && focused !== document.body
                && !!(target.compareDocumentPosition(focused) & Node.DOCUMENT_POSITION_FOLLOWING);
        }""",
        selector,
    )


def test_phone_then_desktop_then_every_width(page: Page, live_server, demo):
    # One test for the screen sizes: each browser test loads the whole demo afresh.
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + PROCEDURE)
    assert axe_blocking_violations(page) == []

    contents = page.get_by_role("navigation", name="On this page")
    expect(contents).to_be_visible()
    # The list is compact: the first section's heading is still on the first screen,
    # under whatever site notice is on (the demo runs one; notices are temporary and
    # meant to push the page down while they last).
    notices = page.locator(".site-notices")
    notice_height = box(page, ".site-notices")["height"] if notices.count() else 0
    assert box(page, "#overview h2")["y"] - notice_height + 30 < PHONE["height"]
    # The request box is there too, compact, above the first section (tests/browser/test_patient_browse.py).
    expect(
        page.locator(".side-cta").get_by_role("link", name="Request appointment")
    ).to_be_visible()

    prepare = contents.get_by_role("link", name="How do you prepare?")
    prepare.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + PROCEDURE + "#preparation")
    heading = page.get_by_role("heading", name="How do you prepare for an occipital nerve block?")
    expect(heading).to_be_in_viewport()
    assert 0 <= box(page, "#preparation h2")["y"] < 100
    # Keyboard focus goes on from the section, not back to the contents list.
    page.keyboard.press("Tab")
    assert focus_follows(page, "#preparation")
    assert page.evaluate("!document.activeElement.closest('.on-this-page')")

    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + PROCEDURE)
    assert axe_blocking_violations(page) == []
    side = page.locator(".long-page__side")
    request_box = page.get_by_role("complementary", name="Appointments")
    expect(request_box).to_be_in_viewport()
    expect(request_box.get_by_role("link", name="Request appointment")).to_have_attribute(
        "href", "/request-appointment/?procedure=occipital-nerve-block"
    )
    expect(request_box.get_by_role("link", name="(203) 555-0142")).to_be_visible()
    first = box(page, "#overview")
    beside = box(page, ".side-cta")
    assert beside["x"] >= first["x"] + first["width"]  # to the right of the text
    assert (
        beside["y"] < first["y"] + first["height"] and first["y"] < beside["y"] + beside["height"]
    )
    # The reading column holds about 70 characters a line.
    per_line = page.evaluate(
        """() => {
            const p = document.querySelector('#overview p');
            const context = document.createElement('canvas').getContext('2d');
            context.font = getComputedStyle(p).font;
            const text = p.textContent;
            return p.clientWidth / (context.measureText(text).width / text.length);
        }"""
    )
    assert 55 <= per_line <= 80, per_line
    # The contents and the request box stay beside the text as it scrolls.
    page.locator("#risks").scroll_into_view_if_needed()
    expect(side.get_by_role("link", name="What are the potential risks?")).to_be_in_viewport()
    expect(request_box).to_be_in_viewport()

    for width in (320, 360, 480, 768, 1024, 1280, 1920):
        page.set_viewport_size({"width": width, "height": 800})
        for path in (PROCEDURE, "/conditions/headache/", "/privacy/"):
            page.goto(live_server.url + path)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{path} scrolls sideways at {width} px ({scroll} px wide)"


def pdf_text(page):
    """The text of the page printed to PDF by Chromium, ligatures unfolded, one space a gap."""
    reader = PdfReader(io.BytesIO(page.pdf(format="Letter")))
    text = " ".join(sheet.extract_text() for sheet in reader.pages)
    return " ".join(unicodedata.normalize("NFKC", text).split()), len(reader.pages)


def test_printed_sheet_and_print_view(page: Page, live_server, demo, browser):
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + PROCEDURE)
    button = page.get_by_role("button", name="Print this page")
    expect(button).to_be_visible()
    page.evaluate("window.print = () => { window.printed = true; }")
    button.click()
    assert page.evaluate("window.printed === true")

    text, sheets = pdf_text(page)
    # Three sheets since the after-care advice prints too: the patient takes home
    # when to call the practice and when to call 911.
    assert sheets <= 3
    for words in (
        "Call 911 now if",
        "Elie Sader, MD",
        "Phone (203) 555-0142",
        "Occipital Nerve Block",
        "How do you prepare for an occipital nerve block?",
        "Tell us about blood thinners and any allergies to numbing medicines or steroids.",
        "What are the potential risks for an occipital nerve block?",
        "Last reviewed",
        "The latest version of this page is at http://localhost" + PROCEDURE,
    ):
        assert words in text, words
    for words in (
        "Menu",
        "Search",
        "Skip to main content",
        "Meet The Team",
        "Plan Your Visit",
        "On this page",
        "More procedures",
        "Request appointment",
        "Print this page",
        "Newsletter",
        "All rights reserved",
    ):
        assert words not in text, words
    assert text.index("Phone (203) 555-0142") < text.index("What is an occipital nerve block?")
    assert text.index("How do you prepare") < text.index("Last reviewed")

    page.goto(live_server.url + PROCEDURE + "?print=1")
    assert axe_blocking_violations(page) == []

    # ?print=1 shows the same sheet on screen, without JavaScript (axe needs it: checked above).
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    plain = context.new_page()
    plain.goto(live_server.url + PROCEDURE + "?print=1")
    expect(plain.locator(".print-header")).to_be_visible()
    expect(plain.get_by_text("Phone (203) 555-0142")).to_be_visible()
    for hidden in (".site-header", ".site-footer", ".long-page__side", ".cta", ".more-pages"):
        expect(plain.locator(hidden)).to_be_hidden()
    expect(plain.get_by_role("button", name="Print this page")).to_have_count(0)
    expect(plain.get_by_role("link", name="Back to the full page")).to_be_visible()
    printed, _ = pdf_text(plain)
    assert printed == text
    context.close()


def test_footer_policy_pages_are_accessible(page: Page, live_server, demo):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + PROCEDURE)
    footer = page.get_by_role("contentinfo")
    footer.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    expect(page.get_by_role("heading", name="Ask for help or another format")).to_be_visible()
    assert axe_blocking_violations(page) == []

    page.get_by_role("contentinfo").get_by_role("link", name="Website privacy notice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Website privacy notice")
    retention = page.locator("#retention-appointments")
    expect(retention).to_have_text(re.compile(r"deleted 365 days after the request is closed"))
    assert axe_blocking_violations(page) == []
    page.get_by_role("link", name="Read our Notice of Privacy Practices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Notice of Privacy Practices (template)"
    )
