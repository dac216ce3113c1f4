"""What a page type declares to the page cache: whether it may be cached, and what it shows.

Every page type of the site declares one of the two mixins below (a system
check, `pagecache.E001`, refuses one that declares neither), so the
cache never has to guess from a page's attributes:

- `CachedPageMixin`: anonymous views may be served from the cache. The page
  names the pages that show its summary (`pages_showing_summary`, purged when
  it is published), says whether its publishing changes every page
  (`purge_site_on_publish`, e.g. a person named in every byline), and keeps
  what it lists of other pages with `kept_with_page`, so those parts are
  forgotten by the same purges as the page.
- `UncachedPageMixin`: never served from the cache (a form with a CSRF token,
  anything personal).
"""

import functools

from pagecache import versions


class CachedPageMixin:
    """Anonymous views of this page type may be served from the shared cache."""

    page_cache = True
    # True when publishing this page changes what every page shows.
    purge_site_on_publish = False

    def pages_showing_summary(self):
        """The pages that show this page's title or summary, besides its parent and the home page."""
        return []


class UncachedPageMixin:
    """This page type is never served from the shared cache."""

    page_cache = False


def kept_with_page(name):
    """Keep what the decorated `method(self, request)` returns with the page's versions.

    For what a page lists of other pages (a procedure's conditions and clinics,
    a byline's people): built once per change of the page or of what it lists,
    forgotten by the purges that forget the page. Previews build it every time.
    """

    def decorate(method):
        @functools.wraps(method)
        def kept(self, request):
            return versions.per_page_version(name, request, lambda: method(self, request))

        return kept

    return decorate


def shown_until(request, when):
    """This response shows something that changes at `when` (a notice's start or end).

    No copy of it is kept past then: the page cache stores it at most until
    `when`, and shared caches in front are told the same (s-maxage). The
    earliest of several calls wins.
    """
    if request is None or when is None:
        return
    earliest = getattr(request, "page_cache_until", None)
    if earliest is None or when < earliest:
        request.page_cache_until = when
