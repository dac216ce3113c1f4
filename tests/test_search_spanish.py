"""Search on the Spanish site (/es/search/): Spanish stems, stop words, synonyms and spelling.

A Spanish search finds Spanish pages only, with the Spanish Snowball stemmer
("bloqueos" finds "Bloqueo") and stop words, the editors' Spanish synonyms
("punción espinal" finds "Punción lumbar"), and corrections from the Spanish
pages' own words ("epidurall"). English searches are as before and never list
a Spanish page. The search terms report says which site each search was made
on. Every assertion holds on SQLite and PostgreSQL (the ranking is one
function in Python: `sitesearch.engine.rank_key`).
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.contrib.search_promotions.models import Query, SearchPromotion
from wagtail.models import Locale

from sitesearch import engine
from sitesearch.models import QueryDailyOutcome, SearchDocument, Synonym
from tests import factories
from tests.html import one, soup, text, texts

pytestmark = pytest.mark.django_db


def translated(page, **fields):
    """`page`'s published Spanish translation (its parent translated already)."""
    spanish = page.copy_for_translation(Locale.objects.get(language_code="es"))
    for name, value in fields.items():
        setattr(spanish, name, value)
    spanish.save()
    spanish.save_revision().publish()
    return spanish


@pytest.fixture
def sites(home, procedure_index):
    """The same practice in English and in Spanish: procedures and conditions in both."""
    conditions = factories.ConditionIndexPageFactory(parent=home, slug="conditions")
    translated(home, slug="inicio")
    procedimientos = translated(procedure_index, title="Procedimientos", slug="procedimientos")
    afecciones = translated(conditions, title="Afecciones", slug="afecciones")

    for title in ("Occipital Nerve Block", "Lumbar Puncture", "Epidural Steroid Injection"):
        factories.ProcedurePageFactory(parent=procedure_index, title=title)
    factories.ConditionPageFactory(parent=conditions, title="Migraine", summary="Headaches.")

    def procedimiento(title, slug, summary, **sections):
        return factories.ProcedurePageFactory(
            parent=procedimientos, title=title, slug=slug, summary=summary, **sections
        )

    spanish = {
        "bloqueo": procedimiento(
            "Bloqueo del nervio occipital",
            "bloqueo-del-nervio-occipital",
            "Un medicamento alivia el dolor de la nuca.",
        ),
        "puncion": procedimiento(
            "Punción lumbar",
            "puncion-lumbar",
            "Se toma un poco de líquido de la espalda.",
        ),
        "epidural": procedimiento(
            "Inyección epidural de esteroides",
            "inyeccion-epidural",
            "Alivia el dolor que baja por la pierna.",
            overview="<p>Ayuda con la ciática y con los nervios de la espalda.</p>",
        ),
        "migrana": factories.ConditionPageFactory(
            parent=afecciones,
            title="Migraña",
            slug="migrana",
            summary="Dolores de cabeza fuertes que vuelven.",
        ),
    }
    for page in spanish.values():
        assert page.locale.language_code == "es"
    return spanish


def spanish_search(client, query, **params):
    return client.get("/es/search/", {"q": query, **params})


def result_titles(response):
    return texts(soup(response).select("ol.search-results .search-result__title"))


def result_links(response):
    return [a["href"] for a in soup(response).select("ol.search-results .search-result__title a")]


class TestSpanishWords:
    def test_a_plural_finds_the_singular_by_its_spanish_stem(self, client, sites):
        response = spanish_search(client, "bloqueos")

        assert response.status_code == 200
        assert one(soup(response), "html")["lang"] == "es"
        assert result_titles(response) == ["Bloqueo del nervio occipital"]
        assert result_links(response) == ["/es/procedimientos/bloqueo-del-nervio-occipital/"]

    def test_pages_are_indexed_with_their_own_languages_stemmer_and_stop_words(self, sites):
        bloqueo = SearchDocument.objects.get(page=sites["bloqueo"])
        # "del" is a Spanish stop word; "nervio" and "occipital" are Spanish stems.
        assert bloqueo.title_terms == " bloque nervi occipital "
        english = SearchDocument.objects.get(page__title="Epidural Steroid Injection")
        assert english.title_terms == " epidur steroid inject "

    def test_spanish_stop_words_do_not_match_every_page(self, client, sites):
        # "la" and "de" are on every Spanish page: without Spanish stop words each
        # would be listed as a partial match for a word that is on none of them.
        response = spanish_search(client, "la rodilla de")

        assert result_titles(response) == []
        help_text = text(one(soup(response), ".search-help"))
        assert help_text.startswith("No encontramos páginas para «la rodilla de».")

    def test_a_word_without_its_accent_or_tilde_finds_it(self, client, sites):
        assert result_titles(spanish_search(client, "puncion")) == ["Punción lumbar"]
        assert result_titles(spanish_search(client, "migrana")) == ["Migraña"]
        assert result_titles(spanish_search(client, "inyeccion")) == [
            "Inyección epidural de esteroides"
        ]

    def test_results_are_labelled_in_spanish(self, client, sites):
        page = soup(spanish_search(client, "dolor"))

        assert text(one(page, "h1")) == "Resultados de la búsqueda de «dolor»"
        assert texts(page.select(".search-result__type")) == [
            "Afección",
            "Procedimiento",
            "Procedimiento",
        ]
        assert one(page, "form.search-box--page")["action"] == "/es/search/"


class TestSpanishSynonyms:
    @pytest.fixture
    def synonyms(self, sites):
        for terms in (
            "punción lumbar\npunción espinal",
            "migraña\njaqueca",
            "ciática\ndolor del nervio ciático",
        ):
            Synonym.objects.create(terms=terms, language="es")
        # The English site's: a Spanish search does not read it.
        Synonym.objects.create(terms="spinal tap\nlumbar puncture", language="en")

    def test_a_spanish_synonym_finds_the_page(self, client, synonyms):
        assert result_titles(spanish_search(client, "punción espinal")) == ["Punción lumbar"]
        assert result_titles(spanish_search(client, "jaqueca")) == ["Migraña"]
        assert result_titles(spanish_search(client, "dolor del nervio ciático")) == [
            "Inyección epidural de esteroides"
        ]

    def test_each_languages_synonyms_are_its_own(self, client, synonyms):
        assert result_titles(spanish_search(client, "spinal tap")) == []
        assert result_titles(client.get("/search/", {"q": "spinal tap"})) == ["Lumbar Puncture"]
        assert result_titles(client.get("/search/", {"q": "jaqueca"})) == []


class TestSpanishSpelling:
    def test_a_misspelt_spanish_word_is_corrected_to_a_word_of_the_spanish_pages(
        self, client, sites
    ):
        response = spanish_search(client, "epidurall")

        line = one(soup(response), ".search-correction")
        assert text(line) == "Resultados de epidural — buscar en cambio epidurall"
        assert result_titles(response) == ["Inyección epidural de esteroides"]

    def test_corrections_come_from_the_language_searched(self, client, sites):
        # "Punción" is only on the Spanish page, "Puncture" only on the English one.
        assert engine_titles("puntcion", "es") == ["Punción lumbar"]
        assert engine.search("puntcion").corrections == {}
        assert engine_titles("punctre", "en") == ["Lumbar Puncture"]


def engine_titles(query, language):
    with translation.override(language):
        return [hit.title for hit in engine.search(query).hits]


class TestLanguagesKeptApart:
    def test_a_spanish_search_lists_spanish_pages_only(self, client, sites):
        # "epidural" and "occipital" are words of both languages' pages.
        for query in ("epidural", "occipital"):
            links = result_links(spanish_search(client, query))
            assert links and all(link.startswith("/es/") for link in links), query

    def test_an_english_search_lists_english_pages_only(self, client, sites):
        response = client.get("/search/", {"q": "epidural"})

        assert result_titles(response) == ["Epidural Steroid Injection"]
        assert one(soup(response), "html")["lang"] == "en"

    def test_spanish_ranking_title_before_summary_before_sections(self, client, sites):
        # "dolor" ("dolores"): in no title, in three clinical pages' summaries: the
        # shorter title first. "nervio": one title, one page's sections.
        assert result_titles(spanish_search(client, "dolor")) == [
            "Migraña",
            "Bloqueo del nervio occipital",
            "Inyección epidural de esteroides",
        ]
        assert engine_titles("nervio", "es") == [
            "Bloqueo del nervio occipital",
            "Inyección epidural de esteroides",
        ]

    def test_an_english_page_promoted_for_the_word_is_not_offered_in_spanish(self, client, sites):
        english = SearchDocument.objects.get(page__title="Epidural Steroid Injection").page
        SearchPromotion.objects.create(query=Query.get("epidural"), page=english, sort_order=0)

        assert not soup(spanish_search(client, "epidural")).select(".search-results--recommended")
        recommended = soup(client.get("/search/", {"q": "epidural"})).select(
            ".search-results--recommended .search-result__title"
        )
        assert texts(recommended) == ["Epidural Steroid Injection"]

    def test_suggestions_in_spanish_are_spanish_pages(self, client, sites):
        found = client.get("/es/search/suggest/", {"q": "punc"}).json()["suggestions"]

        assert [(item["title"], item["url"], item["type"]) for item in found] == [
            ("Punción lumbar", "/es/procedimientos/puncion-lumbar/", "Procedimiento")
        ]


class TestSearchTermsByLanguage:
    @pytest.fixture
    def editor(self, django_user_model):
        user = django_user_model.objects.create_user("ed", "ed@example.test", "pw-editor-1")
        user.groups.add(Group.objects.get(name="Editors"))
        return user

    def rows(self, client, **params):
        response = client.get(reverse("sitesearch_search_terms"), params)
        table = one(soup(response), "table.listing")
        return [texts(tr.select("td"))[:3] for tr in table.select("tbody tr")]

    def test_each_search_is_counted_for_the_site_it_was_made_on(self, client, editor, sites):
        spanish_search(client, "epidural")
        spanish_search(client, "bloqueos")
        client.get("/search/", {"q": "epidural"})

        today = timezone.localdate()
        counted = {
            (row.query.query_string, row.language): row.searches
            for row in QueryDailyOutcome.objects.filter(date=today).select_related("query")
        }
        assert counted == {("epidural", "es"): 1, ("bloqueos", "es"): 1, ("epidural", "en"): 1}

        client.force_login(editor)
        assert sorted(self.rows(client)) == [
            ["bloqueos", "Spanish", "1"],
            ["epidural", "English, Spanish", "2"],
        ]
        assert sorted(self.rows(client, language="es")) == [
            ["bloqueos", "Spanish", "1"],
            ["epidural", "Spanish", "1"],
        ]
        assert self.rows(client, language="en") == [["epidural", "English", "1"]]

    def test_a_spanish_search_with_a_name_in_it_is_not_stored(self, client, sites):
        # Words no page has beside the site's words: a name is never kept.
        spanish_search(client, "maria gonzalez migraña")
        spanish_search(client, "555 123 4567")

        assert not Query.objects.exists()
