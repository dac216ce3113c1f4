"""Versions under which pages and parts of pages are kept in the shared cache.

A stored page carries two versions: one for the whole site (moved on when
anything that menus show changes, or a site setting) and one for the page's
path (moved on when that page, or a page whose summary it shows, is
published). A lookup reads both versions and the stored page in one round
trip, and serves the page only if its versions are still the current ones.
Every process of every node reads the same versions: the cache is shared
(Redis, or on one machine without Redis a cache on disk that every worker,
task worker and cron job opens), never a per-process memory.

A request reads the versions once, in one round trip with the first thing it
looks up (the page, or its first part), and every part of the page is checked
against those. A process also keeps its own copy of each part it built or
read (`_local`), but serves it only when the versions it was kept under are
the ones just read from the shared cache, no purge of them is pending, and
the cache answered: a purge seen by any process of any node moves the shared
versions, so no process serves its own copy of what it covers. Without it each
part would be a second read of the cache (on disk, a query to SQLite each).

Versions are tokens, never counters: a purge writes a token never used
before, so a version evicted from the cache (or lost when Redis restarts)
comes back as a token no stored copy carries, never as an old number that an
old copy might.

A purge that cannot reach the cache is not skipped. Each purge writes its new
token to the cache at once and records it in the database (`PendingPurge`)
inside the transaction of the change that caused it, so every process sees
the record exactly when it sees the change. After the commit the version is
moved on once more (a page rendered between the first write and the commit
may have been stored under it) and the record deleted. While a record stands
and the cache does not hold its token, what its version covers is not served
from the cache: it fails closed, and pages and parts are built fresh. A
purge the cache did not take is tried again by the next request that meets it
(at most once a second per process) and by a background task with back-off.

Two kinds of purge. Most changes only refresh what the public sees (a menu
title, a page's text, a setting): after one, the previous copy of a page or
part may still be served for the moment it takes one request to rebuild it,
so that a change every page shows costs one rebuild of each shared part, not
one per visitor, page or worker. A purge that takes something away from the
public (a page unpublished, deleted, moved, renamed or made private) also
moves `WITHDRAWN_KEY`, which every copy carries: no copy from before it is
ever served, and what is rebuilt is waited for or built again, never reused.
"""

import contextvars
import hashlib
import logging
import pickle
import secrets
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import translation

logger = logging.getLogger(__name__)

SITE_VERSION_KEY = "pagecache:site-version"
# Moved on, besides the site's version, by purges that take a page away from the public.
WITHDRAWN_KEY = "pagecache:site-withdrawn"
# The longest one request may hold the rebuilding of a page or part (and so the
# longest a previous copy is served meanwhile); a crashed rebuild frees it then.
REBUILD_SECONDS = 10
# How long a request waits for another's rebuild of a part it may not serve from before.
WAIT_SECONDS = 2.0
# How often one process tries again to deliver purges it finds pending.
RETRY_SECONDS = 1.0

# How many parts one process keeps its own copy of, and in how many bytes at most
# (the least recently used go first): kept search results of a common word are
# about 100 KB each, so the count alone could let one worker hold hundreds of MB.
LOCAL_PARTS = 4000
LOCAL_PARTS_BYTES = 32 * 2**20


class _RequestVersions:
    """What one request read once: the purges pending, and the versions as the cache holds them."""

    def __init__(self, pending, path_key):
        self.pending = pending
        # Read with the first lookup: the request's path's version besides what that lookup asks.
        self.path_key = path_key
        self.found = {}


# Set by the middleware for the length of a request; None outside one, where
# each read asks the database and the cache.
_in_request = contextvars.ContextVar("pagecache_request_versions", default=None)
_last_delivery_attempt = 0.0

# {key: (versions, pickled value)}: this process's copies of parts, see the module's note.
# Pickled, as a cache would keep them: each request gets objects of its own.
_local = OrderedDict()
_local_bytes = 0
_local_lock = threading.Lock()


def path_hash(path):
    return hashlib.sha256(path.encode()).hexdigest()[:32]


def path_version_key(path):
    # By path alone: a purge of /about/ on one of several sites also purges the
    # others' /about/, a harmless extra miss.
    return f"pagecache:path-version:{path_hash(path)}"


def _new_token():
    return f"{time.time_ns():x}-{secrets.token_hex(4)}"


def _write_version(key, token=None):
    """Give `key` a new token (or `token`); the token once the cache holds it (read back: a
    fail-open cache that skipped the write must not count as a purge), else None."""
    token = token or _new_token()
    _forget_versions_read()
    try:
        cache.set(key, token, timeout=None)
        return token if cache.get(key) == token else None
    except Exception:  # noqa: BLE001 - reported to the caller, which keeps the purge pending
        return None


def _pending_table():
    from pagecache.models import PendingPurge

    return PendingPurge


def pending_purges():
    """{version key: the token its latest recorded purge gave it} (one query, usually empty)."""
    state = _in_request.get()
    if state is not None:
        return state.pending
    return _read_pending()


def _read_pending():
    table = _pending_table()._meta.db_table
    for attempt in (1, 2):
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT version_key, token FROM {table} ORDER BY id")  # noqa: S608
                return dict(cursor.fetchall())
        except (InterfaceError, OperationalError) as error:
            failure = error
            # The first query of every web request (`begin_request`), so it is also the
            # check of a connection kept from the last request (CONN_MAX_AGE): one the
            # server closed meanwhile (a restart, a failover, an idle timeout) is opened
            # again and asked once more, and no visitor gets an error page for it. The
            # web workers therefore skip Django's own check, a `SELECT 1` round trip
            # per request (deploy/gunicorn.conf.py, docs/deploy.md).
            if attempt == 1 and not connection.in_atomic_block:
                connection.close()
                continue
            break
        except Exception as error:  # noqa: BLE001 - any other fault of the database
            failure = error
            break
    # Nothing can be published while the database is down, so nothing new
    # can be pending: serve what the cache holds rather than fail every page.
    logger.warning("Page cache: pending purges could not be read", exc_info=failure)
    return {}


def _not_taken(pending, found):
    """The pending version keys whose token the cache (as read into `found`) does not hold."""
    return {key for key, token in pending.items() if found.get(key) != token}


def begin_request(path=None):
    """Read the pending purges once for this request; deliver any the cache missed (throttled).

    `path`: the request's path, whose version is read with the first lookup.
    """
    global _last_delivery_attempt
    pending = _read_pending()
    if pending and time.monotonic() - _last_delivery_attempt > RETRY_SECONDS:
        try:
            missed = _not_taken(pending, cache.get_many(list(pending)))
        except Exception:  # noqa: BLE001 - a cache that is down: nothing to deliver to
            missed = set(pending)
        if missed:
            _last_delivery_attempt = time.monotonic()
            deliver_pending(missed)
            pending = _read_pending()
    return _in_request.set(
        _RequestVersions(pending, path_version_key(path) if path is not None else None)
    )


def end_request(token):
    _in_request.reset(token)


def _forget_versions_read():
    """A version was written by this process: the request reads them again from the cache."""
    state = _in_request.get()
    if state is not None:
        state.found.clear()


def deliver_pending(keys=None):
    """Move each pending version (or those in `keys`) on in the cache and delete its records.

    True when none is left. A version the cache did not take keeps its
    records, with a token the cache cannot hold, so it stays failed closed.
    """
    PendingPurge = _pending_table()
    rows = PendingPurge.objects.all()
    if keys is not None:
        rows = rows.filter(version_key__in=keys)
    last_row = {}
    for row_id, key in rows.values_list("id", "version_key"):
        last_row[key] = max(row_id, last_row.get(key, 0))
    missed = 0
    for key, row_id in last_row.items():
        if _write_version(key):
            # Rows added since (a newer purge of the same key) stay for their own delivery.
            PendingPurge.objects.filter(version_key=key, id__lte=row_id).delete()
        else:
            missed += 1
            PendingPurge.objects.filter(pk=row_id).update(token=_new_token())
    if missed:
        logger.warning(
            "Page cache unavailable: %d purge(s) pending; the pages they cover are served fresh",
            missed,
        )
    return not missed


def _purge(keys):
    """Move the versions on now, record each purge with the change, deliver again after commit."""
    PendingPurge = _pending_table()
    records = []
    for key in sorted(keys):
        token = _new_token()
        _write_version(key, token)
        records.append(PendingPurge(version_key=key, token=token))
    PendingPurge.objects.bulk_create(records)
    transaction.on_commit(_deliver_after_commit)


def _deliver_after_commit():
    if not deliver_pending():
        from pagecache import tasks

        tasks.schedule_delivery()


def purge_paths(paths):
    """Forget the cached copies of the pages at these paths, whatever their query string."""
    keys = {path_version_key(path) for path in paths}
    if keys:
        _purge(keys)


def purge_everything(withdrawn=False):
    """Forget every cached page, menu and footer: menus or site settings changed.

    `withdrawn`: a page left the public site (unpublished, deleted, moved,
    renamed, made private), so no copy from before may be served, not even
    while it is rebuilt.
    """
    _purge({SITE_VERSION_KEY, WITHDRAWN_KEY} if withdrawn else {SITE_VERSION_KEY})


def site_parts_cache_seconds():
    return getattr(settings, "SITE_PARTS_CACHE_SECONDS", 600)


NOT_STORED = object()


def _current(version_keys, found):
    """The versions at `version_keys` from `found`; a missing one is created with a fresh
    token. None when a version can't be known (the cache is down): nothing may be stored."""
    versions = []
    for key in version_keys:
        token = found.get(key)
        if token is None:
            cache.add(key, _new_token(), timeout=None)
            token = cache.get(key)
            if token is None:
                return None
            state = _in_request.get()
            if state is not None:
                state.found[key] = token
        versions.append(token)
    return tuple(versions)


def _with_withdrawn(version_keys):
    version_keys = list(version_keys)
    if SITE_VERSION_KEY in version_keys and WITHDRAWN_KEY not in version_keys:
        version_keys.append(WITHDRAWN_KEY)
    return version_keys


def read_with_previous(key, version_keys):
    """(current versions, what `key` holds if stored under them, else its previous copy if
    one may be served while it is rebuilt).

    One cache round trip. The stored value is NOT_STORED when `key` holds
    nothing, was stored under other versions (a purge since), or a purge of
    one of its versions is pending. The previous copy is NOT_STORED too unless
    only refreshing purges came since it was stored (none that withdrew a
    page, none pending). The versions are None when nothing may be stored
    under them (a purge pending, or the cache not answering). Raises when the
    cache is down.
    """
    version_keys = _with_withdrawn(version_keys)
    found = _read_versions(version_keys, key)
    versions = _checked(version_keys, found)
    stored = found.get(key)
    if versions is None or stored is None:
        return versions, NOT_STORED, NOT_STORED
    if stored[0] == versions:
        return versions, stored[1], NOT_STORED
    if WITHDRAWN_KEY in version_keys and len(stored[0]) == len(versions):
        withdrawn_at = version_keys.index(WITHDRAWN_KEY)
        if stored[0][withdrawn_at] == versions[withdrawn_at]:
            return versions, NOT_STORED, stored[1]
    return versions, NOT_STORED, NOT_STORED


def _read_versions(version_keys, key=None):
    """{version key: token} for `version_keys` (and `key`'s stored value under `key`, if
    given): in a request, the versions it has not read yet are read with `key` in one round
    trip and kept for the rest of the request; a key the cache does not hold is absent."""
    state = _in_request.get()
    if state is None:
        return cache.get_many([*version_keys, key] if key is not None else version_keys)
    missing = [k for k in version_keys if k not in state.found]
    if not missing:
        found = {k: state.found[k] for k in version_keys}
        if key is not None:
            stored = cache.get(key)
            if stored is not None:
                found[key] = stored
        return found
    if state.path_key is not None and state.path_key not in state.found:
        missing.append(state.path_key)
    read = cache.get_many([*dict.fromkeys(missing), *([key] if key is not None else [])])
    for version_key in missing:
        if version_key in read:
            state.found[version_key] = read[version_key]
    found = {k: state.found[k] for k in version_keys if k in state.found}
    if key is not None and key in read:
        found[key] = read[key]
    return found


def _checked(version_keys, found):
    """The current versions at `version_keys` from `found`, or None when nothing may be served
    or stored under them: a purge of one of them pending, or the cache not answering."""
    pending = pending_purges()
    if pending and _not_taken({k: pending[k] for k in version_keys if k in pending}, found):
        return None
    return _current(version_keys, found)


def _local_copy(key, versions):
    """This process's copy of `key` if it was kept under exactly `versions`, else NOT_STORED."""
    with _local_lock:
        kept = _local.get(key)
        if kept is None or kept[0] != versions:
            return NOT_STORED
        _local.move_to_end(key)
    return pickle.loads(kept[1])  # noqa: S301 - pickled by this process, never read from outside


def _keep_locally(key, versions, value):
    try:
        pickled = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - what cannot be pickled is not kept (the cache would refuse it too)
        return
    global _local_bytes
    if len(pickled) > LOCAL_PARTS_BYTES:
        return
    with _local_lock:
        replaced = _local.pop(key, None)
        if replaced is not None:
            _local_bytes -= len(replaced[1])
        _local[key] = (versions, pickled)
        _local_bytes += len(pickled)
        while len(_local) > LOCAL_PARTS or _local_bytes > LOCAL_PARTS_BYTES:
            _evicted_versions, evicted = _local.popitem(last=False)[1]
            _local_bytes -= len(evicted)


def read(key, version_keys):
    """(the current versions at `version_keys`, what `key` holds if stored under them).

    As `read_with_previous`, for callers that never serve a previous copy.
    """
    versions, value, _previous = read_with_previous(key, version_keys)
    return versions, value


def claim_rebuild(key):
    """True if this request is the one to rebuild `key` (for at most REBUILD_SECONDS)."""
    try:
        return bool(cache.add(f"{key}:rebuilding", 1, timeout=REBUILD_SECONDS))
    except Exception:  # noqa: BLE001 - a cache that is down: everyone builds
        return True


def release_rebuild(key):
    try:
        cache.delete(f"{key}:rebuilding")
    except Exception:  # noqa: BLE001
        logger.warning("Page cache unavailable: rebuild of %s not released", key)


def _wait_for(key, versions):
    """What another request's rebuild of `key` stores under `versions`, or NOT_STORED in time."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.02)
        try:
            stored = cache.get(key)
        except Exception:  # noqa: BLE001
            return NOT_STORED
        if stored is not None and stored[0] == versions:
            return stored[1]
    return NOT_STORED


def _kept(key, version_keys, build):
    """`build()`, stored under `key` with the versions at `version_keys`, and served while
    they stand; a cache that is down builds it every time.

    After a purge one request rebuilds it; the others meanwhile take its
    previous copy if the purge only refreshed, or wait for the rebuild if it
    withdrew a page (building it themselves if it takes too long).
    """
    version_keys = _with_withdrawn(version_keys)
    try:
        if _in_request.get() is not None:
            # The versions first (read once per request): this process's own copy under
            # them saves reading the part from the cache.
            versions = _checked(version_keys, _read_versions(version_keys))
            if versions is None:
                return build()
            value = _local_copy(key, versions)
            if value is not NOT_STORED:
                return value
        versions, value, previous = read_with_previous(key, version_keys)
    except Exception:  # noqa: BLE001 - a cache that is down: build it every time
        return build()
    if value is not NOT_STORED:
        _keep_locally(key, versions, value)
        return value
    if versions is None:
        return build()
    claimed = claim_rebuild(key)
    if not claimed:
        if previous is not NOT_STORED:
            return previous
        value = _wait_for(key, versions)
        if value is not NOT_STORED:
            return value
    try:
        value = build()
        try:
            cache.set(key, (versions, value), timeout=site_parts_cache_seconds())
        except Exception:  # noqa: BLE001
            logger.warning("Page cache unavailable: %s not stored", key)
        else:
            _keep_locally(key, versions, value)
    finally:
        if claimed:
            release_rebuild(key)
    return value


def per_site_version(name, site_id, build):
    """`build()`, kept in the shared cache until what menus or site settings show changes.

    For what every page shows the same way (the menu's pages, the footer's
    links): built once per site and change, not on every render, even for
    pages that are not cached whole.
    """
    if not site_parts_cache_seconds():
        return build()
    # One copy per language: the Spanish pages' menus and footer are Spanish.
    language = translation.get_language()
    return _kept(f"pagecache:site-part:{name}:{site_id}:{language}", [SITE_VERSION_KEY], build)


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
    path_key = path_version_key(request.path)
    key = f"pagecache:page-part:{name}:{request.get_host()}:{path_hash(request.path)}"
    return _kept(key, [SITE_VERSION_KEY, path_key], build)
