"""A patient on a phone finds a procedure through the menu, by keyboard."""

import pytest
from playwright.sync_api import Page, expect

from checks.browser import axe_blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
# More presses of Tab than any target in these tests is away: a missing target fails, not hangs.
MAX_TABS = 40


def tab_to(page: Page, target, what):
    """Press Tab until `target` (a locator) has the focus; fail after MAX_TABS presses."""
    expect(target).to_have_count(1)
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement", timeout=2_000):
            return
    pytest.fail(f"{what} never got the focus in {MAX_TABS} presses of Tab")


def test_patient_opens_the_menu_by_keyboard_and_reads_a_procedure(page: Page, live_server, demo):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    assert axe_blocking_violations(page) == []

    menu_button = page.get_by_role("button", name="Menu")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="Procedures", exact=True)).to_be_hidden()

    menu_button.focus()
    page.keyboard.press("Enter")
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    procedures = page.get_by_role("link", name="Procedures", exact=True)
    expect(procedures).to_be_visible()

    # Tab to the Procedures section's own button and open it with the keyboard.
    procedures_toggle = page.get_by_role("button", name="Procedures pages")
    tab_to(page, procedures_toggle, "The Procedures section's button")
    page.keyboard.press("Enter")
    expect(procedures_toggle).to_have_attribute("aria-expanded", "true")

    procedure_link = page.get_by_role("link", name="Occipital Nerve Block", exact=True)
    expect(procedure_link).to_be_visible()
    tab_to(page, procedure_link, "The Occipital Nerve Block link")
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server.url + "/procedures/occipital-nerve-block/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Occipital Nerve Block")
    headings = page.locator("main h2").all_inner_texts()
    for question in (
        "What is an occipital nerve block?",
        "How do you prepare for an occipital nerve block?",
        "Why is an occipital nerve block performed?",
        "What can you expect during an occipital nerve block?",
        "What is the follow-up like for an occipital nerve block?",
        "What are the potential risks for an occipital nerve block?",
    ):
        assert question in headings
    assert headings.index("What is an occipital nerve block?") < headings.index(
        "What are the potential risks for an occipital nerve block?"
    )
    assert axe_blocking_violations(page) == []


def test_every_menu_link_is_reachable_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Menu").click()
    expect(page.get_by_role("link", name="Lumbar Puncture")).to_be_visible()
    expect(page.get_by_role("link", name="Plan Your Visit")).to_be_visible()
    page.get_by_role("link", name="Lumbar Puncture").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lumbar Puncture")
    context.close()


def test_desktop_menu_opens_on_keyboard_focus(page: Page, live_server, demo):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    page.get_by_role("link", name="About", exact=True).focus()
    expect(page.get_by_role("link", name="Meet The Team")).to_be_visible()


# On a phone, the first way to ask for an appointment is at most this far down the page.
EARLY = 1_200


def top_on_page(locator):
    """How far down the page (in CSS px) an element starts."""
    return locator.evaluate("element => element.getBoundingClientRect().top + window.scrollY")


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/procedures/epidural-steroid-injection/", "procedure=epidural-steroid-injection"),
        ("/conditions/headache/", "condition=headache"),
    ],
)
def test_a_phone_user_can_request_or_call_early(page: Page, live_server, demo, path, query):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + path)
    box = page.get_by_role("complementary", name="Appointments")
    request = box.get_by_role("link", name="Request appointment")
    expect(request).to_be_visible()
    expect(request).to_have_attribute("href", f"/request-appointment/?{query}")
    call = box.get_by_role("link", name="(203) 555-0142")
    expect(call).to_be_visible()
    expect(call).to_have_attribute("href", "tel:+12035550142")
    assert top_on_page(request) < EARLY
    assert top_on_page(call) < EARLY
    # In the flow of the page, not over it: nothing fixed or sticky covers the text.
    assert box.evaluate("element => getComputedStyle(element).position") == "static"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Zoomed to 400 % on a wide screen (a 320 px window), it still reflows: no sideways scrolling.
    page.set_viewport_size({"width": 320, "height": 256})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size(PHONE)
    assert axe_blocking_violations(page) == []
