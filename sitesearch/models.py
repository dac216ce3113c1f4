"""What the site search keeps: its own index of pages, editors' synonyms, and daily outcomes.

- `SearchDocument`: one row per page, written by the "sitesearch" search
  backend (`sitesearch.index`) whenever Wagtail indexes a page. It holds the
  stems of the title, the summary and the rest of the page separately, so
  one ranking in Python (`sitesearch.engine`) orders results the same way on
  SQLite and PostgreSQL. It also keeps what a result shows of the page, so a
  search reads no page.
- `Synonym`: words and phrases that mean the same to a patient ("spinal
  tap", "lumbar puncture"), kept by editors under Settings › Search synonyms,
  each for one language's searches.
- `QueryDailyOutcome`: beside Wagtail's daily hits per query
  (`wagtailsearchpromotions.QueryDailyHits`), how many of that day's searches
  were made in each language, and how many found nothing, or nothing as typed. Nothing here ties a search to a person: no IP address,
  session, user or time finer than the day.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from sitesearch import text


class SearchDocument(models.Model):
    page = models.OneToOneField(
        "wagtailcore.Page", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    # Procedures and conditions come before information pages when the match is equal.
    clinical = models.BooleanField(default=False)
    title_terms = models.TextField(blank=True)
    summary_terms = models.TextField(blank=True)
    # The rest of the page: its headings and sections.
    section_terms = models.TextField(blank=True)
    # Words of the title and headings, as typed (not stemmed): what a misspelling is corrected to.
    vocabulary = models.TextField(blank=True)
    # What a result shows under the title (the page's description or summary), kept so
    # results are shown without loading each page; null for a document written before
    # it was kept (that page is then read as before until it is indexed again).
    shown_summary = models.TextField(null=True, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = "search document"

    def __str__(self):
        return f"Search document of page {self.page_id}"


def split_terms(value):
    """An editor's list of terms, one per line (commas also separate), folded and de-duplicated."""
    found = []
    for line in (value or "").replace(",", "\n").splitlines():
        term = " ".join(text.words(line))
        if term and term not in found:
            found.append(term)
    return found


class Synonym(models.Model):
    # A Spanish search reads only Spanish synonyms ("punción lumbar", "punción espinal").
    language = models.CharField(
        max_length=7,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text="The site whose searches use these words: English, or Spanish (/es/).",
    )
    terms = models.TextField(
        help_text="Two or more words or phrases that mean the same to a patient, one per line "
        "(for example “spinal tap” and “lumbar puncture”). A search for any of them finds "
        "pages with any of the others.",
    )
    note = models.CharField(
        max_length=255, blank=True, help_text="Why these belong together (shown to editors only)."
    )

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["language", "terms"]
        verbose_name = "search synonym"

    def __str__(self):
        return " ↔ ".join(self.term_list())

    def term_list(self):
        return split_terms(self.terms)

    def clean(self):
        if len(self.term_list()) < 2:
            raise ValidationError({"terms": "Give at least two words or phrases, one per line."})
        self.terms = "\n".join(self.term_list())


class QueryDailyOutcome(models.Model):
    query = models.ForeignKey(
        "wagtailsearchpromotions.Query", on_delete=models.CASCADE, related_name="daily_outcomes"
    )
    date = models.DateField()
    # The site searched: English, or Spanish (/es/). The same words may be searched on both.
    language = models.CharField(
        max_length=7, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # Searches of that day in that language (Wagtail's daily hits count both languages together).
    searches = models.PositiveIntegerField(default=0)
    # Searches that showed nothing at all.
    no_results = models.PositiveIntegerField(default=0)
    # Searches that found no page with all the words as typed: nothing at all,
    # or pages only after a spelling correction or with a word left out.
    not_as_typed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["query", "date", "language"], name="sitesearch_one_outcome_a_day_a_language"
            )
        ]
        verbose_name = "daily search outcome"

    def __str__(self):
        return f"{self.query} on {self.date}"
