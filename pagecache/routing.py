"""Finding the page a URL asks for: Wagtail's own rules, remembered until the site changes.

Wagtail finds the site (one query), then the root page and walks down from it
(two queries a level; `HomePage.route` cuts that to four in all). The answer
only changes when something menus show changes (a slug, publishing,
unpublishing, a move, a site's host name), which is what bumps the site
version of `versions.per_site_version`. So the site and the page's id and
type are kept under that version: a page view then costs one query to load
the page itself. A URL not found in the cache takes Wagtail's walk; a page
found there is loaded fresh and must still be live at that very path. The
route also remembers whether the page is behind a view restriction, so a
public page skips Wagtail's two queries checking that.
"""

import contextlib
import hashlib

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.utils import translation
from wagtail import views as wagtail_views
from wagtail.models import Page, PageViewRestriction, Site

from pagecache import versions


def _find(request, path):
    site = Site.find_for_request(request)
    if site is None:
        return None, None
    root = Page.objects.filter(pk=site.root_page_id).first()
    if root is None:
        return site, None
    # /es/...: the path is looked up below the Spanish home page, as Wagtail does.
    root = root.localized
    root = {"path": root.path, "url_path": root.url_path}
    page = (
        Page.objects.live()
        .filter(url_path=root["url_path"] + path, path__startswith=root["path"])
        .only("pk", "content_type_id", "url_path", "path", "depth", "alias_of")
        .first()
    )
    if page is None:
        return site, None
    # Wagtail's own answer (the page's and its ancestors' restrictions, aliases
    # resolved); any change of a restriction bumps the site version.
    restricted = page.get_view_restrictions().exists()
    return site, (page.pk, page.content_type_id, page.url_path, restricted)


def prime_route(request, path):
    """Set Wagtail's per-request site and route from the cache, when the page is known."""
    if not versions.site_parts_cache_seconds():
        return
    host = request._get_raw_host()
    # The path without its language prefix: /procedures/x/ and /es/procedures/x/ both
    # come as "procedures/x/", so the language is part of the key.
    language = translation.get_language()
    key = hashlib.sha256(f"{host}|{language}|{path}".encode()).hexdigest()[:32]
    site, page = versions.per_site_version(f"page-route:{key}", "all", lambda: _find(request, path))
    if site is None:
        return
    request._wagtail_site = site
    if page is None:
        return
    pk, content_type_id, url_path, restricted = page
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None:
        return
    try:
        # get(), not first(): no ORDER BY, whose compiling costs more than the query.
        found = model.objects.get(pk=pk, live=True, url_path=url_path)
    except model.DoesNotExist:
        return
    if not restricted:
        # Wagtail checks the restrictions of the page and its ancestors on every
        # view (two queries); this route already knows there are none.
        found.get_view_restrictions = PageViewRestriction.objects.none
    with contextlib.suppress(Http404):  # Wagtail's own walk decides then
        request._wagtail_route_for_request = found.route(request, [])


class PageRouteMiddleware:
    """Primes Wagtail's page view (GET and HEAD) with the site and page found as above."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is wagtail_views.serve and request.method in ("GET", "HEAD"):
            path = view_args[0] if view_args else view_kwargs.get("path", "")
            prime_route(request, path)
        return None
