"""The Spanish pages' own words: every heading and label the templates and the section
specs write, in Spanish, around the Spanish page's own name (issue 20, item 1).

The demo's Spanish procedure, condition, location, Plan Your Visit and home
pages are walked as a patient reads them; smaller pages built by factories
check what the demo does not hold (the contractions, a translation whose
relations still name the English pages, the English pages unchanged).
"""

import pytest
from wagtail.models import Locale

from tests import factories
from tests.html import labelled, links, one, soup, text, texts
from tests.test_spanish import page_for, translate


def contents(page):
    """The "On this page" list: its heading and each link's words."""
    nav = one(page, "nav.on-this-page")
    return text(one(nav, "h2")), texts(nav.select("li a"))


def section_headings(page):
    return texts(page.select("main section.section > h2"))


def care_headings(page):
    return texts(page.select("main .care-card__heading"))


@pytest.mark.django_db
def test_the_demo_spanish_pages_speak_spanish_around_their_own_names(client, demo_site):
    # A procedure: each question whole in Spanish, with the page's Spanish name in it.
    lumbar = soup(client.get("/es/procedimientos/puncion-lumbar/"))
    assert contents(lumbar) == (
        "En esta página",
        [
            "¿Qué es?",
            "¿Cómo se prepara?",
            "¿Por qué se hace?",
            "¿Qué puede esperar?",
            "¿Cómo es el seguimiento?",
            "¿Qué riesgos puede tener?",
            "¿Hay pruebas relacionadas?",
        ],
    )
    assert section_headings(lumbar)[:7] == [
        "¿Qué es una punción lumbar?",
        "¿Cómo se prepara para una punción lumbar?",
        "¿Por qué se hace una punción lumbar?",
        "¿Qué puede esperar durante una punción lumbar?",
        "¿Cómo es el seguimiento después de una punción lumbar?",
        "¿Qué riesgos puede tener una punción lumbar?",
        "¿Hay pruebas relacionadas con una punción lumbar?",
    ]
    assert text(one(lumbar, "#aftercare-heading")) == (
        "¿Cuándo debe pedir ayuda después de una punción lumbar?"
    )
    assert care_headings(lumbar) == ["Llámenos si:", "Llame al 911 ahora si:"]
    assert "Los riesgos poco comunes pero graves son:" in text(one(lumbar, "#risks"))
    # The English page's self-pay prices, shown on its translation too, in Spanish words;
    # what the billing office wrote stays English, marked as such.
    prices = labelled(lumbar, "self-pay-heading")
    assert text(one(prices, "h2")) == "Costo si paga por su cuenta"
    assert text(one(prices, ".self-pay__as-of")).startswith("Precio vigente al ")
    assert one(prices, ".self-pay__includes [lang]")["lang"] == "en"
    assert text(one(prices, ".self-pay__includes")).startswith("Incluye: ")
    listing = soup(client.get("/es/procedimientos/"))
    assert any(
        line.startswith("Pago por cuenta propia: desde $")
        for line in texts(listing.select(".card__price"))
    )
    assert text(one(lumbar, "#side-cta-heading")) == "Citas"
    assert text(one(lumbar, ".side-cta__phone")).startswith("O llame al ")
    assert text(one(lumbar, "#conditions-treated")) == "Afecciones que trata"
    assert text(one(lumbar, "#offered-at")) == "Dónde lo ofrecemos"
    assert text(one(lumbar, "#more-procedures")) == "Más procedimientos"
    assert text(one(lumbar, "button.print-button")) == "Imprimir esta página"
    assert text(one(lumbar, ".page-address")).startswith(
        "La versión más reciente de esta página está en http"
    )
    assert text(one(lumbar, ".print-header p:nth-of-type(2)")).startswith("Teléfono ")
    # "de" + "el" is "del" in Spanish: "después del Botox", never "después de el".
    botox = soup(client.get("/es/procedimientos/botox-para-la-migrana-cronica/"))
    assert text(one(botox, "#aftercare-heading")) == (
        "¿Cuándo debe pedir ayuda después del Botox para la migraña crónica?"
    )
    assert section_headings(botox)[0] == "¿Qué es el Botox para la migraña crónica?"
    occipital = soup(client.get("/es/procedimientos/bloqueo-del-nervio-occipital/"))
    assert section_headings(occipital)[0] == "¿Qué es un bloqueo del nervio occipital?"

    # A condition: its name for one case and for the condition at large, both Spanish.
    headache = soup(client.get("/es/afecciones/dolor-de-cabeza/"))
    assert contents(headache) == (
        "En esta página",
        [
            "¿Qué es?",
            "¿Cuáles son los síntomas?",
            "¿Cuáles son las causas?",
            "¿Cómo se diagnostica?",
            "¿Cómo se trata?",
            "¿Cuándo debe pedir ayuda?",
        ],
    )
    assert section_headings(headache)[:5] == [
        "¿Qué es el dolor de cabeza?",
        "¿Cuáles son los síntomas de los dolores de cabeza?",
        "¿Cuáles son las causas de los dolores de cabeza?",
        "¿Cómo se diagnostica el dolor de cabeza?",
        "¿Cómo se trata el dolor de cabeza?",
    ]
    assert text(one(headache, "#get-help-heading")) == (
        "¿Cuándo debe pedir ayuda por los dolores de cabeza?"
    )
    assert care_headings(headache)[0] == "Llame al 911 ahora si:"
    assert "Vea a un médico pronto si:" in care_headings(headache)
    assert text(one(headache, "#treatments")) == (
        "Tratamientos que ofrecemos para los dolores de cabeza"
    )
    assert text(one(headache, "#related-conditions")) == "Afecciones relacionadas"
    low_back = soup(client.get("/es/afecciones/dolor-lumbar/"))
    assert section_headings(low_back)[1] == "¿Cuáles son los síntomas del dolor lumbar?"

    # Each related condition the English page names is linked in Spanish where it is
    # translated: whichever Spanish page was made first.
    for url in (
        "/es/afecciones/dolor-de-cabeza/",
        "/es/afecciones/dolor-lumbar/",
        "/es/afecciones/dolor-de-cuello/",
    ):
        spanish = page_for(url)
        english = spanish.get_translation(Locale.objects.get(language_code="en"))
        expected = sorted(
            related.get_translation(spanish.locale).url
            for related in english.related_conditions.live()
            if related.has_translation(spanish.locale)
        )
        assert expected, url
        shown = labelled(soup(client.get(url)), "related-conditions")
        assert sorted(href for _, href in links(shown)) == expected, url

    # A clinic: the plans and the practical sections.
    clinic = soup(client.get("/es/ubicaciones/clinica-greenwich-stamford-ct/"))
    assert text(one(clinic, "#plans-heading")) == "Planes de seguro médico que aceptamos"
    assert text(one(clinic, "label[for=plan-filter]")) == "Busque su plan"
    assert one(clinic, "form.plans__filter")["aria-label"] == "Planes de seguro médico"
    checked = texts(clinic.select(".plans__checked"))
    assert checked and all(line.startswith("Revisado por última vez el ") for line in checked)
    headings = section_headings(clinic)
    start = headings.index("Cómo llegar")
    assert headings[start : start + 3] == ["Cómo llegar", "Estacionamiento", "Transporte público"]
    assert headings[:2] == ["Horario", "Planes de seguro médico que aceptamos"]
    assert text(one(clinic, "#procedures-here")) == "Procedimientos que ofrecemos aquí"
    virtual = soup(client.get("/es/ubicaciones/consulta-virtual/"))
    assert "¿Cómo funcionan las visitas por video?" in section_headings(virtual)

    # Plan Your Visit: each plan's clinics by their Spanish names.
    visit = soup(client.get("/es/ubicaciones/prepare-su-visita/"))
    assert text(one(visit, "#plans-heading")) == "Planes de seguro médico que aceptamos"
    plans = texts(visit.select(".plans__list li"))
    assert any(" — en " in plan and "Consulta virtual" in plan for plan in plans)
    assert not any("Virtual Appointment" in plan or " — at " in plan for plan in plans)
    assert text(one(visit, "#self-pay-heading")) == "Pagar sin seguro médico"

    # The home page: its lists' headings, and the chosen pages in Spanish where translated.
    home = soup(client.get("/es/"))
    assert text(one(home, "#featured-conditions")) == "Afecciones que tratamos"
    assert text(one(home, "#featured-services")) == "Procedimientos que ofrecemos"
    assert text(one(home, "#locations-heading")) == "Dónde encontrarnos"
    featured = labelled(home, "featured-conditions")
    assert ("Dolor de cabeza", "/es/afecciones/dolor-de-cabeza/") in links(featured)
    for card in featured.select("li.card"):
        href = one(card, "a")["href"]
        # An untranslated page is listed in English, and says so.
        assert href.startswith("/es/") or card.get("lang") == "en", href
    assert ("Todas las afecciones", "/es/afecciones/") in links(featured)

    # The accessibility statement's date line.
    statement = one(soup(client.get("/es/accesibilidad/")), "main")
    assert "Esta declaración se actualizó por última vez el " in text(statement)

    # The footer's chosen pages: the Spanish translation where there is one.
    footer = one(home, ".site-footer")
    assert ("Dolor lumbar", "/es/afecciones/dolor-lumbar/") in links(footer)
    for link in footer.select("section[aria-labelledby=footer-conditions] a"):
        assert link["href"].startswith("/es/") or link.get("lang") == "en"


@pytest.fixture
def spanish_site(home):
    return translate(home, slug="inicio")


@pytest.fixture
def condition_index(home):
    return factories.ConditionIndexPageFactory(parent=home, slug="conditions")


@pytest.mark.django_db
class TestTranslationsMadeByCopying:
    """What wagtail-localize makes: a copy of the English page, its relations the English ones."""

    def test_related_conditions_link_the_spanish_pages_and_the_rest_in_english(
        self, client, condition_index, spanish_site
    ):
        neck = factories.ConditionPageFactory(parent=condition_index, title="Neck Pain")
        knee = factories.ConditionPageFactory(parent=condition_index, title="Knee Pain")
        headache = factories.ConditionPageFactory(
            parent=condition_index, title="Headache", related_conditions=[neck, knee]
        )
        index_es = translate(condition_index, title="Afecciones", slug="afecciones")
        neck_es = translate(neck, title="Dolor de cuello", slug="dolor-de-cuello")
        headache_es = translate(headache, title="Dolor de cabeza", slug="dolor-de-cabeza")
        assert index_es.url == "/es/afecciones/"
        # The copy keeps the English relations.
        assert set(headache_es.related_conditions.all()) == {neck, knee}

        related = labelled(soup(client.get(headache_es.url)), "related-conditions")
        assert links(related) == [("Dolor de cuello", neck_es.url), ("Knee Pain", knee.url)]
        assert one(related, f'a[href="{knee.url}"]')["lang"] == "en"
        assert "lang" not in one(related, f'a[href="{neck_es.url}"]').attrs
        # The English page is as it was.
        english = labelled(soup(client.get(headache.url)), "related-conditions")
        assert links(english) == [("Knee Pain", knee.url), ("Neck Pain", neck.url)]
        assert not english.select("a[lang]")

    def test_a_spanish_name_after_de_or_a_takes_the_contraction(
        self, client, condition_index, spanish_site
    ):
        page = factories.ConditionPageFactory(
            parent=condition_index,
            title="Low Back Pain",
            name_in_questions="low back pain",
            symptoms="<ul><li>A dull ache.</li></ul>",
        )
        translate(condition_index, title="Afecciones", slug="afecciones")
        spanish = translate(
            page,
            title="Dolor lumbar",
            slug="dolor-lumbar",
            name_in_questions="el dolor lumbar",
            general_name="",
        )
        headings = section_headings(soup(client.get(spanish.url)))
        assert "¿Cuáles son los síntomas del dolor lumbar?" in headings
        # The English page's questions are as they were.
        english = section_headings(soup(client.get(page.url)))
        assert english[:2] == ["What is low back pain?", "What are the symptoms of low back pain?"]

    def test_a_spanish_page_is_indexed_with_its_spanish_headings_whatever_the_request(
        self, procedure, spanish_site
    ):
        translate(procedure.get_parent().specific, title="Procedimientos", slug="procedimientos")
        spanish = translate(
            procedure,
            title="Punción lumbar",
            slug="puncion-lumbar",
            name_in_questions="una punción lumbar",
        )
        # Search and the reading grade read the sections outside any Spanish request.
        assert spanish.sections[0]["heading"] == "¿Qué es una punción lumbar?"
        assert spanish.sections[0]["label"] == "¿Qué es?"
        assert procedure.sections[0]["label"] == "What is it?"


@pytest.mark.django_db
def test_the_english_plans_and_prices_keep_their_english_words(client, demo_site):
    visit = soup(client.get("/locations/plan-your-visit/"))
    assert text(one(visit, "#plans-heading")) == "Insurance plans we accept"
    plans = texts(visit.select(".plans__list li"))
    assert any(" — at " in plan and "Virtual Appointment" in plan for plan in plans)
    assert all("Last checked " in plan for plan in plans)
    home = soup(client.get("/"))
    assert text(one(home, "#featured-conditions")) == "Conditions we treat"
    assert not home.select("li.card[lang], section[aria-labelledby=footer-conditions] a[lang]")


@pytest.mark.django_db
def test_a_spanish_team_member_page_has_spanish_headings(client, physician, spanish_site):
    physician.specialties = "Neurología"
    physician.languages = "Español\nInglés"
    physician.npi = "1234567893"
    physician.save_revision().publish()
    translate(physician.get_parent().specific, title="Nosotros", slug="nosotros")
    spanish = translate(physician, slug="conozca-al-dr-sader")
    page = soup(client.get(spanish.url))
    headings = texts(page.select("main .profile h2"))
    assert headings[:2] == ["Especialidades", "Idiomas"]
    assert text(one(page, ".profile__npi")) == "Número NPI: 1234567893"
    english = soup(client.get(physician.url))
    assert texts(english.select("main .profile h2"))[:2] == ["Specialties", "Languages"]
    assert text(one(english, ".profile__npi")) == "NPI number: 1234567893"
