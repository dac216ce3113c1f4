"""/healthz: is this node able to serve? For load balancers and uptime checks.

Asks the database (one query) and the cache (one write and one read), renders
no page, sets no cookie and is never cached. 200 "ok" when both answer; 503
naming what did not, so an operator sees at once which service is down.
"""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

PROBE_KEY = "healthz:probe"


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "down"
        logger.warning("Health check: the database did not answer", exc_info=True)
        return False


def cache_answers():
    try:
        cache.set(PROBE_KEY, "1", timeout=30)
        return cache.get(PROBE_KEY) == "1"
    except Exception:  # noqa: BLE001
        logger.warning("Health check: the cache did not answer", exc_info=True)
        return False


@require_GET
def healthz(request):
    down = [
        name
        for name, answers in (("database", database_answers), ("cache", cache_answers))
        if not answers()
    ]
    if down:
        response = HttpResponse(
            f"down: {', '.join(down)}\n", status=503, content_type="text/plain; charset=utf-8"
        )
    else:
        response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    add_never_cache_headers(response)
    return response
