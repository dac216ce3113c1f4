"""A patient with a condition searches for it, reads it, and finds the treatment and the clinic."""

import pytest
from playwright.sync_api import Page, expect

from checks.browser import axe_blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_condition_treatment_location_then_axe_on_team_and_search(
    page: Page, live_server, demo
):
    page.goto(live_server.url + "/")
    search = page.get_by_role("combobox", name="Search the site")
    search.fill("headache")
    search.press("Enter")
    expect(page).to_have_url(live_server.url + "/search/?q=headache")
    expect(page.get_by_role("heading", level=1)).to_contain_text("headache")
    assert axe_blocking_violations(page) == []

    page.get_by_role("link", name="Headache", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Headache")
    emergency = page.get_by_role("heading", name="Call 911 now if:")
    expect(emergency).to_be_visible()
    # Near the top, after "What is a headache?", before the other questions.
    headings = page.locator("main h2").all_inner_texts()
    assert headings.index("What is a headache?") < headings.index("Call 911 now if:")
    assert headings.index("Call 911 now if:") < headings.index("What causes headaches?")
    assert axe_blocking_violations(page) == []

    treatments = page.locator("section[aria-labelledby=treatments]")
    treatments.get_by_role("link", name="Occipital Nerve Block").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Occipital Nerve Block")

    page.locator("section[aria-labelledby=offered-at]").get_by_role(
        "link", name="NYC Carroll Gardens"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("NYC Carroll Gardens")
    expect(page.get_by_role("table")).to_contain_text("Wednesday")
    expect(page.get_by_role("link", name="(718) 555-0145")).to_be_visible()
    assert axe_blocking_violations(page) == []
    # One test, one demo load (each browser test loads the whole demo afresh).
    for path in ("/about/team/", "/about/meet-dr-sader/", "/locations/", "/search/?q=xylophone"):
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert axe_blocking_violations(page) == [], path
