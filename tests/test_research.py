"""Research (issue 21, items 1-3): publications added by DOI or PubMed ID, the Research page,
a team member's and a condition's publications.

The responses of Crossref and PubMed are replayed by `responses` from files in
tests/samples/research/ (in each service's format, including a record with
fields missing and a not-found answer); a test that tried the network would fail.
"""

import json
from pathlib import Path

import pytest
import requests
import responses
from bs4 import BeautifulSoup
from django.urls import reverse

from research import citation, lookup, records
from research.models import Publication
from tests import factories

SAMPLES = Path(__file__).parent / "samples" / "research"
DOI = "10.1111/head.14321"
CROSSREF_URL = lookup.CROSSREF + DOI


def sample(name):
    return (SAMPLES / name).read_bytes()


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


# --- the parsers: the services' answers read into fields, no network -----------------


def test_a_crossref_record_gives_every_field():
    record = records.from_crossref(json.loads(sample("crossref_work.json")))

    assert record["doi"] == DOI
    # Markup in the title is dropped; authors as AMA writes them.
    assert record["title"] == (
        "Ultrasound-guided greater occipital nerve block for chronic migraine: a retrospective cohort"
    )
    assert record["authors"].splitlines() == ["Sader E", "Okafor MJ", "Lindqvist JP"]
    assert record["journal_abbreviation"] == "Headache"
    assert (record["year"], record["month"]) == (2023, 4)
    assert (record["volume"], record["issue"], record["pages"]) == ("63", "4", "512-521")
    assert record["abstract_url"].startswith("https://headachejournal.onlinelibrary.wiley.com/")
    # A Creative Commons licence: free to read.
    assert record["open_access_url"] == record["abstract_url"]


def test_a_crossref_record_with_fields_missing_gives_blanks_for_them():
    record = records.from_crossref(json.loads(sample("crossref_missing_fields.json")))

    assert record["title"] == "Botulinum toxin for cervical dystonia in community practice"
    # A group author by its name; an author with only a family name.
    assert record["authors"].splitlines() == ["Connecticut Neurology Research Group", "Sader"]
    assert (record["year"], record["month"]) == (2024, None)
    assert record["journal"] == record["volume"] == record["pages"] == ""
    assert record["open_access_url"] == ""


def test_a_pubmed_record_gives_every_field_and_its_free_copy_in_pmc():
    record = records.from_pubmed(sample("pubmed_efetch.xml"))

    assert record["pmid"] == "36512345"
    assert record["doi"] == DOI
    assert record["title"].endswith("for chronic migraine: a retrospective cohort")
    assert record["authors"].splitlines()[-1] == "Fairfield Headache Study Group"
    assert (record["year"], record["month"], record["pages"]) == (2023, 4, "512-521")
    assert record["abstract_url"] == "https://pubmed.ncbi.nlm.nih.gov/36512345/"
    assert record["open_access_url"] == "https://pmc.ncbi.nlm.nih.gov/articles/PMC10123456/"


def test_a_pubmed_record_dated_as_a_season_and_without_volume():
    record = records.from_pubmed(sample("pubmed_medline_date.xml"))

    assert (record["year"], record["month"]) == (2019, 3)
    assert record["volume"] == record["doi"] == record["open_access_url"] == ""
    assert record["authors"] == "Sader E"


def test_an_unknown_pubmed_id_is_refused_by_the_parser():
    with pytest.raises(records.RecordError):
        records.from_pubmed(sample("pubmed_not_found.xml"))


def test_a_doi_is_read_as_typed_pasted_or_prefixed():
    for typed in (DOI, "https://doi.org/10.1111/HEAD.14321", "doi: 10.1111/head.14321"):
        assert records.clean_doi(typed) == DOI


# --- the citation: AMA ------------------------------------------------------------------


def test_citation_in_ama_style(db):
    publication = factories.PublicationFactory.build(
        authors="Sader E\nOkafor MJ",
        title="Occipital nerve block in migraine",
        journal_abbreviation="Headache",
        year=2023,
        volume="63",
        issue="4",
        pages="512-521",
        doi=DOI,
    )
    assert publication.citation == (
        "Sader E, Okafor MJ. Occipital nerve block in migraine. Headache. "
        "2023;63(4):512-521. doi:10.1111/head.14321"
    )
    assert "<i>Headache</i>." in publication.citation_html


def test_citation_of_more_than_six_authors_names_three_then_et_al(db):
    publication = factories.PublicationFactory.build(
        authors="\n".join(f"Author{n} A" for n in range(7)), volume="", issue="", pages="", doi=""
    )
    text = publication.citation
    assert text.startswith("Author0 A, Author1 A, Author2 A, et al. ")
    assert text.endswith("Headache. 2024.")


def test_citation_escapes_what_was_fetched(db):
    publication = factories.PublicationFactory.build(title="<script>x</script> & more")
    assert "<script>" not in citation.ama_html(publication)


# --- the editor's form: add by DOI or PubMed ID -----------------------------------------


ADD_URL = reverse("wagtailsnippets_research_publication:add")


def form_data(**fields):
    data = {
        "doi": "",
        "pmid": "",
        "title": "",
        "authors": "",
        "journal": "",
        "journal_abbreviation": "",
        "year": "",
        "month": "",
        "volume": "",
        "issue": "",
        "pages": "",
        "abstract_url": "",
        "open_access_url": "",
    }
    data.update(fields)
    return data


def edit_url(publication):
    return reverse("wagtailsnippets_research_publication:edit", args=[publication.pk])


def errors(response):
    page = soup(response)
    return " ".join(
        e.get_text(" ", strip=True) for e in page.select(".error-message, .help-critical")
    )


def typed_value(response, name):
    field = soup(response).find(attrs={"name": name})
    return field.get("value") if field.name == "input" else field.get_text()


@pytest.fixture
def editor(client, editor_user, home):
    client.force_login(editor_user)
    return client


@responses.activate
def test_editor_adds_a_publication_by_doi_and_every_field_is_fetched(editor, physician):
    responses.get(CROSSREF_URL, body=sample("crossref_work.json"), content_type="application/json")

    response = editor.post(
        ADD_URL, form_data(doi=f"https://doi.org/{DOI}", fetch="on", team_members=[physician.pk])
    )

    assert response.status_code == 302, errors(response)
    publication = Publication.objects.get()
    assert publication.doi == DOI
    assert publication.title.startswith("Ultrasound-guided greater occipital nerve block")
    assert (publication.year, publication.volume, publication.pages) == (2023, "63", "512-521")
    assert publication.fetched_from == "crossref"
    assert list(publication.team_members.all()) == [physician]
    assert len(responses.calls) == 1


@responses.activate
def test_editor_adds_a_publication_by_pubmed_id(editor):
    responses.get(lookup.EFETCH, body=sample("pubmed_efetch.xml"), content_type="text/xml")

    response = editor.post(ADD_URL, form_data(pmid="36512345", fetch="on"))

    assert response.status_code == 302, errors(response)
    publication = Publication.objects.get()
    assert (publication.pmid, publication.doi) == ("36512345", DOI)
    assert publication.open_access_url.startswith("https://pmc.ncbi.nlm.nih.gov/")
    assert responses.calls[0].request.params["id"] == "36512345"


@responses.activate
def test_a_doi_crossref_does_not_know_is_a_clear_message_and_keeps_what_was_typed(editor):
    responses.get(CROSSREF_URL, status=404, body=sample("crossref_not_found.txt"))

    response = editor.post(
        ADD_URL, form_data(doi=DOI, fetch="on", journal="Headache", authors="Sader E")
    )

    assert response.status_code == 200
    assert f"Crossref knows no publication with the DOI “{DOI}”" in errors(response)
    assert typed_value(response, "doi") == DOI
    assert typed_value(response, "journal") == "Headache"
    assert typed_value(response, "authors").strip() == "Sader E"
    assert not Publication.objects.exists()


@responses.activate
def test_an_unknown_pubmed_id_is_a_clear_message(editor):
    responses.get(lookup.EFETCH, body=sample("pubmed_not_found.xml"), content_type="text/xml")

    response = editor.post(ADD_URL, form_data(pmid="99999999", fetch="on"))

    assert "PubMed has no article with the ID “99999999”" in errors(response)
    assert not Publication.objects.exists()


@responses.activate
def test_a_service_that_cannot_be_reached_is_a_clear_message(editor):
    responses.get(CROSSREF_URL, body=requests.ConnectionError("no route to host"))

    response = editor.post(ADD_URL, form_data(doi=DOI, fetch="on", title="My typed title"))

    assert "Crossref could not be reached" in errors(response)
    assert typed_value(response, "title") == "My typed title"
    assert not Publication.objects.exists()


@responses.activate
def test_a_server_error_is_a_clear_message(editor):
    responses.get(lookup.EFETCH, status=503, body="Service unavailable")

    response = editor.post(ADD_URL, form_data(pmid="36512345", fetch="on"))

    assert "PubMed answered with an error (503)" in errors(response)


@responses.activate
def test_a_publication_already_in_the_list_is_refused_by_name(editor):
    factories.PublicationFactory(doi=DOI, title="Our nerve block cohort")
    responses.get(lookup.EFETCH, body=sample("pubmed_efetch.xml"), content_type="text/xml")

    # Typed, and found through PubMed (whose record carries the DOI).
    for data in (
        form_data(doi=DOI.upper(), title="T", authors="A", year="2023"),
        form_data(pmid="36512345", fetch="on"),
    ):
        response = editor.post(ADD_URL, data)
        assert "already in the list of publications: “Our nerve block cohort”" in errors(response)
    assert Publication.objects.count() == 1


def test_without_a_doi_the_editor_types_the_details(editor):
    response = editor.post(ADD_URL, form_data(fetch="on"))
    assert "Give a DOI or a PubMed ID" in errors(response)

    response = editor.post(ADD_URL, form_data(title="A talk", authors="Sader E", year="2022"))
    assert response.status_code == 302
    assert Publication.objects.get().citation == "Sader E. A talk. 2022."


@responses.activate
def test_the_editor_corrects_a_field_and_may_fetch_again(editor):
    responses.get(
        lookup.CROSSREF + "10.5555/example.2024.001",
        body=sample("crossref_missing_fields.json"),
        content_type="application/json",
    )
    publication = factories.PublicationFactory(
        doi="10.5555/example.2024.001", title="Old title", journal="Typed journal", year=2020
    )

    # Corrected without fetching: what the editor typed is kept.
    data = form_data(
        doi=publication.doi,
        title="Corrected title",
        authors="Sader E",
        year="2020",
        journal="Typed journal",
    )
    assert editor.post(edit_url(publication), data).status_code == 302
    publication.refresh_from_db()
    assert publication.title == "Corrected title"
    assert not responses.calls

    # Fetched again: the record's fields replace them; the journal it lacks stays as typed.
    assert editor.post(edit_url(publication), {**data, "fetch": "on"}).status_code == 302
    publication.refresh_from_db()
    assert publication.title == "Botulinum toxin for cervical dystonia in community practice"
    assert publication.year == 2024
    assert publication.journal == "Typed journal"


def test_fetch_is_ticked_when_adding_and_not_when_editing(editor):
    assert soup(editor.get(ADD_URL)).find("input", attrs={"name": "fetch"}).has_attr("checked")
    publication = factories.PublicationFactory()
    page = soup(editor.get(edit_url(publication)))
    assert not page.find("input", attrs={"name": "fetch"}).has_attr("checked")


# --- the pages ------------------------------------------------------------------------


@pytest.fixture
def research(home):
    return factories.ResearchPageFactory(parent=home)


@pytest.fixture
def migraine(condition):
    return factories.ConditionPageFactory(parent=condition.get_parent(), title="Migraine")


def listed_titles(page):
    return [p.select_one(".citation__title").get_text() for p in page.select(".citation")]


def test_research_page_lists_newest_first_grouped_by_year(client, research):
    factories.PublicationFactory(title="Older", year=2021)
    factories.PublicationFactory(title="Spring", year=2024, month=3)
    factories.PublicationFactory(title="Autumn", year=2024, month=10)

    page = soup(client.get(research.url))

    assert [h.get_text() for h in page.select(".publications h2")] == ["2024", "2021"]
    assert listed_titles(page) == ["Autumn.", "Spring.", "Older."]


def test_research_page_filters_by_topic_with_a_plain_form(client, research, condition, migraine):
    on_headache = factories.PublicationFactory(title="On headache")
    on_headache.conditions.set([condition])
    factories.PublicationFactory(title="On migraine").conditions.set([migraine])
    factories.PublicationFactory(title="On nothing in particular")

    page = soup(client.get(research.url))
    form = page.select_one("form.research-filter")
    assert form["method"] == "get" and not page.select("form.research-filter script")
    select = form.find("select", attrs={"name": "topic"})
    assert page.find("label", attrs={"for": select["id"]})
    assert [o.get_text() for o in select.find_all("option")] == [
        "All topics",
        "Headache",
        "Migraine",
    ]

    page = soup(client.get(research.url, {"topic": condition.slug}))
    assert listed_titles(page) == ["On headache."]
    assert page.find("option", selected=True).get_text() == "Headache"

    # A topic that is not one: everything, not an error.
    assert len(listed_titles(soup(client.get(research.url, {"topic": "nope"})))) == 3


def test_each_publication_links_to_its_doi_and_pubmed(client, research):
    factories.PublicationFactory(doi=DOI, pmid="36512345", open_access_url="https://pmc.example/1")

    links = {
        a.get_text(" ", strip=True): a["href"]
        for a in soup(client.get(research.url)).select(".citation__links a")
    }

    assert links[next(k for k in links if k.startswith("DOI"))] == f"https://doi.org/{DOI}"
    assert links[next(k for k in links if k.startswith("PubMed"))] == (
        "https://pubmed.ncbi.nlm.nih.gov/36512345/"
    )
    assert any(k.startswith("Free full text") for k in links)


def test_research_page_describes_each_publication_as_a_scholarly_article(
    client, research, physician
):
    publication = factories.PublicationFactory(doi=DOI, pmid="36512345", year=2023, month=4)
    publication.team_members.set([physician])

    page = soup(client.get(research.url))
    graph = json.loads(page.find("script", type="application/ld+json").string)["@graph"]
    (articles,) = [n for n in graph if n.get("@id", "").endswith("#publications")]
    (article,) = articles["itemListElement"]

    assert article["@type"] == "ScholarlyArticle"
    assert article["datePublished"] == "2023-04"
    assert article["sameAs"] == [
        f"https://doi.org/{DOI}",
        "https://pubmed.ncbi.nlm.nih.gov/36512345/",
    ]
    assert [a["name"] for a in article["author"]] == ["Sader E", "Okafor MJ"]
    assert article["contributor"][0]["@id"].endswith(f"{physician.url}#person")


def test_team_member_page_lists_their_publications_only(client, research, physician):
    theirs = factories.PublicationFactory(title="Their paper")
    theirs.team_members.set([physician])
    factories.PublicationFactory(title="Someone else's paper")

    page = soup(client.get(physician.url))
    section = page.find("section", attrs={"aria-labelledby": "publications"})

    assert listed_titles(section) == ["Their paper."]
    assert section.find("a", string="All our research")["href"] == research.url


def test_condition_page_shows_research_by_our_physicians(client, research, condition, migraine):
    factories.PublicationFactory(title="On headache").conditions.set([condition])

    page = soup(client.get(condition.url))
    section = page.find("section", attrs={"aria-labelledby": "research"})

    assert section.h2.get_text() == "Research by our physicians"
    assert listed_titles(section) == ["On headache."]
    assert (
        section.select_one(".link-list__more a")["href"] == f"{research.url}?topic={condition.slug}"
    )
    # A condition without research shows no such section.
    assert not soup(client.get(migraine.url)).find("section", attrs={"aria-labelledby": "research"})


def test_research_page_calls_no_service_when_a_patient_reads_it(client, research):
    factories.PublicationFactory(doi=DOI)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        assert client.get(research.url).status_code == 200
        assert not mock.calls


# --- purges ---------------------------------------------------------------------------


def test_changing_a_publication_purges_the_pages_that_show_it(
    client, settings, research, physician, condition
):
    settings.PAGE_CACHE_SECONDS = 600
    # The parts of pages kept between changes too (a condition keeps what it lists).
    settings.SITE_PARTS_CACHE_SECONDS = 600
    publication = factories.PublicationFactory(title="First title")
    publication.team_members.set([physician])
    pages = [research, physician]
    for page in pages:
        client.get(page.url)
        assert client.get(page.url)["X-Page-Cache"] == "hit"
    client.get(condition.url)

    publication.title = "Second title"
    publication.save()
    for page in pages:
        assert "Second title" in client.get(page.url).content.decode(), page.url

    # Linked to a condition: its page shows it at once; unlinked from a person: theirs drops it.
    client.get(physician.url)
    publication.conditions.set([condition])
    publication.team_members.set([])
    assert "Second title" in client.get(condition.url).content.decode()
    assert "Second title" not in client.get(physician.url).content.decode()

    publication.delete()
    assert "Second title" not in client.get(condition.url).content.decode()
    assert "Second title" not in client.get(research.url).content.decode()


# --- the demo -------------------------------------------------------------------------


def test_the_demo_has_publications_and_media_and_fetched_nothing(client, db):
    from demo.loader import DemoLoader
    from press.models import MediaItem

    with responses.RequestsMock() as mock:  # any request to the network fails the load
        DemoLoader().load()
        assert not mock.calls

    research = soup(client.get("/about/research/"))
    assert len(research.select(".citation")) == Publication.objects.count() >= 3
    assert research.select_one("select[name=topic]")
    physician = Publication.objects.first().team_members.get()
    assert soup(client.get(physician.url)).find(
        "section", attrs={"aria-labelledby": "publications"}
    )

    media = soup(client.get("/about/media/"))
    kinds = set(MediaItem.objects.values_list("kind", flat=True))
    assert kinds == {"video", "article", "podcast", "talk"}
    assert len(media.select(".media-item")) == MediaItem.objects.count()
    # Every video and podcast has its transcript; every video a stored thumbnail.
    for item in MediaItem.objects.filter(kind__in=["video", "podcast"]):
        item.full_clean()
        assert item.kind != "video" or item.thumbnail_id
