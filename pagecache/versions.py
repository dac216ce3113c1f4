"""Versions under which pages and parts of pages are kept in the shared cache.

A stored page carries two versions: one for the whole site (bumped when
anything that menus show changes, or a site setting) and one for the page's
path (bumped when that page, or a page whose summary it shows, is
published). A lookup reads both versions and the stored page in one round
trip, and serves the page only if its versions are still the current ones.
With Redis every app process sees the same versions, so a purge on one node
is seen by all at once.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

SITE_VERSION_KEY = "pagecache:site-version"


def _path_hash(path):
    return hashlib.sha256(path.encode()).hexdigest()[:32]


def _path_version_key(path):
    # By path alone: a purge of /about/ on one of several sites also purges the
    # others' /about/, a harmless extra miss.
    return f"pagecache:path-version:{_path_hash(path)}"


def _bump(key):
    """Move a version on (atomic in Redis). A cache that is down has nothing to purge."""
    try:
        if not cache.add(key, 1, timeout=None):
            try:
                cache.incr(key)
            except ValueError:  # evicted between add and incr
                cache.set(key, 1, timeout=None)
    except Exception:  # noqa: BLE001 - publishing must not fail because the cache is down
        logger.warning("Page cache unavailable: purge of %s skipped", key)


def _bump_now_and_after_commit(key):
    # Publishing runs in a transaction: a request served between the first bump
    # and the commit may store the old page under the new version. The second
    # bump, once the change is visible to every process, forgets that copy.
    _bump(key)
    transaction.on_commit(lambda: _bump(key))


def purge_paths(paths):
    """Forget the cached copies of the pages at these paths, whatever their query string."""
    for path in paths:
        _bump_now_and_after_commit(_path_version_key(path))


def purge_everything():
    """Forget every cached page, menu and footer: menus or site settings changed."""
    _bump_now_and_after_commit(SITE_VERSION_KEY)


def site_parts_cache_seconds():
    return getattr(settings, "SITE_PARTS_CACHE_SECONDS", 600)


NOT_STORED = object()


def _read(key, version_keys):
    """(the current versions at `version_keys`, what `key` holds if stored under them).

    One cache round trip; NOT_STORED when `key` holds nothing or was stored
    under other versions (a purge since). Raises when the cache is down.
    """
    found = cache.get_many([*version_keys, key])
    versions = tuple(found.get(version_key, 0) for version_key in version_keys)
    stored = found.get(key)
    if stored is not None and stored[0] == versions:
        return versions, stored[1]
    return versions, NOT_STORED


def _kept(key, version_keys, build):
    """`build()`, stored under `key` with the versions at `version_keys`, and served while
    they stand; a cache that is down builds it every time.
    """
    try:
        versions, value = _read(key, version_keys)
    except Exception:  # noqa: BLE001 - a cache that is down: build it every time
        return build()
    if value is not NOT_STORED:
        return value
    value = build()
    try:
        cache.set(key, (versions, value), timeout=site_parts_cache_seconds())
    except Exception:  # noqa: BLE001
        logger.warning("Page cache unavailable: %s not stored", key)
    return value


def per_site_version(name, site_id, build):
    """`build()`, kept in the shared cache until what menus or site settings show changes.

    For what every page shows the same way (the menu's pages, the footer's
    links): built once per site and change, not on every render, even for
    pages that are not cached whole.
    """
    if not site_parts_cache_seconds():
        return build()
    return _kept(f"pagecache:site-part:{name}:{site_id}", [SITE_VERSION_KEY], build)


def per_page_version(name, request, build):
    """`build()`, kept until the page at `request.path` is purged, or the whole site.

    For what a page shows of other pages (a procedure's conditions and
    clinics, a byline's people): the purge rules that forget the page's
    cached copy forget this too. A page's own publishing moves its path's
    version; a listed page's title, address or publishing moves the site's,
    and its summary the versions of the pages in its `pages_showing_summary`.
    Previews build it every time.
    """
    if not site_parts_cache_seconds() or getattr(request, "is_preview", False):
        return build()
    path_key = _path_version_key(request.path)
    key = f"pagecache:page-part:{name}:{request.get_host()}:{_path_hash(request.path)}"
    return _kept(key, [SITE_VERSION_KEY, path_key], build)
