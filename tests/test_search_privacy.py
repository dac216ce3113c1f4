"""Patient details stay out of logs and the search terms report: Django's request lines
lose their query strings, and only searches made of the site's own words are counted."""

import logging

import pytest
from django.conf import settings as project_settings
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from config.logs import NoQueryStrings
from sitesearch.models import Synonym
from tests import factories
from tests.html import one, soup, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinical_pages(procedure_index, home):
    factories.ProcedurePageFactory(parent=procedure_index, title="Botox Injections")
    factories.StandardPageFactory(
        parent=home, title="Multiple Sclerosis", body="<p>Living with MS day to day.</p>"
    )


def stored(client, query):
    client.get("/search/", {"q": query})
    return Query.objects.filter(query_string=query).exists()


class TestSearchTermsKeepOnlyTheSitesWords:
    def test_a_name_beside_a_condition_is_not_stored(self, client, clinical_pages):
        assert not stored(client, "john smith multiple sclerosis")
        assert not stored(client, "botox jane doe")
        assert not Query.objects.exists()

    def test_searches_made_of_the_sites_words_are_stored(self, client, clinical_pages):
        assert stored(client, "multiple sclerosis")
        assert stored(client, "botox")
        # A misspelling the search corrected to the site's word counts as that word.
        assert stored(client, "botx injections")

    def test_an_editors_synonym_is_the_sites_word(self, client, clinical_pages):
        Synonym.objects.create(terms="ms\nmultiple sclerosis")
        assert stored(client, "ms")

    def test_one_word_alone_is_stored_so_editors_see_what_is_missing(self, client, clinical_pages):
        assert stored(client, "xylophone")

    def test_the_privacy_page_says_what_is_kept_and_for_how_long(self, client, home, settings):
        settings.SEARCH_TERMS_RETENTION_DAYS = 90
        privacy = factories.StandardPageFactory(parent=home, title="Privacy", slug="privacy")
        from practice.models import PracticeSettings

        practice = PracticeSettings.for_site(home.get_site())
        practice.privacy_page = privacy
        practice.save()
        line = text(one(soup(client.get("/privacy/")), "#retention-search"))
        assert "counted per day for 90 days" in line
        assert "made of words our pages use" in line
        assert "never what was searched for" in line


class TestDjangoRequestLines:
    def record(self, name, msg, *args):
        return logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, None)

    def test_the_console_handler_drops_query_strings(self):
        handler = project_settings.LOGGING["handlers"]["console"]
        assert "no_query_strings" in handler["filters"]
        served = self.record(
            "django.server", '"%s" %s %s', "GET /search/?q=John+Smith HTTP/1.1", "200", "512"
        )
        missing = self.record(
            "django.request", "%s: %s", "Not Found", "/admin/x/?q=ann%40example.com"
        )
        for record in (served, missing):
            assert NoQueryStrings().filter(record)
        assert served.getMessage() == '"GET /search/ HTTP/1.1" 200 512'
        assert missing.getMessage() == "Not Found: /admin/x/"


class TestCountingNeverWritesOnTheRequestPath:
    def test_searches_are_counted_in_memory_and_written_in_one_batch(
        self, client, clinical_pages, settings, monkeypatch
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from wagtail.contrib.search_promotions.models import QueryDailyHits

        from sitesearch import terms

        settings.SEARCH_TERMS_FLUSH_SECONDS = 30
        monkeypatch.setattr(terms, "_start_flusher", lambda: None)  # flushed by hand here
        SearchPromotion.objects.create(
            query=Query.get("xylophone"), external_link_url="https://example.test/", sort_order=0
        )
        with CaptureQueriesContext(connection) as queries:
            # Found, found again, corrected, promoted: none writes.
            for query in ("botox", "Botox", "botx", "xylophone"):
                assert client.get("/search/", {"q": query}).status_code == 200
        writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
        assert writes == [] and not QueryDailyHits.objects.exists()

        assert terms.flush()
        assert QueryDailyHits.objects.get(query__query_string="botox").hits == 2
        assert QueryDailyHits.objects.get(query__query_string="botx").hits == 1
        assert QueryDailyHits.objects.get(query__query_string="xylophone").hits == 1
        assert terms.flush()  # nothing left: nothing written twice
        assert QueryDailyHits.objects.get(query__query_string="botox").hits == 2


# Issue 23 asks at most 6. One query finds the pages, one reads what results show of them;
# a corrected search looks again (the vocabulary, promotions, menus and site are kept);
# the third query of every request is the page cache's pending purges.
@pytest.mark.parametrize(
    "query, most", [("botox", 3), ("nerve block", 3), ("epidurel", 4), ("xylophone", 3)]
)
def test_a_search_takes_few_queries(
    client, procedure_index, settings, monkeypatch, django_assert_max_num_queries, query, most
):
    from sitesearch import terms

    settings.SITE_PARTS_CACHE_SECONDS = 600  # menus, footer and synonyms kept, as in production
    settings.SEARCH_TERMS_FLUSH_SECONDS = 30
    monkeypatch.setattr(terms, "_start_flusher", lambda: None)
    factories.ProcedurePageFactory(parent=procedure_index, title="Botox Injections")
    factories.ProcedurePageFactory(parent=procedure_index, title="Occipital Nerve Block")
    factories.ProcedurePageFactory(parent=procedure_index, title="Epidural Steroid Injection")
    client.get("/search/", {"q": "warm"})  # the site's parts kept once
    with django_assert_max_num_queries(most):
        assert client.get("/search/", {"q": query}).status_code == 200
