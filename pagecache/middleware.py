"""Anonymous page views served from the shared cache (see `pagecache.versions` for how they are forgotten).

What is cached: GET and HEAD of Wagtail pages by visitors without a session
(no login), answered 200 without a cookie and not marked private or
no-store. The request form, its thank-you page and search results mark
themselves uncacheable; the admin, forms and logged-in users are never cached.

After a purge that only refreshed (see `pagecache.versions`), one request
renders the page again while the others are served its previous copy
(`X-Page-Cache: stale`, shared caches told to keep it a second only), so a
menu change does not send every visitor of every page to the database at once.
"""

import logging
import math

from django.conf import settings
from django.core.cache import cache
from django.middleware.gzip import re_accepts_gzip
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from pagecache import versions
from pagecache.versions import (
    NOT_STORED,
    SITE_VERSION_KEY,
    path_hash,
    path_version_key,
    read_with_previous,
)

logger = logging.getLogger(__name__)

# Shared caches (a CDN, Varnish) may keep a page this long; they are purged on change.
SHARED_MAX_AGE = 600


def page_cache_seconds():
    return getattr(settings, "PAGE_CACHE_SECONDS", 600)


def _response_key(request):
    full = path_hash(request.get_full_path())
    # Stored as sent, gzipped or not (GZipMiddleware is inside): one copy for each.
    encoding = (
        "gzip" if re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")) else "identity"
    )
    return f"pagecache:page:{request.get_host()}:{encoding}:{full}"


def mark_cacheable(request):
    """Called as a Wagtail page is served: this response may be shared."""
    request.page_cacheable = True


def is_anonymous(request):
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


class PageCacheMiddleware:
    """Serve anonymous page views from the shared cache; store the cacheable ones."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Which purges are still pending, and the versions, are read once per request,
        # for the page and every part of it kept in the cache.
        token = versions.begin_request(request.path)
        try:
            return self.serve(request)
        finally:
            versions.end_request(token)

    def serve(self, request):
        if request.method not in ("GET", "HEAD") or not is_anonymous(request):
            response = self.get_response(request)
            return self.mark_private(request, response)

        seconds = page_cache_seconds()
        found = self.lookup(request) if seconds else None
        claimed = False
        if found is not None:
            key, current, cached, previous = found
            if cached is not NOT_STORED:
                cached["X-Page-Cache"] = "hit"
                return cached
            # Only a previous copy makes a claim worth its two cache writes: without
            # one every request renders anyway (a first view, search results).
            if current is not None and previous is not NOT_STORED:
                claimed = versions.claim_rebuild(key)
                if not claimed:
                    return self.previous_copy(previous)
        try:
            response = self.get_response(request)
            if self.cacheable(request, response):
                # Something on it changes at a set time (a notice starts or ends):
                # no copy outlives that moment, here or in a cache in front.
                left = self.seconds_left(request)
                # A CDN or Varnish in front may share it too; the app purges them.
                patch_cache_control(
                    response, public=True, max_age=0, s_maxage=min(SHARED_MAX_AGE, left)
                )
                patch_vary_headers(response, ["Cookie"])
                if found is not None and current is not None:
                    # Under the versions read before rendering: a purge meanwhile makes it stale.
                    self.store(key, current, request, response, min(seconds, left))
        finally:
            if claimed:
                versions.release_rebuild(key)
        return response

    @staticmethod
    def seconds_left(request):
        """Seconds until what the page shows changes by itself (`pages.shown_until`), at least 1."""
        until = getattr(request, "page_cache_until", None)
        if until is None:
            return math.inf
        return max(1, math.ceil((until - timezone.now()).total_seconds()))

    @staticmethod
    def previous_copy(previous):
        """The copy from before a refreshing purge, while another request renders the new one."""
        previous["X-Page-Cache"] = "stale"
        # A shared cache in front keeps it only a second, then asks again.
        previous["Cache-Control"] = "public, max-age=0, s-maxage=1"
        return previous

    @staticmethod
    def lookup(request):
        """(key, current versions, the stored response or NOT_STORED, the previous copy that may
        be served while it is rendered again or NOT_STORED), or None if the cache is down."""
        key = _response_key(request)
        try:
            current, cached, previous = read_with_previous(
                key, [SITE_VERSION_KEY, path_version_key(request.path)]
            )
        except Exception:  # noqa: BLE001 - a cache that is down serves pages uncached
            return None
        return key, current, cached, previous

    @staticmethod
    def store(key, current, request, response, seconds):
        if hasattr(response, "render") and callable(response.render):
            response.render()
        try:
            cache.set(key, (current, response), timeout=seconds)
        except Exception:  # noqa: BLE001 - serve it even if it cannot be stored
            logger.warning("Page cache unavailable: %s not stored", request.path)
            return
        response["X-Page-Cache"] = "miss"

    @staticmethod
    def cacheable(request, response):
        if not getattr(request, "page_cacheable", False) or response.status_code != 200:
            return False
        if response.cookies or response.has_header("Set-Cookie"):
            return False
        control = response.get("Cache-Control", "")
        return not any(word in control for word in ("private", "no-cache", "no-store"))

    @staticmethod
    def mark_private(request, response):
        """Pages for signed-in staff are never kept by a shared cache."""
        staff = request.method in ("GET", "HEAD") and not is_anonymous(request)
        if staff and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        return response
