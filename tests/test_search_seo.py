"""Search, what search engines read (titles, descriptions, sitemap, JSON-LD), and error pages."""

import json
import re

import pytest
from django.test import RequestFactory
from wagtail.models import Page

from practice.views import server_error
from tests import factories

pytestmark = pytest.mark.django_db


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1, "one JSON-LD script per page"
    return json.loads(blocks[0])


def nodes_by_type(graph):
    return {node["@type"]: node for node in graph["@graph"]}


class TestSearch:
    def test_finds_a_procedure_by_a_word_only_in_its_preparation(self, client, procedure_index):
        factories.ProcedurePageFactory(
            parent=procedure_index,
            title="Trigger Point Injections",
            summary="Small injections into tight muscle knots.",
            preparation="<ul><li>Avoid grapefruit juice the day before.</li></ul>",
        )
        factories.ProcedurePageFactory(parent=procedure_index, title="Knee Steroid Injection")
        html = client.get("/search/", {"q": "grapefruit"}).content.decode()
        results = re.search(r'<ol class="search-results".*?</ol>', html, re.S).group(0)
        assert "Trigger Point Injections" in results
        assert "Knee Steroid Injection" not in results
        assert "Procedure" in results  # the page type
        assert "Small injections into tight muscle knots." in results  # the summary

    def test_results_are_paginated(self, client, procedure_index):
        for n in range(13):
            factories.ProcedurePageFactory(parent=procedure_index, title=f"Nerve Block {n}")
        first = client.get("/search/", {"q": "nerve"}).content.decode()
        second = client.get("/search/", {"q": "nerve", "page": 2}).content.decode()
        assert first.count('class="search-result"') == 10
        assert second.count('class="search-result"') == 3
        assert 'rel="next"' in first and 'rel="prev"' in second

    def test_empty_query_and_no_results_offer_help(self, client, procedure_index):
        empty = client.get("/search/").content.decode()
        assert "Type a condition, a treatment or a place" in empty
        assert f'href="{procedure_index.url}"' in empty
        none = client.get("/search/", {"q": "xylophone"}).content.decode()
        assert "We found no pages for “xylophone”" in none
        assert 'href="tel:+12035550142"' in none

    @pytest.mark.parametrize(
        "query", ['"', "(", "pain AND", "NEAR", "*", "-", "a:b", "'", "^x", "x" * 500, "é🙂"]
    )
    def test_odd_queries_never_fail(self, client, procedure_index, query):
        factories.ProcedurePageFactory(parent=procedure_index, title="Pain Relief")
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200

    def test_a_long_query_is_cut_to_200_characters(self, client, home):
        html = client.get("/search/", {"q": "pain " * 100}).content.decode()
        assert "searched for its first 200 characters" in html

    def test_the_header_has_a_search_box(self, client, home):
        html = client.get("/").content.decode()
        header = html.split("</header>")[0]
        assert re.search(r'<form[^>]+action="/search/"[^>]+role="search"', header)
        assert 'name="q"' in header


class TestDemoSiteForSearchEngines:
    def test_sitemap_lists_every_live_page_with_lastmod(self, client, demo_site):
        draft = Page.objects.get(slug="research")
        draft.unpublish()
        xml = client.get("/sitemap.xml").content.decode()
        entries = re.findall(r"<url><loc>([^<]+)</loc><lastmod>([^<]+)</lastmod>", xml)
        listed = {loc for loc, _ in entries}
        live = {page.full_url for page in Page.objects.live().public().filter(depth__gte=2)}
        assert listed == live
        assert len(listed) >= 46
        assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", lastmod) for _, lastmod in entries)
        assert draft.full_url not in listed

    def test_robots_points_to_the_sitemap_and_keeps_admin_out(self, client, home):
        text = client.get("/robots.txt").content.decode()
        assert "Disallow: /admin/" in text
        assert re.search(r"^Sitemap: https?://\S+/sitemap\.xml$", text, re.M)

    def test_every_page_has_title_description_canonical_open_graph_and_json_ld(
        self, client, demo_site
    ):
        for page in Page.objects.live().filter(depth__gte=2).specific():
            html = client.get(page.url).content.decode()
            head = html.split("</head>")[0]
            assert re.search(r"<title>[^<|]+\S \| Elie Sader, MD</title>", head), page.url
            description = re.search(r'<meta name="description" content="([^"]*)">', head)
            assert description and len(description.group(1)) > 30, page.url
            assert f'<link rel="canonical" href="{page.full_url}">' in head
            for prop in ("og:title", "og:description", "og:url", "og:image"):
                assert f'property="{prop}"' in head, (page.url, prop)
            image = re.search(r'property="og:image" content="([^"]+)"', head).group(1)
            assert image.startswith("http")
            graph = json_ld(html)
            assert graph["@context"] == "https://schema.org"
            if page.depth > 2:
                crumbs = nodes_by_type(graph)["BreadcrumbList"]["itemListElement"]
                assert crumbs[0]["name"] == "Home"
                assert crumbs[-1]["item"] == page.full_url

    def test_procedure_json_ld_by_kind(self, client, demo_site):
        therapy = nodes_by_type(
            json_ld(client.get("/procedures/occipital-nerve-block/").content.decode())
        )
        node = therapy["MedicalTherapy"]
        for key in (
            "name",
            "description",
            "preparation",
            "howPerformed",
            "followup",
            "adverseOutcome",
            "seriousAdverseOutcome",
        ):
            assert node[key], key
        assert "FAQPage" not in therapy and "HowTo" not in therapy

        diagnostic = nodes_by_type(
            json_ld(client.get("/procedures/lumbar-puncture/").content.decode())
        )
        node = diagnostic["DiagnosticProcedure"]
        assert {"name", "description", "preparation", "howPerformed", "followup"} <= set(node)
        assert "adverseOutcome" not in node and "seriousAdverseOutcome" not in node
        page = diagnostic["MedicalWebPage"]
        assert page["lastReviewed"] == "2026-09-30"
        assert page["reviewedBy"]["name"] == "Elie Sader, MD"

    def test_condition_clinic_and_physician_json_ld(self, client, demo_site):
        condition = nodes_by_type(json_ld(client.get("/conditions/headache/").content.decode()))
        node = condition["MedicalCondition"]
        assert node["name"] == "Headache" and node["description"]
        assert len(node["signOrSymptom"]) >= 3
        treatments = {t["name"] for t in node["possibleTreatment"]}
        assert {"Botox for Chronic Migraine", "Occipital Nerve Block", "Nerve Blocks"} <= treatments
        assert "Lumbar Puncture" not in treatments  # diagnostic, not a treatment
        assert condition["MedicalWebPage"]["reviewedBy"]["@type"] == "Physician"

        clinic = nodes_by_type(
            json_ld(client.get("/locations/greenwich-stamford-ct/").content.decode())
        )["MedicalClinic"]
        assert clinic["address"]["addressLocality"] == "Stamford"
        assert clinic["address"]["postalCode"] == "06901"
        assert clinic["telephone"] == "(203) 555-0143"
        monday = clinic["openingHoursSpecification"][0]
        assert monday == {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Monday",
            "opens": "08:30",
            "closes": "17:00",
        }

        physician = nodes_by_type(json_ld(client.get("/about/meet-dr-sader/").content.decode()))[
            "Physician"
        ]
        assert physician["name"] == "Elie Sader, MD"
        assert "French" in physician["knowsLanguage"]


class TestErrorPages:
    def test_404_is_in_the_site_layout_with_the_phone_number(self, client, home):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "We can't find that page" in html
        assert '<header class="site-header">' in html
        assert 'href="tel:+12035550142"' in html.split('<main id="main"')[1]

    def test_500_shows_the_phone_number(self, home):
        request = RequestFactory().get("/")
        response = server_error(request)
        assert response.status_code == 500
        html = response.content.decode()
        assert "something went wrong" in html
        assert "(203) 555-0142" in html
