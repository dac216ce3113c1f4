"""A site that grows to hundreds of pages keeps its menus, indexes and sitemap light and complete."""

import json
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Page

from appointments.records import AppointmentRequest
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
    assert titles[5:] == ["All procedures"]
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


def more_procedures(client, page):
    soup = BeautifulSoup(client.get(page.url).content, "html.parser")
    nav = soup.select_one("nav[aria-labelledby=more-procedures]")
    return [a.get_text(strip=True) for a in nav.select("li a")], nav


def test_more_procedures_lists_every_other_one_up_to_the_menu_limit(
    client, procedure_index, settings
):
    settings.MENU_CHILDREN_LIMIT = 5
    pages = [
        factories.ProcedurePageFactory(parent=procedure_index, title=f"Procedure {n}")
        for n in "FEDCBA"
    ]
    titles, nav = more_procedures(client, pages[0])
    assert titles == ["Procedure A", "Procedure B", "Procedure C", "Procedure D", "Procedure E"]
    assert "All procedures" not in nav.get_text()


def test_beyond_the_limit_more_procedures_shows_related_ones_first_and_links_to_all(
    client, procedure_index, home, settings
):
    settings.MENU_CHILDREN_LIMIT = 5
    conditions = factories.ConditionIndexPageFactory(parent=home, slug="conditions")
    migraine = factories.ConditionPageFactory(parent=conditions, title="Migraine")
    sciatica = factories.ConditionPageFactory(parent=conditions, title="Sciatica")
    page = factories.ProcedurePageFactory(parent=procedure_index, title="Nerve Blocks")
    page.conditions.set([migraine, sciatica])
    page.save_revision().publish()
    for n in range(10):
        factories.ProcedurePageFactory(parent=procedure_index, title=f"Unrelated {n}")
    both = factories.ProcedurePageFactory(parent=procedure_index, title="Zygapophyseal Block")
    one = factories.ProcedurePageFactory(parent=procedure_index, title="Occipital Block")
    for related, treats in ((both, [migraine, sciatica]), (one, [sciatica])):
        related.conditions.set(treats)
        related.save_revision().publish()

    titles, nav = more_procedures(client, page)
    assert titles == [
        "Zygapophyseal Block",  # shares two conditions
        "Occipital Block",  # shares one
        *(f"Unrelated {n}" for n in range(6)),  # then A to Z, eight in all
    ]
    link = nav.find("a", string="All procedures")
    assert link["href"] == procedure_index.url


def section_links(client, page, heading_id):
    html = BeautifulSoup(client.get(page.url).content, "html.parser")
    section = html.find(attrs={"aria-labelledby": heading_id})
    return [a.get_text(strip=True) for a in section.select("li a")], section, html


class TestListsOnPagesStayShort:
    """A condition treated by, or a clinic offering, more procedures than a menu lists."""

    @pytest.fixture
    def crowded(self, procedure_index, condition, locations, settings):
        settings.MENU_CHILDREN_LIMIT = 3
        for n in range(5):
            page = factories.ProcedurePageFactory(parent=procedure_index, title=f"Block {n}")
            page.conditions.set([condition])
            page.locations.set([locations["stamford"]])
            page.save_revision().publish()
        return condition, locations["stamford"]

    def test_a_condition_lists_the_first_treatments_then_links_to_all_procedures(
        self, client, crowded, procedure_index
    ):
        condition, _ = crowded
        titles, section, html = section_links(client, condition, "treatments")
        assert titles == ["Block 0", "Block 1", "Block 2"]
        assert section.find("a", string="All procedures")["href"] == procedure_index.url
        graph = json.loads(html.find("script", type="application/ld+json").string)
        node = next(n for n in graph["@graph"] if n["@type"] == "MedicalCondition")
        assert [t["name"] for t in node["possibleTreatment"]] == titles

    def test_a_clinic_lists_the_first_procedures_then_links_to_all_procedures(
        self, client, crowded, procedure_index
    ):
        _, clinic = crowded
        titles, section, _ = section_links(client, clinic, "procedures-here")
        assert titles == ["Block 0", "Block 1", "Block 2"]
        assert section.find("a", string="All procedures")["href"] == procedure_index.url

    def test_within_the_limit_there_is_no_link_to_all(self, client, crowded, settings):
        condition, clinic = crowded
        settings.MENU_CHILDREN_LIMIT = 25
        for page, heading in ((condition, "treatments"), (clinic, "procedures-here")):
            titles, section, _ = section_links(client, page, heading)
            assert len(titles) == 5
            assert section.find("a", string="All procedures") is None


class TestTheRequestFormAtSize:
    """Beyond a menu's worth of procedures the form offers the menu's, and any the patient named."""

    @pytest.fixture
    def many(self, procedure_index, form_data, settings):
        settings.MENU_CHILDREN_LIMIT = 3
        featured = [
            factories.ProcedurePageFactory(
                parent=procedure_index, title=f"Featured {n}", show_in_menus=True
            )
            for n in range(2)
        ]
        others = [
            factories.ProcedurePageFactory(parent=procedure_index, title=f"Other {n}")
            for n in range(4)
        ]
        return featured, others

    def offered(self, response):
        html = BeautifulSoup(response.content, "html.parser")
        group = html.select_one('select[name="reason"] optgroup[label="Procedures"]')
        return [option.get_text(strip=True) for option in group.select("option")], html

    def test_the_reasons_are_the_procedures_the_menu_shows(self, client, many):
        offered, _ = self.offered(client.get("/request-appointment/"))
        assert offered == ["Featured 0", "Featured 1"]

    def test_a_link_from_any_procedure_offers_and_chooses_it(self, client, many):
        _, others = many
        response = client.get("/request-appointment/", {"procedure": others[2].slug})
        offered, html = self.offered(response)
        assert offered == ["Featured 0", "Featured 1", "Other 2"]
        chosen = html.select_one('select[name="reason"] option[selected]')
        assert chosen.get_text(strip=True) == "Other 2"

    def test_the_named_reason_is_accepted_and_a_page_that_is_no_reason_refused(
        self, client, many, form_data, home
    ):
        _, others = many
        response = client.post("/request-appointment/", form_data(reason=str(others[3].pk)))
        assert response.status_code == 302
        assert AppointmentRequest.objects.get().reason_id == others[3].pk

        response = client.post("/request-appointment/", form_data(reason=str(home.pk)))
        assert response.status_code == 200
        assert "Choose one of the reasons listed." in response.content.decode()
