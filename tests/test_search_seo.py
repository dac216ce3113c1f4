"""Search, what search engines read (titles, descriptions, sitemap, JSON-LD), and error pages."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import RequestFactory
from wagtail.models import Page, PageViewRestriction

from locations.models import OpeningHours
from practice.views import server_error
from tests import factories
from tests.html import links, one, soup, text, texts

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def json_ld(response):
    """The page's JSON-LD graph: one script per page."""
    (script,) = soup(response).select('script[type="application/ld+json"]')
    return json.loads(script.string)


def nodes_by_type(response):
    return {node["@type"]: node for node in json_ld(response)["@graph"]}


def result_titles(response):
    return texts(soup(response).select("ol.search-results .search-result__title"))


class TestSearch:
    def test_finds_a_procedure_by_a_word_only_in_its_preparation(self, client, procedure_index):
        found = factories.ProcedurePageFactory(
            parent=procedure_index,
            title="Trigger Point Injections",
            summary="Small injections into tight muscle knots.",
            preparation="<ul><li>Avoid grapefruit juice the day before.</li></ul>",
        )
        factories.ProcedurePageFactory(parent=procedure_index, title="Knee Steroid Injection")
        html = soup(client.get("/search/", {"q": "grapefruit"}))
        (result,) = one(html, "ol.search-results").select("li.search-result")
        assert links(result) == [("Trigger Point Injections", found.url)]
        assert text(one(result, ".search-result__type")) == "Procedure"
        assert "Small injections into tight muscle knots." in text(result)

    def test_every_section_of_a_procedure_is_searched(self, client, procedure_index):
        words = {
            "overview": "tangerine",
            "preparation": "grapefruit",
            "reasons": "hiccups",
            "during": "headphones",
            "follow_up": "crossword",
            "common_risks": "freckles",
            "serious_risks": "fainting",
            "related_tests": "ultrasound",
        }
        factories.ProcedurePageFactory(
            parent=procedure_index,
            title="Knee Injection",
            **{field: f"<p>A note on {word}.</p>" for field, word in words.items()},
        )
        factories.ProcedurePageFactory(parent=procedure_index, title="Hip Injection")
        for field, word in words.items():
            response = client.get("/search/", {"q": word})
            assert result_titles(response) == ["Knee Injection"], field

    def test_results_are_kept_by_no_shared_cache_or_browser(self, client, procedure_index):
        # The query is the patient's: "John Smith multiple sclerosis" must not sit in Varnish.
        for query in ({"q": "john smith multiple sclerosis"}, {}):
            control = client.get("/search/", query)["Cache-Control"]
            assert "private" in control and "no-store" in control

    def test_results_are_paginated(self, client, procedure_index):
        for n in range(13):
            factories.ProcedurePageFactory(parent=procedure_index, title=f"Nerve Block {n}")
        first = client.get("/search/", {"q": "nerve"})
        second = client.get("/search/", {"q": "nerve", "page": 2})
        assert len(result_titles(first)) == 10
        assert len(result_titles(second)) == 3
        assert one(soup(first), 'a[rel="next"]')["href"] == "?q=nerve&page=2"
        assert one(soup(second), 'a[rel="prev"]')["href"] == "?q=nerve&page=1"
        assert not set(result_titles(first)) & set(result_titles(second))

    def test_empty_query_and_no_results_offer_help(self, client, procedure_index):
        empty = one(soup(client.get("/search/")), ".search-help")
        assert "Type a condition, a treatment or a place" in text(empty)
        assert procedure_index.url in [href for _, href in links(empty)]
        none = one(soup(client.get("/search/", {"q": "xylophone"})), ".search-help")
        assert "We found no pages for “xylophone”" in text(none)
        assert ("(203) 555-0142", "tel:+12035550142") in links(none)

    @pytest.mark.parametrize(
        "query", ['"', "(", "pain AND", "NEAR", "*", "-", "a:b", "'", "^x", "x" * 500, "é🙂"]
    )
    def test_odd_queries_never_fail(self, client, procedure_index, query):
        factories.ProcedurePageFactory(parent=procedure_index, title="Pain Relief")
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200

    def test_a_long_query_is_cut_to_200_characters(self, client, home):
        html = soup(client.get("/search/", {"q": "pain " * 100}))
        assert "searched for its first 200 characters" in text(one(html, "p.notice"))

    def test_the_header_has_a_search_box(self, client, home):
        header = one(soup(client.get("/")), "header.site-header")
        form = one(header, 'form[role="search"]')
        assert form["action"] == "/search/"
        assert form.get("method", "get").lower() == "get"
        box = one(form, 'input[name="q"]')
        assert text(one(form, f'label[for="{box["id"]}"]')) == "Search the site"


class TestForSearchEngines:
    def test_sitemap_lists_every_live_public_page_with_lastmod(self, client, procedure, condition):
        draft = factories.StandardPageFactory(
            parent=procedure.get_parent().get_parent(), live=False
        )
        private = factories.StandardPageFactory(parent=draft.get_parent(), slug="staff-only")
        PageViewRestriction.objects.create(page=private, restriction_type="login")

        live = [procedure.get_parent().get_parent(), procedure.get_parent(), procedure]
        live += [condition.get_parent(), condition]
        for page in live:
            page.specific.save_revision().publish()  # as an editor would: sets the lastmod

        # /sitemap.xml is an index; its one section lists the pages.
        index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 (our own XML)
        (section,) = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
        section_path = section.split("://", 1)[1].partition("/")[2]
        sitemap = ET.fromstring(client.get("/" + section_path).content)  # noqa: S314
        entries = {
            url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
            for url in sitemap.iter(f"{SITEMAP}url")
        }
        assert set(entries) == {page.full_url for page in live}
        assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", lastmod) for lastmod in entries.values())

    def test_robots_points_to_the_sitemap_and_keeps_admin_out(self, client, home):
        text_ = client.get("/robots.txt").content.decode()
        assert "Disallow: /admin/" in text_
        assert re.search(r"^Sitemap: https?://\S+/sitemap\.xml$", text_, re.M)

    def test_every_demo_page_has_title_description_canonical_open_graph_and_json_ld(
        self, client, demo_site
    ):
        for page in Page.objects.live().filter(depth__gte=2).specific():
            response = client.get(page.url)
            head = one(soup(response), "head")
            assert re.fullmatch(r"[^|]*\S \| Elie Sader, MD", text(one(head, "title"))), page.url
            description = one(head, 'meta[name="description"]')["content"]
            assert len(description) > 30, page.url
            assert one(head, 'link[rel="canonical"]')["href"] == page.full_url
            for prop in ("og:title", "og:description", "og:url"):
                assert one(head, f'meta[property="{prop}"]')["content"], (page.url, prop)
            assert one(head, 'meta[property="og:image"]')["content"].startswith("http"), page.url
            graph = json_ld(response)
            assert graph["@context"] == "https://schema.org"
            if page.depth > 2:
                crumbs = {node["@type"]: node for node in graph["@graph"]}["BreadcrumbList"]
                home = "Inicio" if page.url.startswith("/es/") else "Home"
                assert crumbs["itemListElement"][0]["name"] == home
                assert crumbs["itemListElement"][-1]["item"] == page.full_url

    def test_procedure_json_ld_by_kind(self, client, procedure_index, physician):
        therapy = factories.ProcedurePageFactory(parent=procedure_index, title="Nerve Block")
        node = nodes_by_type(client.get(therapy.url))["MedicalTherapy"]
        assert node["name"] == "Nerve Block"
        assert node["description"] == "An overview of the procedure."
        for key in ("preparation", "howPerformed", "followup"):
            assert node[key], key
        assert [o["name"] for o in node["adverseOutcome"]] == [
            "Soreness where the needle went in.",
            "Brief bruising.",
        ]
        assert [o["name"] for o in node["seriousAdverseOutcome"]] == [
            "Infection.",
            "Allergic reaction.",
        ]

        diagnostic = factories.ProcedurePageFactory(
            parent=procedure_index,
            title="Lumbar Puncture",
            kind="diagnostic",
            reviewer=physician,
            last_reviewed=datetime.date(2026, 9, 30),
        )
        nodes = nodes_by_type(client.get(diagnostic.url))
        assert "FAQPage" not in nodes and "HowTo" not in nodes
        node = nodes["DiagnosticProcedure"]
        assert {"name", "description", "preparation", "howPerformed", "followup"} <= set(node)
        assert "adverseOutcome" not in node and "seriousAdverseOutcome" not in node
        assert nodes["MedicalWebPage"]["lastReviewed"] == "2026-09-30"
        assert nodes["MedicalWebPage"]["reviewedBy"]["name"] == "Elie Sader, MD"

    def test_condition_json_ld_names_symptoms_and_treatments(
        self, client, condition, procedure_index, physician
    ):
        physician.is_physician = True
        physician.save()
        condition.overview = "<p>Pain in the head.</p>"
        condition.symptoms = factories.bullets("Throbbing.", "Nausea.", "Light hurts.")
        condition.reviewer = physician
        condition.save()
        for title, kind in (
            ("Occipital Nerve Block", "therapy"),
            ("Lumbar Puncture", "diagnostic"),
        ):
            factories.ProcedurePageFactory(
                parent=procedure_index, title=title, kind=kind, conditions=[condition]
            )

        nodes = nodes_by_type(client.get(condition.url))
        node = nodes["MedicalCondition"]
        assert (node["name"], node["description"]) == ("Headache", "Pain in the head.")
        assert [s["name"] for s in node["signOrSymptom"]] == [
            "Throbbing.",
            "Nausea.",
            "Light hurts.",
        ]
        # A diagnostic procedure is not a treatment.
        assert [t["name"] for t in node["possibleTreatment"]] == ["Occipital Nerve Block"]
        assert nodes["MedicalWebPage"]["reviewedBy"] == {
            "@type": "Physician",
            "@id": f"{physician.full_url}#person",
            "name": "Elie Sader, MD",
            "url": physician.full_url,
        }

    def test_clinic_and_physician_json_ld(self, client, locations, physician):
        clinic = locations["stamford"]
        factories.OpeningHoursFactory(
            location=clinic,
            weekday=OpeningHours.Weekday.MONDAY,
            opens=datetime.time(8, 30),
            closes=datetime.time(17),
        )
        node = nodes_by_type(client.get(clinic.url))["MedicalClinic"]
        assert node["address"]["addressLocality"] == "Stamford"
        assert node["address"]["postalCode"] == "06901"
        assert node["telephone"] == "(203) 555-0100"
        assert node["openingHoursSpecification"] == [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": "https://schema.org/Monday",
                "opens": "08:30",
                "closes": "17:00",
            }
        ]

        physician.is_physician = True
        physician.languages = "English\nFrench"
        physician.save()
        node = nodes_by_type(client.get(physician.url))["Physician"]
        assert node["name"] == "Elie Sader, MD"
        assert node["knowsLanguage"] == ["English", "French"]


class TestErrorPages:
    def test_404_is_in_the_site_layout_with_the_phone_number(self, client, home):
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        html = soup(response)
        assert text(one(html, "h1")) == "We can't find that page"
        one(html, "header.site-header")
        assert ("(203) 555-0142", "tel:+12035550142") in links(one(html, "main"))

    def test_500_shows_the_phone_number(self, home):
        response = server_error(RequestFactory().get("/"))
        assert response.status_code == 500
        main = one(soup(response), "main")
        assert "something went wrong" in text(main)
        assert ("(203) 555-0142", "tel:+12035550142") in links(main)
