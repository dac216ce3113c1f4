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
    expect(page.get_by_role("link", name="Services", exact=True)).to_be_hidden()

    menu_button.focus()
    page.keyboard.press("Enter")
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    services = page.get_by_role("link", name="Services", exact=True)
    expect(services).to_be_visible()

    # Tab to the Services section's own button and open it with the keyboard.
    services_toggle = page.get_by_role("button", name="Services pages")
    tab_to(page, services_toggle, "The Services section's button")
    page.keyboard.press("Enter")
    expect(services_toggle).to_have_attribute("aria-expanded", "true")

    procedure_link = page.get_by_role("link", name="Occipital Nerve Block", exact=True)
    expect(procedure_link).to_be_visible()
    tab_to(page, procedure_link, "The Occipital Nerve Block link")
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server.url + "/procedures/occipital-nerve-block/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Occipital Nerve Block")
    headings = page.locator("main h2").all_inner_texts()
    for question in (
        "What is Occipital Nerve Block?",
        "How do you prepare for Occipital Nerve Block?",
        "Why is Occipital Nerve Block performed?",
        "What can you expect during Occipital Nerve Block?",
        "What is the follow-up like for Occipital Nerve Block?",
        "What are the potential risks for Occipital Nerve Block?",
    ):
        assert question in headings
    assert headings.index("What is Occipital Nerve Block?") < headings.index(
        "What are the potential risks for Occipital Nerve Block?"
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
