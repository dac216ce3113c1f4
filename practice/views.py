"""Site-wide views: search, robots.txt and the error pages."""

import logging
import re

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Page

from practice.models import PracticeSettings
from practice.navigation import public

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 10
# What the results call each kind of page; others use the model's own name.
PAGE_TYPE_LABELS = {
    "conditionpage": "Condition",
    "procedurepage": "Procedure",
    "locationpage": "Location",
    "teammemberpage": "Our team",
    "standardpage": "Information",
    "homepage": "Home",
    "conditionindexpage": "Conditions",
    "procedureindexpage": "Services",
    "locationindexpage": "Locations",
    "teamindexpage": "Our team",
    "appointmentrequestpage": "Appointments",
}
# Words SQLite's full-text engine (FTS5) reads as operators when in capitals.
FTS_OPERATORS = {"AND", "OR", "NOT", "NEAR"}


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
    return PAGE_TYPE_LABELS.get(name, str(model._meta.verbose_name).capitalize())


def page_summary(page):
    return (
        getattr(page, "meta_description", "")
        or page.search_description
        or getattr(page, "summary", "")
    )


@require_GET
def search(request):
    raw_query = request.GET.get("q", "")
    query = clean_query(raw_query)
    page_obj = None
    results = []
    if query:
        pages = public(Page.objects.live(), request).specific().search(query)
        paginator = Paginator(pages, RESULTS_PER_PAGE)
        try:
            page_obj = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            page_obj = paginator.page(1)
        except EmptyPage:
            page_obj = paginator.page(max(paginator.num_pages, 1))
        results = [
            {"page": page, "type": page_type_label(page), "summary": page_summary(page)}
            for page in page_obj.object_list
        ]
    return render(
        request,
        "search/search.html",
        {
            "search_query": query,
            "query_was_cut": len(raw_query) > MAX_QUERY_LENGTH,
            "page_obj": page_obj,
            "results": results,
            "browse_links": browse_links(request),
        },
    )


def browse_links(request):
    """The site's main sections, offered when a search finds nothing."""
    return public(
        Page.objects.live().in_menu().filter(depth=3).only("title", "url_path", "path", "depth"),
        request,
    ).order_by("path")


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def server_error(request):
    """The 500 page in the site's layout, or a plain one if the layout itself fails."""
    try:
        return HttpResponseServerError(loader.render_to_string("500.html", request=request))
    except Exception:
        logger.exception("The 500 page could not be rendered in the site layout")
    try:
        phone = PracticeSettings.objects.values_list("phone", flat=True).first() or ""
    except Exception:  # the database may be what failed
        phone = ""
    return HttpResponseServerError(loader.render_to_string("500_plain.html", {"phone": phone}))
