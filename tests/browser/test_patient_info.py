"""What a patient choosing the practice reads: plans, prices, closures, notices, patient links.

The plans' filter narrows the list as the patient types, and works as a
plain GET form without JavaScript; every page type this changed passes axe
on a phone and on a desktop.
"""

import pytest
from playwright.sync_api import Page, expect

from checks.browser import axe_blocking_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
VISIT = "/locations/plan-your-visit/"


def carriers_shown(page):
    return page.locator("#plans h3:visible").all_inner_texts()


def test_the_plan_filter_narrows_the_list_as_the_patient_types(page: Page, live_server, demo):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + VISIT)
    assert "Aetna" in carriers_shown(page) and "Medicare" in carriers_shown(page)
    page.get_by_label("Find your plan").fill("aetna")
    expect(page.locator("[data-plans-status]")).to_have_text("1 plan matches.")
    assert carriers_shown(page) == ["Aetna"]
    page.get_by_label("Find your plan").fill("cigna")
    expect(page.locator("[data-plans-status]")).to_contain_text("No plan matches “cigna”")
    assert carriers_shown(page) == []
    page.get_by_label("Find your plan").fill("")
    expect(page.locator("[data-plans-status]")).to_have_text("")
    assert "Medicare" in carriers_shown(page)


def test_without_javascript_the_filter_is_a_form_the_server_answers(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + VISIT)
    page.get_by_label("Find your plan").fill("medicare")
    page.get_by_role("button", name="Find").click()
    expect(page).to_have_url(live_server.url + VISIT + "?plan=medicare#plans")
    assert carriers_shown(page) == ["Medicare"]
    page.get_by_role("link", name="Show all plans").click()
    assert "Aetna" in carriers_shown(page)
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_the_changed_pages_pass_axe(page: Page, live_server, demo, viewport):
    page.set_viewport_size(viewport)
    for path, shows in (
        ("/", "section.site-notices"),
        (VISIT, "#plans"),
        ("/locations/", "#plans"),
        ("/locations/greenwich-stamford-ct/", ".hours__closures"),
        ("/locations/virtual-appointment/", ".video-join"),
        ("/procedures/", ".card__price"),
        ("/procedures/occipital-nerve-block/", "#self-pay"),
    ):
        page.goto(live_server.url + path)
        expect(page.locator(shows).first).to_be_visible()
        assert axe_blocking_violations(page) == [], path
        # Nothing wider than the screen: no sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], path
