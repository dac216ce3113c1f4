"""A site that grows to hundreds of pages keeps its menus, indexes and sitemap light and complete."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Page

from practice.navigation import build_main_menu
from tests import factories

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def many_procedures(procedure_index, settings):
    settings.MENU_CHILDREN_LIMIT = 5
    settings.INDEX_PAGE_SIZE = 4
    return [
        factories.ProcedurePageFactory(
            parent=procedure_index, title=f"Procedure {n:02d}", show_in_menus=True
        )
        for n in range(7)
    ]


def test_a_menu_section_lists_the_first_pages_then_all(many_procedures, procedure_index):
    site = procedure_index.get_site()
    services = next(item for item in build_main_menu(site) if item.url == procedure_index.url)
    titles = [child.title for child in services.children]
    assert titles[:5] == [f"Procedure {n:02d}" for n in range(5)]
    assert titles[5:] == ["All services"]
    assert services.children[-1].url == procedure_index.url


def test_an_index_pages_through_its_cards_without_losing_any(
    client, many_procedures, procedure_index
):
    def titles(response):
        soup = BeautifulSoup(response.content, "html.parser")
        return [h.get_text(strip=True) for h in soup.select("main .card__title")], soup

    first, soup = titles(client.get(procedure_index.url))
    assert len(first) == 4
    next_link = soup.select_one('nav.pagination a[rel="next"]')
    second, _ = titles(client.get(procedure_index.url + next_link["href"]))
    assert sorted(first + second) == sorted(p.title for p in many_procedures)


def test_the_sitemap_is_an_index_of_sections_listing_every_live_page(
    client, many_procedures, procedure_index
):
    index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 (our own XML)
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert sections and all("/sitemap-pages.xml" in url for url in sections)

    urls = set()
    for section in sections:
        parts = urlsplit(section)
        xml = client.get(f"{parts.path}?{parts.query}").content
        urls |= {loc.text for loc in ET.fromstring(xml).iter(f"{SITEMAP}loc")}  # noqa: S314
    live = Page.objects.live().exclude(depth=1)
    assert {page.full_url for page in live} <= urls
