"""/healthz: is this node alive and able to take requests? For load balancers,
Varnish's probe and uptime checks.

A node is alive when its database answers: then it serves every page (uncached
if need be) and stores every appointment request, so it answers 200 even when
the cache is down, and says so in the body ("ok" then "degraded: cache"), as it
says when new appointment requests notify nobody ("warning: ...").
Only a database that does not answer makes it 503 ("down: database"): taking
a node out of service because its cache stalled would take the appointment
form offline with it. Asks the database (one query) and the cache (one write
and one read), renders no page, sets no cookie and is never cached.
"""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from appointments.notices import notice_lines

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


def degraded_services():
    """What this node works without, slower or with less: shown in /healthz and the admin."""
    return [] if cache_answers() else ["cache"]


@require_GET
def healthz(request):
    if not database_answers():
        body, status = "down: database\n", 503
    else:
        degraded = degraded_services()
        body = "ok\n" + (f"degraded: {', '.join(degraded)}\n" if degraded else "")
        # Said in the body, never by the status: a node that notifies nobody still serves.
        body += "".join(f"warning: {line}\n" for line in notice_lines())
        status = 200
    response = HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    add_never_cache_headers(response)
    return response
