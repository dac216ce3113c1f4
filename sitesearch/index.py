"""Keeps `SearchDocument` in step with the pages, as a Wagtail search backend.

Registered in WAGTAILSEARCH_BACKENDS as "sitesearch" beside the database
backend, so Wagtail's own indexing feeds it: a page saved (published,
unpublished, moved, renamed) is indexed by the same background task that
indexes it for the admin's search, a deleted page is removed, and
`manage.py update_index` rebuilds it. Only pages are kept; images, documents
and other indexed models are left to the default backend.

Whether a page is live or behind a view restriction is read at query time,
so a document may exist for a draft or private page without ever being shown.
"""

import logging

from django.core.cache import cache
from django.db import DatabaseError, transaction
from modelsearch.backends.base import BaseIndex, BaseSearchBackend
from modelsearch.index import SearchField
from wagtail.models import Locale, Page, get_page_models

from practice.sections import SectionsMixin
from reviews.clinical import ClinicalReviewMixin
from sitesearch import text
from sitesearch.models import SearchDocument

logger = logging.getLogger(__name__)

# Bumped on every change to the index, its synonyms or promotions: suggestions, the
# vocabulary and promoted results are kept under it (and under the site's version).
VERSION_KEY = "sitesearch:index-version"
# Already in the title and summary fields, or not words a patient reads.
NOT_SECTIONS = {"title", "summary", "search_description"}


def index_version():
    try:
        return cache.get_or_set(VERSION_KEY, 1, timeout=None)
    except Exception:  # noqa: BLE001 - a cache that is down: nothing is cached either
        return 0


def bump_version():
    try:
        if not cache.add(VERSION_KEY, 2, timeout=None):
            cache.incr(VERSION_KEY)
    except Exception:  # noqa: BLE001 - publishing must not fail because the cache is down
        logger.warning("Cache unavailable: search suggestions may be stale for a while")


def summary_text(page):
    summary = getattr(page, "summary", "")
    if callable(summary):
        summary = summary()
    return " ".join(part for part in (page.search_description, str(summary or "")) if part)


def shown_summary(page):
    """What a search result shows under the page's title: its description, else its summary."""
    summary = (
        getattr(page, "meta_description", "")
        or page.search_description
        or getattr(page, "summary", "")
    )
    if callable(summary):
        summary = summary()
    return str(summary or "")


def section_headings(page):
    """The question headings a page shows over its sections, when its type declares them."""
    if not isinstance(page, SectionsMixin):
        return []
    return [section["heading"] for section in page.sections if section["heading"]]


def locale_languages():
    """Each locale's language code by its id (one query: a few rows)."""
    return dict(Locale.objects.values_list("pk", "language_code"))


def page_language(page, languages=None):
    """The language of a page's words: its locale's (the site's default before it has one)."""
    if not page.locale_id:
        return text.DEFAULT_LANGUAGE
    code = (languages or {}).get(page.locale_id) or page.locale.language_code
    return text.language_of(code)


def document_for(page, languages=None):
    """The search document of a specific page (unsaved), its words stemmed in its language.

    `languages`: `locale_languages()`, read once for a batch of pages.
    """
    language = page_language(page, languages)
    rest, heading_texts = [], section_headings(page)
    for field in page.get_search_fields():
        if not isinstance(field, SearchField) or field.field_name in NOT_SECTIONS:
            continue
        value = field.get_value(page)
        if value:
            rest.append(text.plain_text(value))
            heading_texts += text.headings(value)
    return SearchDocument(
        page_id=page.pk,
        clinical=isinstance(page, ClinicalReviewMixin),
        title_terms=text.terms(page.title, language),
        summary_terms=text.terms(summary_text(page), language),
        section_terms=text.terms(" ".join([*heading_texts, *rest]), language),
        vocabulary=text.vocabulary(page.title, *heading_texts, language=language),
        shown_summary=shown_summary(page),
    )


def save_documents(pages):
    pages = [page for page in pages if isinstance(page, Page)]
    if not pages:
        return
    languages = locale_languages()
    documents = [document_for(page, languages) for page in pages]
    if not documents:
        return
    with transaction.atomic():
        SearchDocument.objects.filter(pk__in=[d.pk for d in documents]).delete()
        SearchDocument.objects.bulk_create(documents)
    bump_version()


class PageIndex(BaseIndex):
    def add_items(self, model, items):
        if issubclass(model, Page):
            save_documents(items)

    def delete_item(self, item):
        if isinstance(item, Page):
            SearchDocument.objects.filter(pk=item.pk).delete()
            bump_version()

    def reset(self):
        SearchDocument.objects.all().delete()
        bump_version()

    def get_key(self):
        return "sitesearch"


class Rebuilder:
    """`update_index`: every page is added again; documents of pages gone are dropped."""

    def __init__(self, index):
        self.index = index

    def start(self):
        SearchDocument.objects.exclude(page__in=Page.objects.all()).delete()
        return self.index

    def finish(self):
        bump_version()


class SiteSearchBackend(BaseSearchBackend):
    """Indexing only: searches go through `sitesearch.engine`, not `.search()`."""

    index_class = PageIndex
    rebuilder_class = Rebuilder

    def search(self, *args, **kwargs):
        raise NotImplementedError("Use sitesearch.engine.search(); this backend only indexes.")

    autocomplete = search


def rebuild(batch_size=500):
    """Index every page again (what `update_index` does for this backend)."""
    SearchDocument.objects.all().delete()
    for model in get_page_models():
        batch = []
        for page in model.get_indexed_objects().order_by("pk").iterator(chunk_size=batch_size):
            batch.append(page)
            if len(batch) == batch_size:
                save_documents(batch)
                batch = []
        save_documents(batch)


def build_if_empty(sender, **kwargs):
    """After `migrate`: a database that had pages before this app existed gets its index."""
    try:
        if not SearchDocument.objects.exists() and Page.objects.filter(depth__gt=1).exists():
            rebuild()
    except DatabaseError:  # migrated only part of the way: `update_index` will do it
        logger.warning("Site search index not built; run `manage.py update_index`")


def synonyms_changed(sender, **kwargs):
    bump_version()


def promotions_changed(sender, **kwargs):
    """Promoted results are kept under the index's version too (`sitesearch.views.promotions`)."""
    bump_version()
