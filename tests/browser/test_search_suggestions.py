"""On a phone, a patient types part of a procedure's name in the header's search box,
picks the suggestion with the keyboard and lands on the page; the results page with a
spelling correction passes axe; without JavaScript the box is the plain search form."""

import pytest
from playwright.sync_api import Page, expect

from checks.browser import axe_blocking_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 740}
# More presses of ArrowDown than there are suggestions: a missing option fails, not hangs.
MAX_ARROWS = 10


def test_pick_a_suggestion_by_keyboard_then_a_corrected_search(page: Page, live_server, demo):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    box = page.get_by_role("combobox", name="Search the site")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press_sequentially("lumbar pu", delay=30)

    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(box).to_have_attribute("aria-controls", "site-search-suggestions")
    target = listbox.get_by_role("option", name="Lumbar Puncture")
    expect(target).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="suggestion")).to_have_count(1)
    assert axe_blocking_violations(page) == []

    for _ in range(MAX_ARROWS):
        box.press("ArrowDown")
        if target.get_attribute("aria-selected") == "true":
            break
    else:
        pytest.fail(f"Lumbar Puncture was never chosen in {MAX_ARROWS} presses of ArrowDown")
    expect(box).to_be_focused()
    assert box.get_attribute("aria-activedescendant") == target.get_attribute("id")
    box.press("Enter")

    expect(page).to_have_url(live_server.url + "/procedures/lumbar-puncture/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lumbar Puncture")

    # Escape closes the list and leaves what was typed.
    box = page.get_by_role("combobox", name="Search the site")
    box.press_sequentially("botox", delay=30)
    expect(page.get_by_role("listbox", name="Suggestions")).to_be_visible()
    box.press("Escape")
    expect(page.get_by_role("listbox", name="Suggestions")).to_be_hidden()
    expect(box).to_have_value("botox")

    # A misspelt search: corrected, with the way back to the patient's own words.
    box.fill("sholder injection")
    box.press("Enter")
    expect(page).to_have_url(live_server.url + "/search/?q=sholder+injection")
    expect(page.locator(".search-correction")).to_contain_text(
        "Showing results for shoulder injection"
    )
    expect(page.get_by_role("link", name="search instead for sholder injection")).to_be_visible()
    expect(page.locator("ol.search-results .search-result__title").first).to_have_text(
        "Shoulder Steroid Injection"
    )
    assert axe_blocking_violations(page) == []


def test_without_javascript_the_box_is_a_plain_search_form(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/")
    box = page.get_by_role("searchbox", name="Search the site")
    box.fill("lumbar puncture")
    box.press("Enter")
    expect(page).to_have_url(live_server.url + "/search/?q=lumbar+puncture")
    expect(page.locator("ol.search-results .search-result__title").first).to_have_text(
        "Lumbar Puncture"
    )
    context.close()
