"""The patient side in Spanish: /es/ beside today's English URLs (issue 20, first part).

What a patient sees at /es/..., where the language switcher goes, the hreflang
alternates and <html lang>, the page cache keeping each language apart, and
the medical review stamps each translation keeps as its own.
"""

import datetime
import json

import pytest
from defusedxml import ElementTree as ET
from wagtail.models import Locale
from wagtail_localize.models import TranslationSource

from tests import factories
from tests.html import links, one, soup, text

SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}


def translate(page, **fields):
    """A published Spanish translation of `page` (its parent must be translated already)."""
    translated = page.copy_for_translation(Locale.objects.get(language_code="es"))
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save()
    translated.save_revision().publish()
    return translated


@pytest.fixture
def spanish(home, procedure):
    """The home page, the procedures section and one procedure in Spanish."""
    home_es = translate(home, slug="inicio", hero_heading="Atención experta para el dolor")
    index_es = translate(
        procedure.get_parent().specific, title="Procedimientos", slug="procedimientos"
    )
    procedure_es = translate(
        procedure, title="Bloqueo del nervio occipital", slug="bloqueo-del-nervio-occipital"
    )
    return {"home": home_es, "index": index_es, "procedure": procedure_es}


def switcher(page):
    return one(page, "nav.language-switcher")


def alternates(page):
    return {
        link["hreflang"]: link["href"] for link in page.select('link[rel="alternate"][hreflang]')
    }


def json_ld(page):
    return json.loads(one(page, 'script[type="application/ld+json"]').string)


@pytest.mark.django_db
class TestWhatAPatientSees:
    def test_the_spanish_home_page_is_at_es_in_spanish(self, client, spanish):
        response = client.get("/es/")
        assert response.status_code == 200
        page = soup(response)
        assert one(page, "html")["lang"] == "es"
        assert "Atención experta para el dolor" in text(one(page, "main"))
        assert response["Content-Language"] == "es"

    def test_a_spanish_procedure_page_is_under_the_spanish_sections(self, client, spanish):
        url = spanish["procedure"].url
        assert url == "/es/procedimientos/bloqueo-del-nervio-occipital/"
        page = soup(client.get(url))
        assert one(page, "html")["lang"] == "es"
        assert text(one(page, "h1")) == "Bloqueo del nervio occipital"
        # The Spanish menu lists the Spanish section, not the English one.
        menu = one(page, "nav.main-nav")
        assert "Procedimientos" in text(menu)
        assert "/procedures/" not in [a["href"] for a in menu.select("a")]
        assert json_ld(page)["@graph"][0]["inLanguage"] == "es"

    def test_english_urls_are_unchanged_and_english(self, client, spanish, procedure):
        for url in ("/", "/procedures/", "/procedures/occipital-nerve-block/"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert one(soup(response), "html")["lang"] == "en"
        page = soup(client.get("/procedures/occipital-nerve-block/"))
        assert text(one(page, "h1")) == "Occipital Nerve Block"
        assert json_ld(page)["@graph"][0]["inLanguage"] == "en"

    def test_a_browser_asking_for_spanish_still_gets_the_english_url_in_english(
        self, client, spanish
    ):
        """The language is the URL's: no redirect, no Vary on Accept-Language (a cache
        in front keeps one copy per URL, and it is the right language)."""
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9")
        assert response.status_code == 200
        assert one(soup(response), "html")["lang"] == "en"
        assert response["Content-Language"] == "en"
        assert "Accept-Language" not in response.get("Vary", "")
        response = client.get("/es/", HTTP_ACCEPT_LANGUAGE="en-US")
        assert one(soup(response), "html")["lang"] == "es"
        assert "Accept-Language" not in response.get("Vary", "")


@pytest.mark.django_db
class TestLanguageSwitcher:
    def test_goes_from_a_page_to_its_translation_and_back(self, client, spanish, procedure):
        english = switcher(soup(client.get(procedure.url)))
        link = one(english, "a")
        assert link["href"] == spanish["procedure"].url
        assert text(link) == "Español"
        assert link["hreflang"] == "es"
        assert one(english, "li")["lang"] == "es"

        back = one(switcher(soup(client.get(spanish["procedure"].url))), "a")
        assert back["href"] == "/procedures/occipital-nerve-block/"
        assert text(back) == "English"

    def test_an_untranslated_page_says_so_in_spanish_and_links_the_spanish_home(
        self, client, spanish, home
    ):
        about = factories.StandardPageFactory(parent=home, title="About", slug="about")
        nav = switcher(soup(client.get(about.url)))
        assert "Esta página todavía no está traducida al español." in text(nav)
        link = one(nav, "a")
        assert link["href"] == "/es/"
        assert text(link) == "Ir a la página de inicio en español"

    def test_every_page_has_it(self, client, spanish):
        # The home pages, a section and a page below it, in both languages.
        for url in ("/", "/es/", "/procedures/", "/es/procedimientos/"):
            assert switcher(soup(client.get(url))).select("a"), url


@pytest.mark.django_db
class TestHreflang:
    def test_the_head_names_both_languages_both_ways(self, client, spanish, procedure):
        english = alternates(soup(client.get(procedure.url)))
        spanish_page = alternates(soup(client.get(spanish["procedure"].url)))
        expected = {
            "en": "http://localhost/procedures/occipital-nerve-block/",
            "es": "http://localhost/es/procedimientos/bloqueo-del-nervio-occipital/",
            "x-default": "http://localhost/procedures/occipital-nerve-block/",
        }
        assert english == expected
        assert spanish_page == expected

    def test_a_page_in_one_language_names_no_alternate(self, client, spanish, home):
        about = factories.StandardPageFactory(parent=home, title="About", slug="about")
        assert alternates(soup(client.get(about.url))) == {}

    def test_the_sitemap_lists_the_spanish_pages_with_their_alternates(self, client, spanish):
        root = ET.fromstring(client.get("/sitemap-pages.xml").content)
        entries = {
            url.find("s:loc", SITEMAP_NS).text: {
                link.get("hreflang"): link.get("href") for link in url.findall("x:link", SITEMAP_NS)
            }
            for url in root.findall("s:url", SITEMAP_NS)
        }
        spanish_url = "http://localhost/es/procedimientos/bloqueo-del-nervio-occipital/"
        english_url = "http://localhost/procedures/occipital-nerve-block/"
        assert entries[spanish_url] == {
            "en": english_url,
            "es": spanish_url,
            "x-default": english_url,
        }
        assert entries[english_url] == entries[spanish_url]
        assert "http://localhost/es/" in entries


@pytest.mark.django_db
class TestPageCacheByLanguage:
    def test_each_language_is_kept_apart(self, client, spanish, settings):
        settings.PAGE_CACHE_SECONDS = 600
        settings.SITE_PARTS_CACHE_SECONDS = 600
        for _ in range(2):  # the second round comes from the cache
            english = client.get("/procedures/occipital-nerve-block/")
            spanish_page = client.get("/es/procedimientos/bloqueo-del-nervio-occipital/")
            assert one(soup(english), "html")["lang"] == "en"
            assert "Procedimientos" not in text(one(soup(english), "nav.main-nav"))
            assert one(soup(spanish_page), "html")["lang"] == "es"
            assert "Procedimientos" in text(one(soup(spanish_page), "nav.main-nav"))
        assert english["X-Page-Cache"] == "hit"
        assert spanish_page["X-Page-Cache"] == "hit"
        # The home pages too, whatever language the browser asks for.
        client.get("/", HTTP_ACCEPT_LANGUAGE="es")
        assert one(soup(client.get("/", HTTP_ACCEPT_LANGUAGE="es")), "html")["lang"] == "en"
        assert one(soup(client.get("/es/", HTTP_ACCEPT_LANGUAGE="en")), "html")["lang"] == "es"


@pytest.mark.django_db
class TestMedicalReviewPerLanguage:
    """A Spanish clinical page is reviewed on its own: its stamps are never the English page's."""

    def test_a_new_translation_starts_unreviewed(self, procedure, physician, spanish):
        other = factories.ProcedurePageFactory(
            parent=procedure.get_parent(),
            slug="other",
            reviewer=physician,
            last_reviewed=datetime.date(2026, 1, 5),
            next_review_due=datetime.date(2027, 1, 5),
        )
        translated = translate(other, slug="otro")
        assert (translated.reviewer, translated.last_reviewed, translated.next_review_due) == (
            None,
            None,
            None,
        )

    def test_syncing_a_translation_leaves_its_review_stamps_alone(
        self, procedure, physician, spanish
    ):
        spanish_reviewer = factories.TeamMemberPageFactory(
            parent=physician.get_parent(), name="Rosa Revisora", slug="rosa"
        )
        es = Locale.objects.get(language_code="es")
        source, _ = TranslationSource.get_or_create_from_instance(procedure)
        translation = procedure.get_translation(es).specific
        translation.reviewer = spanish_reviewer
        translation.last_reviewed = datetime.date(2026, 11, 2)
        translation.next_review_due = datetime.date(2027, 11, 2)
        translation.save()

        # The English page is reviewed again and changes its kind.
        procedure.reviewer = physician
        procedure.last_reviewed = datetime.date(2026, 11, 30)
        procedure.next_review_due = datetime.date(2027, 11, 30)
        procedure.kind = "diagnostic"
        procedure.save_revision().publish()
        source.update_from_db()
        source.create_or_update_translation(es, publish=False, fallback=True)

        translation.refresh_from_db()
        # Synchronised as usual: the procedure's kind follows the English page...
        assert translation.kind == "diagnostic"
        # ...but the Spanish review stamps stay the Spanish review's.
        assert translation.reviewer_id == spanish_reviewer.pk
        assert translation.last_reviewed == datetime.date(2026, 11, 2)
        assert translation.next_review_due == datetime.date(2027, 11, 2)

    def test_a_translation_made_by_wagtail_localize_starts_unreviewed(
        self, procedure, physician, spanish
    ):
        other = factories.ProcedurePageFactory(
            parent=procedure.get_parent(),
            slug="other",
            reviewer=physician,
            last_reviewed=datetime.date(2026, 1, 5),
            next_review_due=datetime.date(2027, 1, 5),
        )
        source, _ = TranslationSource.get_or_create_from_instance(other)
        es = Locale.objects.get(language_code="es")
        translation, created = source.create_or_update_translation(es, publish=False, fallback=True)
        assert created
        translation.refresh_from_db()
        assert (
            translation.reviewer_id,
            translation.last_reviewed,
            translation.next_review_due,
        ) == (
            None,
            None,
            None,
        )


# The demo's Spanish pages (issue 20 item 7), each beside the English page it translates.
DEMO_IN_SPANISH = {
    "/": "/es/",
    "/locations/plan-your-visit/": "/es/ubicaciones/prepare-su-visita/",
    "/locations/greenwich-stamford-ct/": "/es/ubicaciones/clinica-greenwich-stamford-ct/",
    "/locations/nyc-carroll-gardens/": "/es/ubicaciones/clinica-nyc-carroll-gardens/",
    "/locations/virtual-appointment/": "/es/ubicaciones/consulta-virtual/",
    "/accessibility/": "/es/accesibilidad/",
    "/privacy/": "/es/privacidad/",
    "/nondiscrimination/": "/es/no-discriminacion/",
}
DEMO_CLINICAL_IN_SPANISH = {
    "/procedures/occipital-nerve-block/": "/es/procedimientos/bloqueo-del-nervio-occipital/",
    "/procedures/lumbar-puncture/": "/es/procedimientos/puncion-lumbar/",
    "/procedures/trigger-point-injections/": "/es/procedimientos/inyecciones-en-puntos-gatillo/",
    "/procedures/botox-for-chronic-migraine/": "/es/procedimientos/botox-para-la-migrana-cronica/",
    "/conditions/headache/": "/es/afecciones/dolor-de-cabeza/",
    "/conditions/low-back-pain/": "/es/afecciones/dolor-lumbar/",
    "/conditions/neck-pain/": "/es/afecciones/dolor-de-cuello/",
}


def page_for(url):
    """The demo's page at a URL of the site, English or Spanish."""
    from wagtail.models import Page

    home_slug, path = ("inicio", url[4:]) if url.startswith("/es/") else ("home-page", url[1:])
    return Page.objects.get(url_path=f"/{home_slug}/{path}").specific


@pytest.mark.django_db
def test_the_demo_has_its_spanish_pages_paired_with_the_english_and_reviewed(client, demo_site):
    from django.utils import timezone
    from wagtail.models import TaskState

    from demo.loader import CARE_FIELDS
    from practice.sections import section_fields
    from practice.text import plain_text
    from team.models import TeamMemberPage

    home = soup(client.get("/es/"))
    assert "Conozca al Dr. Sader" in text(one(home, "main"))
    for english_url, spanish_url in {**DEMO_IN_SPANISH, **DEMO_CLINICAL_IN_SPANISH}.items():
        spanish_page = soup(client.get(spanish_url))
        assert one(spanish_page, "html")["lang"] == "es", spanish_url
        # The switcher pairs them, both ways.
        assert one(switcher(spanish_page), "a")["href"] == english_url, spanish_url
        assert one(switcher(soup(client.get(english_url))), "a")["href"] == spanish_url

    physician = TeamMemberPage.objects.get(user__username="reviewer")
    today = timezone.localdate()
    for english_url, spanish_url in DEMO_CLINICAL_IN_SPANISH.items():
        english, spanish = page_for(english_url), page_for(spanish_url)
        assert english.translation_key == spanish.translation_key
        # Reviewed on its own, through the Medical review workflow: approved by the
        # demo reviewer, stamped with the physician their account is linked to.
        approved = TaskState.objects.filter(
            workflow_state__in=spanish.workflow_states.all(),
            status="approved",
            finished_by__username="reviewer",
        )
        assert approved.exists(), spanish_url
        assert (spanish.reviewer_id, spanish.last_reviewed) == (physician.pk, today)
        assert json_ld(soup(client.get(spanish_url)))["@graph"][0]["lastReviewed"]
        # Every section the English page shows, the Spanish page shows too (the
        # loader reads the section spec: none forgotten).
        fields = [*section_fields(type(english).page_sections), *CARE_FIELDS[type(english)]]
        for name in fields:
            assert bool(plain_text(getattr(spanish, name))) == bool(
                plain_text(getattr(english, name))
            ), (spanish_url, name)
            if plain_text(getattr(english, name)):
                assert plain_text(getattr(spanish, name)) != plain_text(getattr(english, name))

    # A Spanish procedure lists the Spanish conditions; the English pages list no Spanish page.
    lumbar = one(soup(client.get("/es/procedimientos/puncion-lumbar/")), "main")
    assert "/es/afecciones/dolor-de-cabeza/" in [a["href"] for a in lumbar.select("a[href]")]
    headache = one(soup(client.get("/conditions/headache/")), "main")
    assert not [a for a in headache.select("a[href]") if a["href"].startswith("/es/")]

    # The Spanish policies keep their role: the retention and the contact, in Spanish.
    privacy = soup(client.get("/es/privacidad/"))
    assert text(one(privacy, "#retention-heading")) == "Cuánto tiempo lo guardamos"
    accessibility = soup(client.get("/es/accesibilidad/"))
    assert text(one(accessibility, "#accessibility-contact")).startswith(
        "Pida ayuda u otro formato"
    )
    footer = one(accessibility, ".site-footer__policies")
    assert links(footer)[:2] == [
        ("Declaración de accesibilidad", "/es/accesibilidad/"),
        ("Aviso de privacidad del sitio web", "/es/privacidad/"),
    ]


@pytest.mark.django_db
class TestSiteTextInSpanish:
    def test_the_footer_and_the_skip_link_are_in_spanish_on_spanish_pages(self, client, spanish):
        page = soup(client.get("/es/"))
        assert text(one(page, "a.skip-link")) == "Saltar al contenido principal"
        assert text(one(page, "a.menu-toggle")) == "Menú"
        assert "Todos los derechos reservados." in text(one(page, "footer"))
        english = soup(client.get("/"))
        assert text(one(english, "a.skip-link")) == "Skip to main content"
        assert "All rights reserved." in text(one(english, "footer"))

    def test_a_missing_spanish_page_is_answered_in_spanish(self, client, spanish):
        response = client.get("/es/no-existe/")
        assert response.status_code == 404
        page = soup(response)
        assert one(page, "html")["lang"] == "es"
        assert text(one(page, "h1")) == "No encontramos esa página"
        assert "En una emergencia médica, llame al 911." in text(one(page, "main"))
        english = soup(client.get("/no-such-page/"))
        assert text(one(english, "h1")) == "We can't find that page"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_varnish_keeps_each_language_apart_whatever_the_browser_asks(live_server, home):
    """Behind Varnish (deploy/varnish.vcl): one copy per URL, in that URL's language."""
    from urllib.parse import urlsplit

    import requests

    from tests import processes

    translate(home, slug="inicio", hero_heading="Atención experta para el dolor")
    started = processes.start_varnish(urlsplit(live_server.url).port)
    try:

        def get(path, language):
            return requests.get(
                started.url + path, headers={"Accept-Language": language}, timeout=10
            )

        for _ in range(2):
            for language in ("es-US,es;q=0.9", "en-US"):
                english = get("/", language)
                spanish_page = get("/es/", language)
                assert one(soup(english.text), "html")["lang"] == "en"
                assert one(soup(spanish_page.text), "html")["lang"] == "es"
        assert english.headers["X-Cache"] == "HIT"
        assert spanish_page.headers["X-Cache"] == "HIT"
        assert "Accept-Language" not in english.headers.get("Vary", "")
    finally:
        started.stop()


@pytest.mark.django_db
def test_a_clinics_spanish_page_shows_the_clinics_plans_and_closures(client, home, locations):
    """Plans and closures name the clinic's English page: its translation shows them too."""
    from django.utils import timezone

    from locations.models import InsurancePlan
    from practice.notices import Closure
    from tests.html import labelled

    stamford, virtual = locations["stamford"], locations["virtual"]
    translate(home, slug="inicio")
    translate(stamford.get_parent().specific, title="Ubicaciones", slug="ubicaciones")
    stamford_es = translate(stamford, slug="clinica-stamford")
    virtual_es = translate(virtual, slug="consulta-virtual")
    plan = InsurancePlan.objects.create(carrier="Aetna", name="Open Access Managed Choice")
    plan.locations.set([stamford])
    plan.save()
    Closure.objects.create(
        location=stamford, first_day=timezone.localdate(), reason="Staff training day."
    )

    page = soup(client.get(stamford_es.url))
    assert "Aetna" in text(labelled(page, "plans-heading"))
    assert "Staff training day." in text(one(page, "section.site-notices"))
    other = soup(client.get(virtual_es.url))
    assert "Aetna" not in text(labelled(other, "plans-heading"))
    assert not other.select("section.site-notices")
