"""Search that understands patients: spelling corrections, synonyms, promoted results,
the search terms report (and what it never stores), its purge, and the header's suggestions."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits, SearchPromotion
from wagtail.models import PageViewRestriction

from sitesearch.models import QueryDailyOutcome, Synonym
from sitesearch.terms import looks_personal, purge
from tests import factories
from tests.html import links, one, soup, text, texts

pytestmark = pytest.mark.django_db


def result_titles(response):
    return texts(soup(response).select("ol.search-results .search-result__title"))


@pytest.fixture
def injections(procedure_index):
    return [
        factories.ProcedurePageFactory(parent=procedure_index, title=title)
        for title in (
            "Shoulder Steroid Injection",
            "Epidural Steroid Injection",
            "Lumbar Puncture",
            "Knee Steroid Injection",
        )
    ]


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("ed", "ed@example.test", "pw-editor-1")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


class TestSpellingCorrection:
    def test_a_misspelt_word_is_corrected_and_the_patient_may_search_instead(
        self, client, injections
    ):
        response = client.get("/search/", {"q": "sholder injection"})
        html = soup(response)
        line = one(html, ".search-correction")
        assert text(line) == (
            "Showing results for shoulder injection — search instead for sholder injection"
        )
        assert links(line) == [
            ("search instead for sholder injection", "?q=sholder+injection&exact=1")
        ]
        assert result_titles(response) == ["Shoulder Steroid Injection"]

        instead = client.get("/search/", {"q": "sholder injection", "exact": "1"})
        assert not soup(instead).select(".search-correction")
        # Their own words: "injection" alone is on pages, "sholder" on none.
        assert "we found no page with “sholder”" in text(one(soup(instead), ".search-partial"))

    def test_one_misspelt_word_alone(self, client, injections):
        response = client.get("/search/", {"q": "epidurel"})
        assert result_titles(response) == ["Epidural Steroid Injection"]
        assert "Showing results for epidural" in text(one(soup(response), ".search-correction"))

    def test_a_word_that_matches_is_never_corrected(self, client, injections, procedure_index):
        factories.ProcedurePageFactory(
            parent=procedure_index,
            title="Injection Aftercare",
            overview="<p>Written with Dr. Sholder.</p>",
        )
        response = client.get("/search/", {"q": "sholder injection"})
        assert not soup(response).select(".search-correction")
        assert result_titles(response) == ["Injection Aftercare"]

    def test_words_of_private_pages_are_never_offered(self, client, home):
        page = factories.StandardPageFactory(parent=home, title="Zebrafish Protocol")
        PageViewRestriction.objects.create(page=page, restriction_type="login")
        html = soup(client.get("/search/", {"q": "zebrafsh"}))
        assert not html.select(".search-correction")
        assert "We found no pages for “zebrafsh”" in text(one(html, ".search-help"))

    def test_terms_editors_add_are_part_of_the_vocabulary(self, client, injections):
        Synonym.objects.create(terms="spinal tap\nlumbar puncture")
        response = client.get("/search/", {"q": "spinal tapp"})
        assert result_titles(response) == ["Lumbar Puncture"]
        assert "Showing results for spinal tap" in text(one(soup(response), ".search-correction"))


class TestSynonyms:
    def test_a_lay_phrase_finds_the_clinical_page_and_back(self, client, injections, home):
        factories.StandardPageFactory(
            parent=home, title="Back Pain Guide", body="<p>A pinched nerve hurts.</p>"
        )
        Synonym.objects.create(terms="spinal tap\nlumbar puncture")
        Synonym.objects.create(terms="pinched nerve, radiculopathy")
        assert result_titles(client.get("/search/", {"q": "spinal tap"})) == ["Lumbar Puncture"]
        assert result_titles(client.get("/search/", {"q": "Radiculopathy"})) == ["Back Pain Guide"]

    def test_editors_keep_synonyms_in_the_admin(self, client, editor):
        client.force_login(editor)
        url = reverse("search_synonyms:add")
        form = soup(client.get(url))
        assert one(form, "select[name=language] option[selected]")["value"] == "en"
        response = client.post(
            url, {"language": "en", "terms": "spinal tap\nLumbar Puncture", "note": ""}
        )
        assert response.status_code == 302
        assert Synonym.objects.get().term_list() == ["spinal tap", "lumbar puncture"]
        refused = client.post(url, {"language": "en", "terms": "only one", "note": ""})
        assert refused.status_code == 200 and Synonym.objects.count() == 1


class TestPromotions:
    def test_a_pinned_page_shows_first_marked_recommended(self, client, home, injections):
        visit = factories.StandardPageFactory(
            parent=home, title="Plan Your Visit", summary="What to bring, and what it costs."
        )
        factories.StandardPageFactory(parent=home, title="Cost of Care", summary="Fees.")
        SearchPromotion.objects.create(query=Query.get("cost"), page=visit, sort_order=0)
        html = soup(client.get("/search/", {"q": "Cost"}))
        recommended = one(html, "ul.search-results--recommended")
        assert texts(recommended.select(".search-result__title")) == ["Plan Your Visit"]
        assert text(one(recommended, ".search-result__badge")) == "Recommended"
        # Shown once: not again among the other results.
        assert texts(html.select("ol.search-results .search-result__title")) == ["Cost of Care"]
        main = one(html, "main")
        assert main.select(".search-result__title")[0].get_text(strip=True) == "Plan Your Visit"

    def test_a_promoted_page_that_is_private_is_not_shown(self, client, home):
        visit = factories.StandardPageFactory(parent=home, title="Staff Parking")
        PageViewRestriction.objects.create(page=visit, restriction_type="login")
        SearchPromotion.objects.create(query=Query.get("parking"), page=visit, sort_order=0)
        html = soup(client.get("/search/", {"q": "parking"}))
        assert not html.select(".search-results--recommended")


class TestSearchTermsReport:
    def report(self, client, **params):
        return client.get(reverse("sitesearch_search_terms"), params)

    def test_counts_searches_and_those_that_found_nothing(self, client, editor, injections):
        for query in ("Knee injection", "knee  injection", "xylophone", "sholder injection"):
            client.get("/search/", {"q": query})
        client.get("/search/", {"q": "knee injection", "page": "2"})  # the same search, paged
        today = timezone.localdate()
        assert QueryDailyHits.objects.get(query__query_string="knee injection").hits == 2
        nothing = QueryDailyOutcome.objects.get(query__query_string="xylophone", date=today)
        assert (nothing.no_results, nothing.not_as_typed) == (1, 1)
        corrected = QueryDailyOutcome.objects.get(query__query_string="sholder injection")
        assert (corrected.no_results, corrected.not_as_typed) == (0, 1)
        found = QueryDailyOutcome.objects.get(query__query_string="knee injection")
        assert (found.language, found.searches, found.no_results, found.not_as_typed) == (
            "en",
            2,
            0,
            0,
        )

        client.force_login(editor)
        table = one(soup(self.report(client)), "table.listing")
        assert texts(table.select("thead th")) == [
            "Search term",
            "Language",
            "Searches",
            "Found nothing",
            "Nothing as typed",
            "Last searched",
        ]
        rows = [texts(tr.select("td"))[:5] for tr in table.select("tbody tr")]
        assert rows == [  # most searched first
            ["knee injection", "English", "2", "0", "0"],
            ["sholder injection", "English", "1", "0", "1"],
            ["xylophone", "English", "1", "1", "1"],
        ]
        nothing_only = one(soup(self.report(client, found="nothing")), "table.listing")
        assert [texts(tr.select("td"))[0] for tr in nothing_only.select("tbody tr")] == [
            "xylophone"
        ]
        csv = b"".join(self.report(client, export="csv").streaming_content).decode()
        lines = csv.splitlines()
        assert lines[0] == (
            "Search term,Language,Searches,Found nothing,Nothing as typed,Last searched"
        )
        assert lines[1] == f"knee injection,English,2,0,0,{today.isoformat()}"

    @pytest.mark.parametrize(
        "query",
        [
            "203 555 0142",
            "(203) 555-0142",
            "+1 203-555-0142",
            "jane.doe@example.com",
            "jane.doe (at) example.com",
            "3/14/1985",
            "1985-03-14",
            "March 14, 1985",
            "14 march 1985 appointment",
            "dob 1985",
        ],
    )
    def test_queries_that_identify_someone_are_not_stored(self, client, home, query):
        assert looks_personal(query)
        assert client.get("/search/", {"q": query}).status_code == 200
        assert not Query.objects.exists() and not QueryDailyHits.objects.exists()

    @pytest.mark.parametrize("query", ["knee pain", "c5 c6 disc", "botox 2025 price", "l4"])
    def test_ordinary_queries_are_stored(self, query):
        assert not looks_personal(query)

    def test_nothing_but_the_query_and_the_day_is_kept(self):
        fields = {f.name for f in QueryDailyOutcome._meta.get_fields()}
        # The language is the site's (English, or Spanish at /es/search/), never the patient's.
        assert fields == {
            "id",
            "query",
            "date",
            "language",
            "searches",
            "no_results",
            "not_as_typed",
        }
        assert {f.name for f in QueryDailyHits._meta.get_fields()} == {
            "id",
            "query",
            "date",
            "hits",
        }

    def test_front_desk_staff_may_not_see_it(self, client, django_user_model):
        user = django_user_model.objects.create_user("fd", "fd@example.test", "pw-fd-1")
        user.groups.add(Group.objects.get(name="Front desk"))
        client.force_login(user)
        assert self.report(client).status_code == 403

    def test_old_counts_are_purged_daily(self, settings, home):
        settings.SEARCH_TERMS_RETENTION_DAYS = 180
        today = timezone.localdate()
        old, recent, promoted = (Query.get(q) for q in ("old", "recent", "promoted"))
        for query, age in ((old, 181), (recent, 180), (promoted, 200)):
            date = today - datetime.timedelta(days=age)
            QueryDailyHits.objects.create(query=query, date=date, hits=3)
            QueryDailyOutcome.objects.create(query=query, date=date, no_results=1)
        SearchPromotion.objects.create(query=promoted, page=home, sort_order=0)

        call_command("purge_search_terms", stdout=open("/dev/null", "w"))  # noqa: SIM115

        assert list(QueryDailyHits.objects.values_list("query__query_string", flat=True)) == [
            "recent"
        ]
        assert QueryDailyOutcome.objects.count() == 1
        # A query with no counts left goes, unless an editor promoted pages for it.
        assert set(Query.objects.values_list("query_string", flat=True)) == {"recent", "promoted"}
        assert purge() == 0


class TestSuggestions:
    def suggest(self, client, q):
        return client.get(reverse("search_suggest"), {"q": q})

    def test_titles_starting_with_the_typed_words(self, client, injections, home):
        response = self.suggest(client, "Lumb")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        # Asked again each time: a title that just went private is never kept by a browser.
        assert response["Cache-Control"] == "no-cache"
        data = response.json()
        assert data["suggestions"] == [
            {"title": "Lumbar Puncture", "url": "/procedures/lumbar-puncture/", "type": "Procedure"}
        ]
        steroid = [s["title"] for s in self.suggest(client, "steroid inj").json()["suggestions"]]
        assert steroid == [
            "Knee Steroid Injection",
            "Epidural Steroid Injection",
            "Shoulder Steroid Injection",
        ]

    def test_synonyms_suggest_the_page_they_stand_for(self, client, injections):
        Synonym.objects.create(terms="spinal tap\nlumbar puncture")
        (suggestion,) = self.suggest(client, "spinal ta").json()["suggestions"]
        assert (suggestion["title"], suggestion["alias"]) == ("Lumbar Puncture", "spinal tap")

    def test_private_pages_and_short_prefixes_suggest_nothing(self, client, home):
        page = factories.StandardPageFactory(parent=home, title="Lumbar Staff Rota")
        PageViewRestriction.objects.create(page=page, restriction_type="login")
        assert self.suggest(client, "lumb").json()["suggestions"] == []
        assert self.suggest(client, "l").json()["suggestions"] == []

    def test_a_page_made_private_or_unpublished_leaves_the_suggestions_at_once(
        self, client, home, settings
    ):
        settings.SITE_PARTS_CACHE_SECONDS = 600  # suggestions kept, as in production
        rota = factories.StandardPageFactory(parent=home, title="Lumbar Staff Rota")
        drill = factories.StandardPageFactory(parent=home, title="Lumbar Fire Drill")
        assert len(self.suggest(client, "lumb").json()["suggestions"]) == 2
        PageViewRestriction.objects.create(page=rota, restriction_type="login")
        titles = [s["title"] for s in self.suggest(client, "lumb").json()["suggestions"]]
        assert titles == ["Lumbar Fire Drill"]
        drill.unpublish()
        assert self.suggest(client, "lumb").json()["suggestions"] == []

    def test_a_new_page_is_suggested_at_once(self, client, procedure_index):
        assert self.suggest(client, "tizan").json()["suggestions"] == []
        factories.ProcedurePageFactory(parent=procedure_index, title="Tizanidine Trial")
        titles = [s["title"] for s in self.suggest(client, "tizan").json()["suggestions"]]
        assert titles == ["Tizanidine Trial"]


class TestKeptBetweenSearches:
    """What a search keeps in the shared cache (promotions, the vocabulary, what results
    show of a page) follows editors' changes on the very next search."""

    @pytest.fixture(autouse=True)
    def parts_kept(self, settings):
        settings.SITE_PARTS_CACHE_SECONDS = 600  # as in production

    def recommended(self, client, query):
        html = soup(client.get("/search/", {"q": query}))
        return texts(html.select(".search-results--recommended .search-result__title"))

    def test_a_promotion_added_made_private_or_removed_shows_at_once(self, client, home):
        visit = factories.StandardPageFactory(parent=home, title="Plan Your Visit")
        assert self.recommended(client, "parking") == []
        pick = SearchPromotion.objects.create(query=Query.get("parking"), page=visit, sort_order=0)
        assert self.recommended(client, "parking") == ["Plan Your Visit"]
        restriction = PageViewRestriction.objects.create(page=visit, restriction_type="login")
        assert self.recommended(client, "parking") == []
        restriction.delete()
        assert self.recommended(client, "parking") == ["Plan Your Visit"]
        pick.delete()
        assert self.recommended(client, "parking") == []

    def test_a_new_pages_words_are_corrected_to_and_an_unpublished_pages_no_longer(
        self, client, procedure_index
    ):
        def correction(query):
            found = soup(client.get("/search/", {"q": query})).select(".search-correction")
            return text(found[0]) if found else ""

        assert correction("tizanidne") == ""
        trial = factories.ProcedurePageFactory(parent=procedure_index, title="Tizanidine Trial")
        assert correction("tizanidne").startswith("Showing results for tizanidine")
        trial.unpublish()
        assert correction("tizanidne") == ""

    def test_results_show_the_title_address_and_summary_as_last_published(
        self, client, procedure_index
    ):
        page = factories.ProcedurePageFactory(
            parent=procedure_index, title="Botox Injections", summary="Small injections."
        )

        def shown():
            html = soup(client.get("/search/", {"q": "botox"}))
            result = one(html, "ol.search-results li.search-result")
            return links(result)[0], text(one(result, "p:not(.search-result__type)"))

        assert shown() == (("Botox Injections", page.url), "Small injections.")
        page.title = "Botox Treatment"
        page.slug = "botox-treatment"
        page.summary = "Treatment for migraine and spasm."
        page.save_revision().publish()
        page.refresh_from_db()
        assert shown() == (("Botox Treatment", page.url), "Treatment for migraine and spasm.")

    def test_a_page_indexed_before_summaries_were_kept_still_shows_its_summary(
        self, client, procedure_index
    ):
        from sitesearch.models import SearchDocument

        page = factories.ProcedurePageFactory(
            parent=procedure_index, title="Botox Injections", summary="Small injections."
        )
        SearchDocument.objects.filter(page=page).update(shown_summary=None)
        html = soup(client.get("/search/", {"q": "botox"}))
        assert text(one(html, "ol.search-results p:not(.search-result__type)")) == (
            "Small injections."
        )
