"""Long clinical pages: "On this page", the side column, the printed sheet; and the
accessibility statement and privacy notice every page's footer links to."""

import pytest
from django.test import override_settings
from wagtail.models import Site

from practice.models import PracticeSettings
from practice.templatetags.page_contents import contents_label
from tests import factories
from tests.html import labelled, links, one, soup, text, texts

pytestmark = pytest.mark.django_db


def contents(html):
    """The "On this page" list as (link text, href) pairs."""
    return links(labelled(html, "on-this-page-heading"))


def section_targets(html):
    """Each section of the article as (its heading, the id a link to it uses), in page order.

    Sections with an id are linked by it (#preparation); the others by their heading's id.
    """
    article = one(html, "article")
    targets = []
    for section in article.select("section.section"):
        heading = one(section, "h2")
        targets.append((text(heading), section.get("id") or heading["id"]))
    return targets


@pytest.fixture
def condition_index(home):
    return factories.ConditionIndexPageFactory(parent=home, slug="conditions")


class TestOnThisPage:
    def test_lists_each_section_the_procedure_shows_and_no_empty_one(self, client, procedure_index):
        page = factories.ProcedurePageFactory(
            parent=procedure_index, title="Knee Injection", related_tests=""
        )
        html = soup(client.get(page.url))

        shown = section_targets(html)
        assert [anchor for _, anchor in shown] == [
            "overview",
            "preparation",
            "reasons",
            "during",
            "follow-up",
            "risks",
        ]
        assert contents(html) == [
            ("What is it?", "#overview"),
            ("How do you prepare?", "#preparation"),
            ("Why is it performed?", "#reasons"),
            ("What can you expect during it?", "#during"),
            ("What is the follow-up like?", "#follow-up"),
            ("What are the potential risks?", "#risks"),
        ]
        # Each link's target is on the page, once, and is the section the link names.
        for (heading, anchor), (label, href) in zip(shown, contents(html), strict=True):
            assert href == f"#{anchor}"
            assert len(html.select(f"[id='{anchor}']")) == 1
            assert contents_label(heading, page.title) == label

    def test_is_under_the_title_before_the_first_section(self, client, procedure_index):
        page = factories.ProcedurePageFactory(parent=procedure_index, title="Knee Injection")
        html = soup(client.get(page.url))
        order = [
            element.get("id") or element.name
            for element in html.select("main h1, #on-this-page-heading, section.section")
        ]
        assert order[:3] == ["h1", "on-this-page-heading", "overview"]

    def test_a_condition_lists_its_shown_sections_and_when_to_get_help(
        self, client, condition_index
    ):
        page = factories.ConditionPageFactory(
            parent=condition_index,
            title="Headache",
            symptoms="<ul><li>Throbbing pain.</li></ul>",
            causes="",
            diagnosis="",
            treatment="<p>Medicines and nerve blocks.</p>",
            see_a_doctor="<ul><li>Headaches most days.</li></ul>",
            call_911="<ul><li>The worst headache of your life.</li></ul>",
        )
        html = soup(client.get(page.url))
        # The emergency card after the first section is no section of its own: not listed.
        assert contents(html) == [
            ("What is it?", "#overview"),
            ("What are the symptoms?", "#symptoms"),
            ("How is it treated?", "#treatment"),
            ("When should you get help?", "#get-help"),
        ]
        assert [f"#{anchor}" for _, anchor in section_targets(html)] == [
            href for _, href in contents(html)
        ]

    def test_a_page_of_one_section_has_no_contents(self, client, condition_index):
        page = factories.ConditionPageFactory(parent=condition_index, title="Knee Pain")
        html = soup(client.get(page.url))
        assert len(section_targets(html)) == 1
        assert not html.select("#on-this-page-heading")

    @pytest.mark.parametrize(
        ("heading", "label"),
        [
            ("How do you prepare for Lumbar Puncture?", "How do you prepare?"),
            ("What is Lumbar Puncture?", "What is it?"),
            ("How is Lumbar Puncture diagnosed?", "How is it diagnosed?"),
            ("What are the symptoms of Lumbar Puncture?", "What are the symptoms?"),
            ("Are there related tests to Lumbar Puncture?", "Are there related tests?"),
            ("A heading without the title", "A heading without the title"),
        ],
    )
    def test_labels_leave_out_the_title_above_them(self, heading, label):
        assert contents_label(heading, "Lumbar Puncture") == label


class TestSideColumnAndPrint:
    def test_side_column_holds_the_contents_request_button_and_phone(
        self, client, procedure_index, request_page
    ):
        page = factories.ProcedurePageFactory(parent=procedure_index, slug="knee-injection")
        side = one(soup(client.get(page.url)), ".long-page__side")
        assert one(side, "nav[aria-labelledby='on-this-page-heading']")
        assert links(one(side, "aside.side-cta")) == [
            ("Request appointment", "/request-appointment/?procedure=knee-injection"),
            ("(203) 555-0142", "tel:+12035550142"),
        ]

    def test_print_sheet_parts_are_in_the_page_and_the_button_waits_for_javascript(
        self, client, procedure_index, physician
    ):
        page = factories.ProcedurePageFactory(
            parent=procedure_index, slug="knee-injection", author=physician, reviewer=physician
        )
        response = client.get(page.url)
        html = soup(response)
        header = one(html, ".print-header")
        assert "print-only" in header["class"]
        assert texts(header.select("p")) == [
            "Demo Practice",
            "Phone (203) 555-0142 · info@example.test",
        ]
        assert text(one(html, ".page-address")) == (
            f"The latest version of this page is at {page.full_url}"
        )
        button = one(html, "article button.print-button")
        assert button.has_attr("hidden") and button.has_attr("data-print")
        assert "print-view" not in one(html, "body").get("class", [])
        assert not html.select('meta[name="robots"]')

    def test_print_query_shows_the_sheet_without_javascript(self, client, procedure_index):
        page = factories.ProcedurePageFactory(parent=procedure_index, slug="knee-injection")
        client.get(page.url)  # the plain page, now in the page cache
        html = soup(client.get(page.url + "?print=1"))
        assert "print-view" in one(html, "body")["class"]
        assert one(html, 'meta[name="robots"]')["content"] == "noindex"
        bar = one(html, ".print-bar")
        assert links(bar) == [("Back to the full page", page.url)]
        assert one(bar, "button[data-print]")
        # The canonical address stays the page's own.
        assert one(html, 'link[rel="canonical"]')["href"] == page.full_url

    def test_condition_pages_print_the_same_way(self, client, condition_index):
        page = factories.ConditionPageFactory(parent=condition_index, slug="headache")
        html = soup(client.get(page.url + "?print=1"))
        assert "print-view" in one(html, "body")["class"]
        assert one(html, ".print-header") and one(html, ".page-address")


@pytest.fixture
def policies(home):
    """An accessibility statement and a privacy notice, chosen in the site's settings."""
    accessibility = factories.StandardPageFactory(
        parent=home, title="Accessibility statement", slug="accessibility"
    )
    privacy = factories.StandardPageFactory(
        parent=home, title="Website privacy notice", slug="privacy"
    )
    practice = PracticeSettings.for_site(Site.objects.get(is_default_site=True))
    practice.accessibility_page = accessibility
    practice.privacy_page = privacy
    practice.save()
    return {"accessibility": accessibility, "privacy": privacy}


def footer_policies(response):
    return links(one(soup(response), "footer .site-footer__policies"))


class TestPolicyPages:
    def test_every_page_footer_links_to_both(self, client, policies, procedure_index):
        procedure = factories.ProcedurePageFactory(parent=procedure_index)
        expected = [
            ("Accessibility statement", "/accessibility/"),
            ("Website privacy notice", "/privacy/"),
        ]
        for url in ("/", procedure.url, "/privacy/", "/accessibility/"):
            assert footer_policies(client.get(url)) == expected, url
        assert footer_policies(client.get("/no-such-page/")) == expected

    def test_footer_links_follow_the_tree(self, client, policies):
        privacy = policies["privacy"]
        privacy.slug = "website-privacy"
        privacy.save_revision().publish()
        assert ("Website privacy notice", "/website-privacy/") in footer_policies(client.get("/"))
        policies["accessibility"].unpublish()
        assert footer_policies(client.get("/")) == [("Website privacy notice", "/website-privacy/")]

    def test_no_policy_links_until_the_settings_name_the_pages(self, client, home):
        assert not soup(client.get("/")).select(".site-footer__policies")

    @override_settings(
        APPOINTMENT_RETENTION_DAYS=123,
        APPOINTMENT_SPAM_RETENTION_DAYS=45,
        NEWSLETTER_PENDING_DAYS=6,
        SEARCH_TERMS_RETENTION_DAYS=90,
    )
    def test_privacy_notice_shows_the_retention_the_site_is_configured_with(self, client, policies):
        html = soup(client.get("/privacy/"))
        retention = labelled(html, "retention-heading")
        assert texts(retention.select("li")) == [
            "Appointment requests are kept while we arrange your visit, then deleted 123 days "
            "after the request is closed or declined.",
            "Messages set aside as spam are deleted 45 days after they were set aside.",
            "Newsletter sign-ups never confirmed are deleted 6 days after the sign-up.",
            "Newsletter addresses are deleted as soon as you unsubscribe, by the link in every "
            "newsletter.",
            "Searches on this website are counted per day for 90 days, then deleted, with nothing "
            "about who searched: no address, account or time of day. We keep a search only when "
            "it is made of words our pages use (or is a single word), never one that looks like a "
            "phone number, an email address or a date of birth, or that puts other words such as "
            "a name beside them. Our server logs record which pages were visited, never what was "
            "searched for.",
        ]
        assert links(labelled(html, "privacy-contact")) == [
            ("(203) 555-0142", "tel:+12035550142"),
            ("info@example.test", "mailto:info@example.test"),
        ]

    def test_accessibility_statement_ends_with_how_to_ask_for_help(self, client, policies):
        html = soup(client.get("/accessibility/"))
        help_section = labelled(html, "accessibility-contact")
        assert text(one(help_section, "h2")) == "Ask for help or another format"
        assert ("(203) 555-0142", "tel:+12035550142") in links(help_section)
        assert "dial 711" in text(help_section)
        assert not html.select("#retention-heading")

    def test_other_standard_pages_are_plain(self, client, policies, home):
        factories.StandardPageFactory(parent=home, slug="about")
        html = soup(client.get("/about/"))
        assert not html.select("#retention-heading, #accessibility-contact, #privacy-contact")


class TestDemoPolicies:
    def test_demo_has_the_statement_the_notice_and_the_template_npp(self, client, demo_site):
        practice = PracticeSettings.for_site(demo_site)
        assert practice.accessibility_page.url == "/accessibility/"
        assert practice.privacy_page.url == "/privacy/"

        statement = text(one(soup(client.get("/accessibility/")), "article"))
        for words in (
            "WCAG) version 2.1 at level AA",
            "Nu HTML Checker",
            "axe-core",
            "Known limitations",
            "Ask for help or another format",
        ):
            assert words in statement

        privacy = one(soup(client.get("/privacy/")), "main")
        notice_url = "/privacy/notice-of-privacy-practices/"
        assert ("Read our Notice of Privacy Practices", notice_url) in links(privacy)
        assert "No trackers or third-party scripts" in texts(privacy.select("h2"))

        notice = soup(client.get(notice_url))
        assert text(one(notice, "h1")) == "Notice of Privacy Practices (template)"
        assert text(one(notice, "article")).count("TEMPLATE") >= 2

    def test_procedure_page_stays_within_its_query_budget(
        self, client, demo_site, django_assert_max_num_queries
    ):
        client.get("/")  # warm per-process caches (content types, site root paths)
        # 21: one of them the page cache's read of purges still pending; two the site
        # notices and closures, one the self-pay prices (kept with the site's version
        # in production, built here on every request); one the URL's locale
        # (Wagtail's route), one the page's translations (the switcher).
        with django_assert_max_num_queries(21):
            response = client.get("/procedures/occipital-nerve-block/?print=1")
        assert response.status_code == 200
        # Like About (a standard page with a child), plus the rich-text link to its
        # notice, and the site notices and closures; not translated, its switcher
        # also reads the Spanish home page, and Wagtail resolves the rich-text link
        # in the URL's language (its locale).
        with django_assert_max_num_queries(22):
            response = client.get("/privacy/")
        assert response.status_code == 200
