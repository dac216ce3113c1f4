"""The search page and the header's suggestions."""

import hashlib
import logging
import re

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.http import require_GET
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Page, Site

from pagecache import versions
from practice.navigation import public
from reviews.clinical import ClinicalReviewMixin
from sitesearch import engine, terms, text
from sitesearch.index import index_version, shown_summary
from sitesearch.models import SearchDocument

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 10
# What the results call each kind of page, in the language searched; others use the model's name.
PAGE_TYPE_LABELS = {
    "conditionpage": pgettext_lazy("search result type", "Condition"),
    "procedurepage": pgettext_lazy("search result type", "Procedure"),
    "locationpage": pgettext_lazy("search result type", "Location"),
    "teammemberpage": pgettext_lazy("search result type", "Our team"),
    "standardpage": pgettext_lazy("search result type", "Information"),
    "homepage": pgettext_lazy("search result type", "Home"),
    "conditionindexpage": pgettext_lazy("search result type", "Conditions"),
    "procedureindexpage": pgettext_lazy("search result type", "Procedures"),
    "locationindexpage": pgettext_lazy("search result type", "Locations"),
    "teamindexpage": pgettext_lazy("search result type", "Our team"),
    "appointmentrequestpage": pgettext_lazy("search result type", "Appointments"),
}
# Words SQLite's full-text engine (FTS5) reads as operators when in capitals.
FTS_OPERATORS = {"AND", "OR", "NOT", "NEAR"}

SUGGESTIONS = 8
SUGGEST_MAX_LENGTH = 60


def clean_query(raw):
    """The words of a search, safe for every search backend.

    Cut to 200 characters; quotes, brackets, `*`, `-`, `:` and the like are
    dropped (FTS5 reads them as syntax and a lone `"` is an error), and
    operator words are lower-cased so they are searched for as words.
    """
    words = re.findall(r"\w+", (raw or "")[:MAX_QUERY_LENGTH])
    return " ".join(word.lower() if word in FTS_OPERATORS else word for word in words)


def page_type_label(page):
    model = page.specific_class or type(page)
    name = model._meta.model_name
    return str(PAGE_TYPE_LABELS.get(name, str(model._meta.verbose_name).capitalize()))


def shown_pages(ids):
    """The pages results show (`ids`), with their title, address, type and summary.

    Read from the search index with the pages' own title and address: one
    query, however many kinds of page. Each page carries `shown_summary`.
    A page indexed before summaries were kept is loaded whole, as before.
    """
    rows = kept_rows(ids)
    pages = {}
    for pk, title, url_path, content_type_id, summary in rows:
        page = Page(id=pk, title=title, url_path=url_path, content_type_id=content_type_id)
        page.shown_summary = summary
        pages[pk] = page
    unread = [pk for pk in ids if pk not in pages]
    if unread:
        for page in Page.objects.filter(pk__in=unread).specific():
            page.shown_summary = shown_summary(page)
            pages[page.pk] = page
    return pages


def kept_rows(ids):
    """What `shown_pages` reads from the index for `ids`, kept as `engine.search` keeps the
    results: under the index's version (a page indexed again with a new title, address or
    summary) and the site's. The same results page again reads no table."""

    def build():
        return list(
            SearchDocument.objects.filter(page_id__in=ids, shown_summary__isnull=False).values_list(
                "page_id", "page__title", "page__url_path", "page__content_type_id", "shown_summary"
            )
        )

    if not ids:
        return []
    if not engine.KEEP_OUTCOMES:
        return build()
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:32]
    return versions.per_site_version(f"search-shown:{index_version()}:{digest}", "all", build)


def browse_links(request):
    """The site's main sections, offered when a search finds nothing."""
    return public(
        engine.in_language(Page.objects.live().in_menu().filter(depth=3)).only(
            "title", "url_path", "path", "depth"
        ),
        request,
    ).order_by("path")


def promotions(query_strings, request):
    """Editors' promoted results for the query: live, public pages and external links.

    All of them are kept in the shared cache under the site's version (a page
    published, unpublished or made private) and the index's (a promotion
    saved or deleted, `sitesearch.index.promotions_changed`): a search reads
    no table for them.
    """

    def build():
        # Kept per language too: a Spanish search is never offered an English page.
        pages = public(engine.in_language(Page.objects.live()), request).values("pk")
        found = {}
        for pick in (
            SearchPromotion.objects.filter(Q(page__isnull=True) | Q(page__in=pages))
            .select_related("query")
            .order_by("query_id", "sort_order", "pk")
        ):
            found.setdefault(pick.query.query_string, []).append(pick)
        return found

    kept = versions.per_site_version(f"promotions:{index_version()}", "all", build)
    picks = [pick for query in query_strings for pick in kept.get(query, [])]
    return sorted(picks, key=lambda pick: (pick.query_id, pick.sort_order, pick.pk))


def known_site(request):
    """Wagtail's site for the request's host, kept under the site's version (saving a Site moves it)."""
    if hasattr(request, "_wagtail_site"):
        return
    host = hashlib.sha256(request._get_raw_host().encode()).hexdigest()[:32]
    site = versions.per_site_version(
        f"search-site:{host}", "all", lambda: Site.find_for_request(request)
    )
    request._wagtail_site = site


def results_page(hits, number):
    paginator = Paginator(hits, RESULTS_PER_PAGE)
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(max(paginator.num_pages, 1))


def query_url(query, **params):
    return "?" + urlencode({"q": query, **params})


@require_GET
def search(request):
    known_site(request)
    raw_query = request.GET.get("q", "")
    query = clean_query(raw_query)
    exact = request.GET.get("exact") == "1"
    context = {
        "search_query": query,
        "query_was_cut": len(raw_query) > MAX_QUERY_LENGTH,
        "page_obj": None,
        "results": [],
        "recommended": [],
        "browse_links": browse_links(request),
        "exact": exact,
    }
    if not query:
        return private(render(request, "search/search.html", context))

    outcome = engine.search(query, request, exact=exact)
    keys = dict.fromkeys(
        key for key in (query.lower(), " ".join(text.words(query)), outcome.corrected_query) if key
    )
    picks = promotions(list(keys), request)
    picked = {pick.page_id for pick in picks if pick.page_id}
    hits = [hit for hit in outcome.hits if hit.page_id not in picked]
    page_obj = results_page(hits, request.GET.get("page", 1))
    first_page = page_obj.number == 1
    if not first_page:
        picks = []

    ids = [hit.page_id for hit in page_obj.object_list] + [p.page_id for p in picks if p.page_id]
    pages = shown_pages(ids)
    context["results"] = [
        {
            "page": pages[hit.page_id],
            "type": page_type_label(pages[hit.page_id]),
            "summary": pages[hit.page_id].shown_summary,
            "missing": hit.missing if outcome.partial else [],
        }
        for hit in page_obj.object_list
        if hit.page_id in pages
    ]
    for pick in picks:
        page = pages.get(pick.page_id)
        context["recommended"].append(
            {
                "page": page,
                "url": pick.external_link_url,
                "title": page.title if page else pick.external_link_text or pick.external_link_url,
                "type": page_type_label(page)
                if page
                else pgettext("search result type", "Elsewhere"),
                "summary": pick.description or (page.shown_summary if page else ""),
            }
        )
    context.update(
        page_obj=page_obj if hits else None,
        corrected_query=outcome.corrected_query,
        search_instead_url=query_url(query, exact=1),
        partial=outcome.partial,
        not_found=outcome.not_found,
        page_query=f"{urlencode({'q': query})}{'&exact=1' if exact else ''}",
    )
    # Counted once per search: not again for its next pages, nor for "search instead".
    # Only searches made of the site's own words (see sitesearch.terms).
    if first_page and not exact and "page" not in request.GET and terms.made_of_site_words(outcome):
        terms.record(
            raw_query,
            query,
            found_anything=bool(hits or picks),
            as_typed=bool(picks) or outcome.as_typed,
            language=engine.current_language(),
        )
    return private(render(request, "search/search.html", context))


def private(response):
    """Search results are never kept by a shared cache or a browser: the query is the
    patient's (a name, a condition)."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def suggestions(prefix, request=None):
    """Live, public pages whose title has words starting with each typed word; synonyms too."""
    typed = prefix.split()
    match = Q()
    for word in typed:
        match &= Q(title__istartswith=word) | Q(title__icontains=f" {word}")
    pages = public(engine.in_language(Page.objects.live().filter(depth__gt=1)), request)
    fields = ("id", "title", "url_path", "path", "depth", "content_type")

    aliases = {}
    for group in engine.synonym_groups():
        named = [term for term in group if all_prefixes(typed, term)]
        if named:
            for term in group:
                if term not in named:
                    aliases.setdefault(" ".join(term), " ".join(named[0]))
    alias_match = Q()
    for term in list(aliases)[:10]:
        alias_match |= Q(title__icontains=term)

    found = list(pages.filter(match | alias_match if aliases else match).only(*fields)[:50])

    def key(page):
        title = page.title.casefold()
        clinical = issubclass(page.specific_class or Page, ClinicalReviewMixin)
        direct = all_prefixes(typed, tuple(text.words(title)))
        return (not direct, not title.startswith(typed[0]), not clinical, len(title), title)

    found.sort(key=key)
    items = []
    for page in found[:SUGGESTIONS]:
        item = {"title": page.title, "url": page.get_url(request), "type": page_type_label(page)}
        if not all_prefixes(typed, tuple(text.words(page.title))):
            folded = " ".join(text.words(page.title))
            item["alias"] = next((aliases[t] for t in aliases if t in folded), "")
        items.append(item)
    return items


def all_prefixes(typed, term_words):
    """Each typed word starts some word of the term."""
    return all(any(word.startswith(t) for word in term_words) for t in typed)


@require_GET
def suggest(request):
    """Titles (and synonyms) for the header's search box, as JSON.

    Kept with the site's version (`pagecache.versions`): a page unpublished or
    made private leaves the suggestions on the next request, as it leaves the
    menus. Browsers ask again each time (no-cache) rather than keep a title
    that may have just gone private.
    """
    prefix = " ".join(text.words(request.GET.get("q", "")[:SUGGEST_MAX_LENGTH]))
    items = []
    if len(prefix) >= 2:
        digest = hashlib.sha256(prefix.encode()).hexdigest()[:32]
        items = versions.per_site_version(
            f"suggest:{index_version()}:{digest}", "all", lambda: suggestions(prefix)
        )
    response = JsonResponse({"query": prefix, "suggestions": items})
    patch_cache_control(response, no_cache=True)
    response["X-Robots-Tag"] = "noindex"
    return response
