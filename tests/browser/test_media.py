"""The Media page in a real browser (issue 21, items 4-6): no request to a video host until
the patient presses play, then the privacy-enhanced player only; usable by keyboard at 360 px."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from checks.browser import axe_blocking_violations
from press.models import MediaItem, MediaPage
from tests.factories import ImageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
MAX_TABS = 40


@pytest.fixture
def media_page(home):
    page = MediaPage(title="Media", slug="media")
    home.add_child(instance=page)
    page.save_revision().publish()
    MediaItem.objects.create(
        kind=MediaItem.Kind.VIDEO,
        title="What happens at a Botox visit",
        date=datetime.date(2026, 5, 1),
        outlet="Our YouTube channel",
        url="https://www.youtube.com/watch?v=demo-video1",
        transcript="<p>Hello, I am the doctor. The injections take fifteen minutes.</p>",
        thumbnail=ImageFactory(),
    )
    MediaItem.objects.create(
        kind=MediaItem.Kind.ARTICLE,
        title="Why headache diaries matter",
        date=datetime.date(2026, 1, 1),
        outlet="Community News",
        url="https://news.example/diaries",
    )
    return page


def test_the_player_loads_only_after_play_and_only_from_youtube_nocookie(
    page: Page, live_server, media_page
):
    elsewhere = []

    def keep_on_this_site(route):
        # Nothing leaves the machine: every other host is recorded and refused.
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", keep_on_this_site)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/media/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Media")
    assert page.locator("iframe").count() == 0
    assert elsewhere == []
    assert axe_blocking_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    play = page.get_by_role("button", name="Play video: What happens at a Botox visit")
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if play.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("The play button never got the focus")
    assert elsewhere == []
    page.keyboard.press("Enter")

    frame = page.locator("iframe.video__frame")
    expect(frame).to_have_attribute(
        "src", "https://www.youtube-nocookie.com/embed/demo-video1?autoplay=1"
    )
    expect(frame).to_have_attribute("title", "What happens at a Botox visit")
    expect(frame).to_be_focused()
    page.wait_for_timeout(500)
    assert elsewhere and all(
        url.startswith("https://www.youtube-nocookie.com/") for url in elsewhere
    ), elsewhere

    # The transcript, for whoever cannot watch or hear it.
    page.locator("summary", has_text="Transcript").first.click()
    expect(page.get_by_text("The injections take fifteen minutes.")).to_be_visible()


def test_the_kind_filter_works_without_javascript(browser, live_server, media_page):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/media/")
    page.get_by_label("Show").select_option(label="Press article")
    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(live_server.url + "/media/?kind=article")
    expect(page.locator(".media-item__title")).to_have_text(["Why headache diaries matter"])
    context.close()
