"""Keyboard focus is visible on every interactive element a patient can tab to."""

import pytest
from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import Page
from wagtail.models import Page as WagtailPage

from checks.site_gate import focus_failures

pytestmark = [pytest.mark.browser]


def first_url(model):
    page = model.objects.live().public().order_by("path").first()
    assert page is not None, f"the demo site has no live {model.__name__}"
    return page.url


@pytest.mark.django_db(transaction=True)
def test_focus_is_visible_on_every_page_type(page: Page, live_server, demo):
    # One test for both widths, one demo load (each browser test loads the demo afresh).
    types = WagtailPage.objects.live().public().filter(depth__gt=1).values("content_type")
    urls = [first_url(ct.model_class()) for ct in ContentType.objects.filter(pk__in=types)]
    assert len(urls) >= 3
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for url in urls:
            page.goto(live_server.url + url)
            failures, count = focus_failures(page)
            assert failures == [], f"{url} at {width} px"
            assert count > 5, f"only {count} focusable elements on {url} at {width} px"


def test_the_check_sees_a_removed_outline(page: Page):
    page.set_content(
        """<!DOCTYPE html><html lang="en"><head><title>t</title>
        <style>a:focus { outline: none; } button:focus { outline: 2px solid; }</style></head>
        <body><a href="#x">Hidden focus</a> <button>Visible focus</button>
        <input aria-label="Shadow" style="outline: none; box-shadow: 0 0 0 3px #005fcc"></body></html>"""
    )
    failures, count = focus_failures(page)
    assert count == 3
    assert failures == ['no visible focus indicator on a "Hidden focus"']
