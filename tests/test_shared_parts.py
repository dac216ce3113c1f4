"""What every page shares: phone links, structured data, sub-page lists, the error page."""

import json

import pytest
from bs4 import BeautifulSoup
from django.test import RequestFactory

from practice import views
from practice.models import PracticeSettings
from tests import factories

pytestmark = pytest.mark.django_db


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def json_ld_graph(response):
    (script,) = soup_of(response).select('script[type="application/ld+json"]')
    return json.loads(script.string)["@graph"]


class TestPhoneLinks:
    def test_an_extension_is_dialled_after_the_number(self, client, home):
        PracticeSettings.objects.update(phone="(203) 555-0142 ext. 12")
        links = soup_of(client.get("/")).select('header a[href^="tel:"]')
        assert [link["href"] for link in links] == ["tel:+12035550142;ext=12"]

    def test_a_clinic_number_gets_the_country_code(self, client, home):
        index = factories.LocationIndexPageFactory(parent=home, slug="locations")
        clinic = factories.LocationPageFactory(parent=index, phone="203.555.0143")
        page = soup_of(client.get(clinic.url))
        hrefs = {a["href"] for a in page.select(".location-contact a[href^='tel:']")}
        assert hrefs == {"tel:+12035550143"}

    def test_the_plain_error_page_links_a_dialable_number(self, home, monkeypatch):
        """When even the site's layout fails, the 500 page still offers a working phone link."""

        def layout_fails(template_name, *args, **kwargs):
            if template_name == "500.html":
                raise RuntimeError("the layout is broken")
            return real_render(template_name, *args, **kwargs)

        real_render = views.loader.render_to_string
        monkeypatch.setattr(views.loader, "render_to_string", layout_fails)
        response = views.server_error(RequestFactory().get("/"))

        assert response.status_code == 500
        link = soup_of(response).find("a", string="(203) 555-0142")
        assert link["href"] == "tel:+12035550142"


class TestStructuredData:
    def test_rich_text_reads_as_plain_text_without_entities(self, client, home):
        index = factories.ConditionIndexPageFactory(parent=home, slug="conditions")
        condition = factories.ConditionPageFactory(
            parent=index,
            title="Parkinson's Disease",
            overview="<p>Parkinson&#x27;s disease affects movement &amp; balance.</p>",
            symptoms="<ul><li>Tremor &amp; stiffness</li><li>Slow <b>movement</b></li></ul>",
        )
        graph = json_ld_graph(client.get(condition.url))
        node = next(node for node in graph if node["@type"] == "MedicalCondition")

        assert node["description"] == "Parkinson's disease affects movement & balance."
        assert [s["name"] for s in node["signOrSymptom"]] == ["Tremor & stiffness", "Slow movement"]


class TestStandardPage:
    def test_about_lists_its_sub_pages(self, client, home):
        about = factories.StandardPageFactory(parent=home, title="About", slug="about")
        factories.TeamMemberPageFactory(
            parent=about, title="Meet Dr. Sader", name="Elie Sader", role="Neurologist"
        )
        factories.StandardPageFactory(parent=about, title="Research", summary="Our studies.")
        draft = factories.StandardPageFactory(parent=about, title="Not yet published")
        draft.unpublish()

        cards = soup_of(client.get(about.url)).select("main .card")

        assert [card.select_one(".card__title").get_text(strip=True) for card in cards] == [
            "Elie Sader, MD",
            "Research",
        ]
        assert "Neurologist" in cards[0].get_text()
        assert "Our studies." in cards[1].get_text()
