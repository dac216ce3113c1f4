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
    equal = factories.NondiscriminationNoticePageFactory(parent=home, slug="equal")
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
            ("Language assistance", f"{equal.url}#language-assistance"),
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


def search_result_titles(response):
    return texts(soup(response).select("ol.search-results .search-result__title"))


class TestSiteSearchFindsThePlans:
    def test_do_you_take_aetna_finds_the_clinics_that_take_it(self, client, locations, plans):
        found = search_result_titles(client.get("/search/", {"q": "do you take aetna"}))
        assert "Stamford, CT" in found and "Virtual Appointment" in found
        assert "Locations" in found

    def test_a_plan_taken_at_a_clinic_later_is_found_there(self, client, locations, plans):
        query = {"q": "do you take medicaid"}
        assert "Stamford, CT" not in search_result_titles(client.get("/search/", query))
        plans["medicaid"].locations.add(locations["stamford"])
        plans["medicaid"].save()
        assert "Stamford, CT" in search_result_titles(client.get("/search/", query))


@pytest.fixture
def plan_your_visit(locations):
    from locations.models import PlanYourVisitPage

    index = locations["stamford"].get_parent()
    page = PlanYourVisitPage(
        title="Plan Your Visit", slug="plan-your-visit", body="<p>Bring your insurance card.</p>"
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


class TestPlanYourVisit:
    def test_lists_every_plan_with_its_clinics_and_filters(self, client, plan_your_visit, plans):
        listed = plan_list(client.get(plan_your_visit.url))
        assert list(listed) == ["Aetna", "Medicare", "NY Medicaid"]
        assert listed["Medicare"] == ["Part B — at Stamford, CT"]
        found = plan_list(client.get(plan_your_visit.url, {"plan": "part b"}))
        assert found == {"Medicare": ["Part B — at Stamford, CT"]}

    def test_links_the_good_faith_estimate_and_the_patient_systems(
        self, client, home, plan_your_visit
    ):
        from practice.models import PracticeSettings

        gfe = factories.StandardPageFactory(parent=home, title="Your right", slug="good-faith")
        practice = PracticeSettings.objects.get(site__root_page=home)
        practice.good_faith_estimate_page = gfe
        practice.patient_portal_url = "https://portal.example.org/"
        practice.telehealth_url = "https://visit.example.org/join"
        practice.save()
        page = soup(client.get(plan_your_visit.url))
        assert one(labelled(page, "self-pay-heading"), "a")["href"] == gfe.url
        assert [(text(a), a["href"]) for a in labelled(page, "patient-links").select("a")] == [
            ("Patient portal", "https://portal.example.org/"),
            ("Join a video visit", "https://visit.example.org/join"),
        ]

    def test_is_listed_before_you_come_on_the_locations_page(self, client, plan_your_visit):
        index = soup(client.get(plan_your_visit.get_parent().url))
        assert "Plan Your Visit" in texts(labelled(index, "before-you-come").select("a"))

    def test_a_plans_change_purges_it(self, client, plan_your_visit, plans):
        client.get(plan_your_visit.url)
        assert client.get(plan_your_visit.url)["X-Page-Cache"] == "hit"
        plans["medicare"].name = "Part B (Original Medicare)"
        plans["medicare"].save()
        response = client.get(plan_your_visit.url)
        assert response["X-Page-Cache"] == "miss"
        assert "Part B (Original Medicare)" in text(soup(response))


def test_the_virtual_visit_page_offers_the_join_link(client, home, locations):
    from practice.models import PracticeSettings

    practice = PracticeSettings.objects.get(site__root_page=home)
    practice.telehealth_url = "https://visit.example.org/join"
    practice.save()
    page = locations["virtual"]
    page.street = ""  # the virtual visit: a location without an address
    page.save_revision().publish()
    virtual = soup(client.get(page.url))
    join = one(virtual, ".video-join a")
    assert (text(join), join["href"]) == ("Join your video visit", "https://visit.example.org/join")
    assert not soup(client.get(locations["stamford"].url)).select(".video-join")


def test_the_thank_you_page_offers_the_forms_and_the_portal(client, home, form_data):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    from practice.models import PracticeSettings

    forms = Document.objects.create(
        title="New-patient forms", file=ContentFile(b"%PDF-1.4 forms", name="forms.pdf")
    )
    practice = PracticeSettings.objects.get(site__root_page=home)
    practice.new_patient_forms = forms
    practice.patient_portal_url = "https://portal.example.org/"
    practice.save()
    response = client.post("/request-appointment/", form_data())
    thanks = soup(client.get(response["Location"]))
    assert [text(a) for a in labelled(thanks, "patient-links").select("a")] == [
        "New-patient forms (PDF)",
        "Patient portal",
    ]


def test_the_demo_shows_credentials_prices_a_closure_a_notice_and_patient_links(client, demo_site):
    """Issue 19, item 9: what the loaded demo shows of each."""
    from team.models import TeamMemberPage

    physician = TeamMemberPage.objects.get(is_physician=True)
    profile = soup(client.get(physician.url))
    assert "NPI number: 1234567893" in profile.get_text()
    assert texts(labelled(profile, "hospital-affiliations").select("li"))

    home = soup(client.get("/"))
    assert texts(home.select("section.site-notices li")) == [
        "Flu shots are available at both clinics this season: ask at your visit."
    ]

    stamford = soup(client.get(LocationPage.objects.get(slug="greenwich-stamford-ct").url))
    assert "Staff training day" in text(one(stamford, ".hours__closures"))

    procedure = soup(client.get("/procedures/occipital-nerve-block/"))
    assert "At every clinic: $350" in text(labelled(procedure, "self-pay-heading"))
    procedures = soup(client.get("/procedures/"))
    assert "Self-pay from $225" in texts(procedures.select(".card__price"))

    visit = soup(client.get("/locations/plan-your-visit/"))
    assert plan_list(client.get("/locations/plan-your-visit/"))
    forms, portal, video, bill = labelled(visit, "patient-links").select("a")
    assert text(forms) == "New-patient forms (PDF)"
    assert forms["href"].endswith(".pdf")
    assert [text(portal), text(video), text(bill)] == [
        "Patient portal",
        "Join a video visit",
        "Pay your bill online",
    ]
