"""Search ranks the same way on SQLite and PostgreSQL: title, then summary, then sections.

Every assertion here holds on both databases: CI runs this file on
PostgreSQL with the whole suite and once more on SQLite (.ci/run). The
ranking itself is one function in Python (`sitesearch.engine.rank_key`);
the databases only find the candidates, with the same stems.
"""

import pytest
from django.db import connection
from wagtail.models import PageViewRestriction

from sitesearch import engine
from tests import factories
from tests.html import one, soup, text, texts

pytestmark = pytest.mark.django_db


def result_titles(response):
    return texts(soup(response).select("ol.search-results .search-result__title"))


def titles(query, **kwargs):
    return [hit.title for hit in engine.search(query, **kwargs).hits]


@pytest.fixture
def conditions(home):
    return factories.ConditionIndexPageFactory(parent=home, slug="conditions")


@pytest.fixture
def about(home):
    return factories.StandardPageFactory(parent=home, title="About", slug="about")


@pytest.fixture
def pages(procedure_index, conditions, about):
    """Pages that mention "tizanidine" in each place, on each kind of page."""
    word = "Tizanidine"
    made = {
        "info title": factories.StandardPageFactory(
            parent=about, title=f"{word} and Driving", summary="Rules for the road."
        ),
        "procedure title": factories.ProcedurePageFactory(
            parent=procedure_index, title=f"{word} Trial Injection"
        ),
        "condition summary": factories.ConditionPageFactory(
            parent=conditions, title="Spasm", summary=f"Treated with {word.lower()} first."
        ),
        "info summary": factories.StandardPageFactory(
            parent=about, title="Research", summary=f"Our study of {word.lower()}."
        ),
        "procedure section": factories.ProcedurePageFactory(
            parent=procedure_index,
            title="Muscle Relaxation",
            during=f"<ul><li>We may give you {word.lower()}.</li></ul>",
        ),
        "info section": factories.StandardPageFactory(
            parent=about, title="Media", body=f"<p>Dr. Sader spoke about {word.lower()}.</p>"
        ),
        "unrelated": factories.ProcedurePageFactory(parent=procedure_index, title="Knee Steroid"),
    }
    return made


class TestOneRankedOrder:
    def test_title_then_summary_then_sections_clinical_first_on_equal_match(self, client, pages):
        expected = [
            "Tizanidine Trial Injection",  # title, clinical
            "Tizanidine and Driving",  # title, information
            "Spasm",  # summary, clinical
            "Research",  # summary, information
            "Muscle Relaxation",  # a section, clinical
            "Media",  # a section, information
        ]
        assert titles("tizanidine") == expected
        assert result_titles(client.get("/search/", {"q": "tizanidine"})) == expected

    def test_more_words_in_the_title_rank_higher(self, procedure_index):
        for title in ("Botox for Chronic Migraine", "Botox Injections", "Migraine Nerve Block"):
            factories.ProcedurePageFactory(
                parent=procedure_index,
                title=title,
                overview="<p>Botox and migraine, both named here.</p>",
            )
        assert titles("botox migraine")[0] == "Botox for Chronic Migraine"

    def test_the_title_nearest_the_query_comes_first(self, procedure_index):
        for title in ("Botox for Cervical Dystonia", "Botox Injections", "Botox for Spasticity"):
            factories.ProcedurePageFactory(parent=procedure_index, title=title)
        assert titles("botox") == [
            "Botox Injections",
            "Botox for Spasticity",
            "Botox for Cervical Dystonia",
        ]

    def test_word_forms_match_alike(self, procedure_index):
        factories.ProcedurePageFactory(parent=procedure_index, title="Spinal Injections")
        factories.ProcedurePageFactory(parent=procedure_index, title="Epidural Steroid Injection")
        for query in ("injection", "injections", "INJECTIONS", "injected"):
            assert set(titles(query)) >= {"Spinal Injections", "Epidural Steroid Injection"}, query

    def test_every_word_must_be_found_when_some_page_has_them_all(self, procedure_index):
        factories.ProcedurePageFactory(parent=procedure_index, title="Knee Steroid Injection")
        factories.ProcedurePageFactory(parent=procedure_index, title="Shoulder Steroid Injection")
        assert titles("knee steroid") == ["Knee Steroid Injection"]

    def test_drafts_and_private_pages_are_never_found(self, procedure_index, about):
        factories.ProcedurePageFactory(parent=procedure_index, title="Tizanidine Draft", live=False)
        private = factories.StandardPageFactory(parent=about, title="Tizanidine Staff Notes")
        PageViewRestriction.objects.create(page=private, restriction_type="login")
        factories.ProcedurePageFactory(parent=procedure_index, title="Tizanidine Trial")
        assert titles("tizanidine") == ["Tizanidine Trial"]


class TestTheIndexFollowsThePages:
    def test_publish_unpublish_delete_and_rebuild(self, procedure_index):
        from django.core.management import call_command

        from sitesearch.models import SearchDocument

        page = factories.ProcedurePageFactory(parent=procedure_index, title="Tizanidine Trial")
        page.title = "Baclofen Trial"
        page.save_revision().publish()
        assert titles("baclofen") == ["Baclofen Trial"] and titles("tizanidine") == []
        page.unpublish()
        assert titles("baclofen") == []
        page.save_revision().publish()
        SearchDocument.objects.all().delete()
        call_command("update_index", backend_name="sitesearch", verbosity=0)
        assert titles("baclofen") == ["Baclofen Trial"]
        page.delete()
        assert not SearchDocument.objects.filter(pk=page.pk).exists()


class TestDemo:
    def test_botox_lists_the_seven_botox_procedures_first(self, client, demo_site):
        found = result_titles(client.get("/search/", {"q": "botox"}))
        assert set(found[:7]) == {
            "Botox Injections",
            "Botox for Cervical Dystonia",
            "Botox for Chronic Migraine",
            "Botox for Hemifacial Spasm",
            "Botox for Sialorrhea",
            "Botox for Spasticity",
            "Botox for Trigeminal Neuralgia",
        }
        assert found[0] == "Botox Injections"

    def test_a_query_with_a_word_on_no_page_shows_the_pages_with_the_others(
        self, client, demo_site
    ):
        html = soup(client.get("/search/", {"q": "botox migraine price"}))
        assert "No page has all of your words: we found no page with “price”." in text(
            one(html, ".search-partial")
        )
        first = html.select("ol.search-results li.search-result")[0]
        assert text(one(first, ".search-result__title")) == "Botox for Chronic Migraine"
        assert text(one(first, ".search-result__missing")) == "Does not mention: price"


class TestPartialMatches:
    def test_pages_with_most_words_first_each_naming_what_it_lacks(self, client, procedure_index):
        factories.ProcedurePageFactory(parent=procedure_index, title="Knee Steroid Injection")
        factories.ProcedurePageFactory(parent=procedure_index, title="Hip Bursa Injection")
        html = soup(client.get("/search/", {"q": "knee injection xylophone"}))
        assert "we found no page with “xylophone”" in text(one(html, ".search-partial"))
        results = html.select("ol.search-results li.search-result")
        assert [text(one(r, ".search-result__title")) for r in results] == [
            "Knee Steroid Injection",
            "Hip Bursa Injection",
        ]
        assert text(one(results[0], ".search-result__missing")) == "Does not mention: xylophone"
        assert text(one(results[1], ".search-result__missing")) == (
            "Does not mention: knee, xylophone"
        )


class TestAtSize:
    def test_queries_per_search_stay_flat_as_the_site_grows(self, client, home, procedure_index):
        # The ceiling at demo size: tests/test_search_privacy.py::test_a_search_takes_few_queries.
        from django.test.utils import CaptureQueriesContext

        def count(query):
            client.get("/search/", {"q": query})  # warm: settings, site root paths
            with CaptureQueriesContext(connection) as captured:
                assert client.get("/search/", {"q": query}).status_code == 200
            return len(captured)

        factories.ProcedurePageFactory(parent=procedure_index, title="Nerve Block 0")
        few = count("nerve block")
        for n in range(1, 40):
            factories.ProcedurePageFactory(parent=procedure_index, title=f"Nerve Block {n}")
        # Results of every kind of page, read in one query (not one per kind).
        conditions = factories.ConditionIndexPageFactory(parent=home, slug="conditions")
        factories.ConditionPageFactory(parent=conditions, title="Nerve Block Pain")
        factories.StandardPageFactory(parent=home, title="Nerve Block FAQ")
        assert count("nerve block") <= few


class TestKeptResults:
    """With the site's parts kept, as in production: a search kept from before follows the pages."""

    @pytest.fixture(autouse=True)
    def kept(self, settings):
        settings.SITE_PARTS_CACHE_SECONDS = 600

    def search(self, client, query):
        return result_titles(client.get("/search/", {"q": query}))

    def test_the_same_search_again_reads_no_table_of_the_index(self, client, procedure_index):
        from django.test.utils import CaptureQueriesContext

        factories.ProcedurePageFactory(parent=procedure_index, title="Tizanidine Trial")
        first = self.search(client, "tizanidine")
        with CaptureQueriesContext(connection) as captured:
            again = self.search(client, "tizanidine")
        assert again == first == ["Tizanidine Trial"]
        assert not [q for q in captured if "sitesearch_searchdocument" in q["sql"]]

    def test_publishing_renaming_unpublishing_and_restricting_show_at_once(
        self, client, procedure_index
    ):
        trial = factories.ProcedurePageFactory(
            parent=procedure_index, title="Tizanidine Trial", summary="A first look."
        )
        assert self.search(client, "tizanidine") == ["Tizanidine Trial"]
        infusion = factories.ProcedurePageFactory(parent=procedure_index, title="Tizanidine Pump")
        assert self.search(client, "tizanidine") == ["Tizanidine Pump", "Tizanidine Trial"]

        trial.title = "Tizanidine Trial Injection"
        trial.summary = "Now for the knee."
        trial.save_revision().publish()
        html = soup(client.get("/search/", {"q": "tizanidine knee"}))
        assert texts(html.select(".search-result__title")) == ["Tizanidine Trial Injection"]
        assert "Now for the knee." in text(one(html, "ol.search-results"))

        trial.unpublish()
        assert self.search(client, "tizanidine") == ["Tizanidine Pump"]
        PageViewRestriction.objects.create(page=infusion, restriction_type="login")
        assert self.search(client, "tizanidine") == []

    def test_a_search_with_words_the_site_does_not_have_is_not_kept(self, client, procedure_index):
        """A name beside a condition is searched every time: the cache never holds it."""
        from django.core.cache import cache

        from pagecache import versions

        factories.ProcedurePageFactory(parent=procedure_index, title="Tizanidine Trial")
        assert self.search(client, "tizanidine zebulonsky") == ["Tizanidine Trial"]
        assert self.search(client, "tizanidine zebulonsky") == ["Tizanidine Trial"]
        kept = [value for _, value in versions._local.values()]
        kept += [value for value in cache._cache.values()]
        assert kept and not [value for value in kept if b"zebulonsky" in value]
