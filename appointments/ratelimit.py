"""How many appointment posts one client has sent lately: a rolling window in the shared cache.

The view counts the posts that would be stored (valid ones, spam included),
and a refused one too: a client that keeps sending stays refused, and its
answers never flip back and forth. An invalid post is a patient correcting a
typo, stored nowhere: it never counts. "One client" is the address
practice.clients reads through the proxies the deployment declares.

Why not django-ratelimit: it counts in fixed windows, so a count resets at the
top of each window (a client could send the limit at 10:59 and again at 11:00).
This is a sliding-window counter instead: one counter per client per window,
and the estimate for "the last window" is this window's count plus the
previous window's count weighted by how much of it the last window still
overlaps. A post counts fully for a window and fades out over the next; a
client quiet for two windows is forgotten.

The counters live in Django's cache: Redis when REDIS_URL is set, shared by
every app node (INCR is atomic there); local memory otherwise (one process,
as in development). The key is a keyed hash of the client's address: the
cache never holds the address itself.
"""

import logging
import time

from django.core.cache import cache
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60 * 60
KEY_SALT = "appointments.rate-limit"

# The clock: a module attribute, so tests can move time without touching the cache.
now = time.time


def client_digest(address):
    return salted_hmac(KEY_SALT, address).hexdigest()[:32]


def increment(key, timeout):
    """Add one to the counter at `key` and return it (created at 1 if missing)."""
    try:
        return cache.incr(key)
    except ValueError:  # the client's first post in this window
        if cache.add(key, 1, timeout=timeout):
            return 1
        return cache.incr(key)  # another app node created it first


def count_post(address, window=WINDOW_SECONDS):
    """Count one post from `address`; return its estimated posts in the last `window` seconds.

    A cache that is down counts nothing: patients' requests are still taken.
    """
    try:
        return _count_post(address, window)
    except Exception:  # noqa: BLE001 - failing open beats losing a patient's request
        logger.warning("Rate limit not counted: the cache is unavailable")
        return 0


def _count_post(address, window):
    moment = now()
    bucket, into = divmod(moment, window)
    digest = client_digest(address)
    # A window's counter is read as "previous" all through the next one: keep it two windows.
    current = increment(f"appointments:rate:{digest}:{int(bucket)}", timeout=2 * window + 60)
    previous = cache.get(f"appointments:rate:{digest}:{int(bucket) - 1}", 0)
    return previous * (1 - into / window) + current
