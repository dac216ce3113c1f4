"""What a patient decides by and what the practice must publish: plans accepted, closures, notices."""

import datetime
import json

import pytest

from locations.models import InsurancePlan, LocationPage
from tests import factories
from tests.html import labelled, one, soup, text, texts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def plans(locations):
    stamford, virtual = locations["stamford"], locations["virtual"]
    aetna = InsurancePlan.objects.create(
        carrier="Aetna",
        name="Open Access Managed Choice",
        network_id="AETNA-OAMC",
        last_checked=datetime.date(2026, 11, 2),
    )
    aetna.locations.set([stamford, virtual])
    aetna.save()
    medicare = InsurancePlan.objects.create(carrier="Medicare", name="Part B")
    medicare.locations.set([stamford])
    medicare.save()
    medicaid = InsurancePlan.objects.create(carrier="NY Medicaid", not_accepting_new_patients=True)
    medicaid.locations.set([virtual])
    medicaid.save()
    return {"aetna": aetna, "medicare": medicare, "medicaid": medicaid}


def plan_list(response):
    section = labelled(soup(response), "plans-heading")
    return {
        text(heading): texts(heading.find_next_sibling("ul").select("li"))
        for heading in section.select("h3")
    }


class TestPlansAccepted:
    def test_each_clinic_lists_its_own_plans_grouped_by_carrier(self, client, locations, plans):
        stamford = plan_list(client.get(locations["stamford"].url))
        assert list(stamford) == ["Aetna", "Medicare"]
        assert stamford["Aetna"] == ["Open Access Managed Choice Last checked November 2, 2026."]
        virtual = plan_list(client.get(locations["virtual"].url))
        assert list(virtual) == ["Aetna", "NY Medicaid"]
        assert virtual["NY Medicaid"] == ["All plans Not accepting new patients on this plan."]

    def test_the_locations_page_lists_every_plan_with_its_clinics(self, client, locations, plans):
        index = locations["stamford"].get_parent()
        listed = plan_list(client.get(index.url))
        assert listed["Medicare"] == ["Part B — at Stamford, CT"]
        assert listed["Aetna"][0].startswith(
            "Open Access Managed Choice — at Stamford, CT, Virtual Appointment"
        )

    def test_the_filter_is_a_plain_get_form_that_narrows_the_list(self, client, locations, plans):
        page = soup(client.get(locations["stamford"].url))
        form = one(labelled(page, "plans-heading"), "form")
        assert form["method"] == "get" and one(form, "input")["name"] == "plan"

        found = plan_list(client.get(locations["stamford"].url, {"plan": "aetna"}))
        assert list(found) == ["Aetna"]
        nothing = soup(client.get(locations["stamford"].url, {"plan": "cigna"}))
        assert "No plan matches “cigna”" in text(labelled(nothing, "plans-heading"))

    def test_the_clinic_names_its_plan_networks_in_its_json_ld(self, client, locations, plans):
        page = soup(client.get(locations["stamford"].url))
        data = json.loads(one(page, 'script[type="application/ld+json"]').string)
        nodes = data.get("@graph", [data])
        clinic = next(node for node in nodes if node.get("@type") == "MedicalClinic")
        assert clinic["healthPlanNetworkId"] == ["AETNA-OAMC"]

    def test_changing_a_plan_purges_every_page_that_shows_it(self, client, locations, plans):
        stamford = locations["stamford"]
        index = stamford.get_parent()
        for page in (stamford, index):
            client.get(page.url)
            assert client.get(page.url)["X-Page-Cache"] == "hit"
        plans["medicare"].name = "Part B (Original Medicare)"
        plans["medicare"].save()
        for page in (stamford, index):
            response = client.get(page.url)
            assert response["X-Page-Cache"] == "miss"
            assert "Part B (Original Medicare)" in text(soup(response))

    def test_a_plan_taken_at_one_more_clinic_shows_there_at_once(self, client, locations, plans):
        virtual = locations["virtual"]
        client.get(virtual.url)
        plans["medicare"].locations.add(virtual)
        plans["medicare"].save()
        assert "Medicare" in plan_list(client.get(virtual.url))


def test_every_footer_links_to_the_notices_patients_must_find(client, home, locations):
    from practice.models import PracticeSettings

    npp = factories.StandardPageFactory(parent=home, title="Our privacy practices", slug="npp")
    gfe = factories.StandardPageFactory(parent=home, title="Your right", slug="good-faith")
    equal = factories.StandardPageFactory(parent=home, title="Equal care", slug="equal")
    practice = PracticeSettings.objects.get(site__root_page=home)
    practice.privacy_practices_page = npp
    practice.good_faith_estimate_page = gfe
    practice.nondiscrimination_page = equal
    practice.save()
    for page in (home, locations["stamford"]):
        footer = one(soup(client.get(page.url)), ".site-footer__policies")
        assert [(text(a), a["href"]) for a in footer.select("a")] == [
            ("Notice of Privacy Practices", npp.url),
            ("Good Faith Estimate", gfe.url),
            ("Nondiscrimination notice", equal.url),
        ]


def test_the_demo_has_plans_at_both_clinics(client, demo_site):
    for slug in ("greenwich-stamford-ct", "nyc-carroll-gardens"):
        clinic = LocationPage.objects.get(slug=slug)
        assert plan_list(client.get(clinic.url)), slug


def test_the_demo_notice_of_privacy_practices_has_the_2024_part_2_update(client, demo_site):
    from practice.models import PracticeSettings

    npp = PracticeSettings.objects.get().privacy_practices_page
    page = soup(client.get(npp.url))
    headings = texts(page.select("article h2"))
    assert "Substance use disorder treatment records (42 CFR Part 2)" in headings
    part_2 = one(page, "h2:-soup-contains('42 CFR Part 2')").find_next_sibling("p")
    assert "THE PRACTICE MUST COMPLETE THIS SECTION" in text(part_2)


def test_every_footer_links_to_the_practices_own_patient_systems(client, home, locations):
    from practice.models import PracticeSettings

    practice = PracticeSettings.objects.get(site__root_page=home)
    practice.patient_portal_url = "https://portal.example.org/"
    practice.bill_pay_url = "https://pay.example.org/"
    practice.telehealth_url = "https://visit.example.org/join"
    practice.save()
    for page in (home, locations["virtual"]):
        footer = labelled(soup(client.get(page.url)), "footer-patients")
        assert [(text(a), a["href"]) for a in footer.select("a")] == [
            ("Patient portal", "https://portal.example.org/"),
            ("Pay your bill online", "https://pay.example.org/"),
            ("Join a video visit", "https://visit.example.org/join"),
        ]
