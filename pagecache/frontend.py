"""Purging the HTTP cache in front (Varnish, a CDN) by the same rules as the app's cache.

Varnish (`deploy/varnish.vcl`) takes PURGE and BAN only on a listener of its
own that the public proxy never reaches (FRONTEND_CACHE_URL names it), so a
visitor cannot empty the cache. A purge is sent once the change is committed,
from the process that made it, so the next visitor gets the new page; a purge
Varnish did not take is queued again with back-off (`pagecache.tasks`), never
only logged. A change of anything every page shows BANs the whole host in one
request (old addresses of moved or renamed pages included), instead of one
PURGE per page. CDN backends (Cloudflare, CloudFront) get Wagtail's own
batched purge of every live page plus the old addresses.
"""

import logging
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.db import transaction
from wagtail.contrib.frontend_cache.backends import HTTPBackend

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 3


class VarnishBackend(HTTPBackend):
    """Wagtail's HTTP backend, raising when Varnish does not take a purge, and able to BAN a host."""

    def _send(self, method, url):
        parts = urlsplit(url)
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        target = urlunsplit(
            [self.cache_scheme, self.cache_netloc, parts.path or "/", parts.query, ""]
        )
        request = Request(target, method=method, headers={"Host": host})  # noqa: S310
        with urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - our own setting
            if response.status != 200:
                raise HTTPError(target, response.status, "purge refused", response.headers, None)

    def purge(self, url):
        self._send("PURGE", url)

    def ban_host(self, root_url):
        self._send("BAN", root_url)


def backends():
    from wagtail.contrib.frontend_cache.utils import get_backends

    return get_backends() if getattr(settings, "WAGTAILFRONTENDCACHE", None) else {}


def purge_after_commit(urls=(), whole_sites=(), every_live_page=None, refresh_only=False):
    """After the commit: PURGE `urls`, BAN each root URL in `whole_sites` (CDNs: `every_live_page()`).

    `refresh_only`: nothing left the public site, so Varnish takes the change
    of every page by revalidating its short-lived copies, without a BAN.
    """
    urls, whole_sites = sorted(set(urls)), sorted(set(whole_sites))
    if backends() and (urls or whole_sites):
        transaction.on_commit(lambda: send(urls, whole_sites, every_live_page, refresh_only))
        if not refresh_only:
            # A fetch Varnish began before the commit (a visitor's, or a background
            # revalidation) may store the old page just after the BAN, which applies only
            # to copies already stored: the same purge again, once such fetches are done.
            from pagecache import tasks

            transaction.on_commit(lambda: tasks.purge_frontend_once_more(urls, whole_sites))


def send(urls, whole_sites, every_live_page=None, refresh_only=False, attempt=1):
    failed_urls, failed_sites = set(), set()
    for name, backend in backends().items():
        if isinstance(backend, VarnishBackend):
            for root_url in whole_sites if not refresh_only else ():
                try:
                    backend.ban_host(root_url)
                except (HTTPError, URLError, OSError) as error:
                    logger.warning("Varnish %s did not take BAN of %s: %s", name, root_url, error)
                    failed_sites.add(root_url)
            for url in urls if not whole_sites or refresh_only else ():
                try:
                    backend.purge(url)
                except (HTTPError, URLError, OSError) as error:
                    logger.warning("Varnish %s did not take PURGE of %s: %s", name, url, error)
                    failed_urls.add(url)
        else:
            # A CDN's API: Wagtail's purge, queued as its own task.
            from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

            batch = list(urls) + (
                list(every_live_page()) if whole_sites and every_live_page else []
            )
            purge_urls_from_cache(batch, backends=[name])
    if failed_urls or failed_sites:
        from pagecache import tasks

        tasks.purge_frontend_again(sorted(failed_urls), sorted(failed_sites), attempt)
