"""gunicorn's settings for `make serve` (deploy/serve.sh gives the address and workers).

The site is loaded once in the master process, then the workers are forked
from it: they share its memory until they write to it. Everything loaded by
then is moved out of the garbage collector's sight (`gc.freeze`): a full
collection otherwise walks every imported object, some 200,000, and holds a
request up for about 80 ms every few hundred requests.

Access log: one line per request with the time, method, path, status, size
and duration, and never a query string or referrer. Query strings carry what
patients and the front desk type (`/search/?q=John+Smith+multiple+sclerosis`,
`/admin/appointment-requests/?q=ann%40example.com`) and a referrer carries the
previous page's query; no line ever needs them to diagnose a fault, so none
is written, on any URL (simpler and safer than a list of URLs to hide).
`GUNICORN_ACCESS_LOG` names the file (`-`, the default, is standard output).
"""

import gc
import os

preload_app = True

# A worker keeps its database connection between requests (DATABASE_CONN_MAX_AGE).
# The first query of each request, the page cache's pending-purge read, finds one
# the server has closed and opens it again (pagecache/versions.py), so the web
# workers skip Django's check of it, a `SELECT 1` round trip on every request:
# a third of an uncached page's round trips to PostgreSQL. Other processes (the
# task worker, cron jobs) keep Django's check. Read before the site is loaded.
os.environ.setdefault("DATABASE_CONN_HEALTH_CHECKS", "0")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# %(U)s is the path without its query string; %(r)s, %(q)s and %(f)s are never used.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


def when_ready(server):
    gc.freeze()


def worker_exit(server, worker):
    """A worker stopping writes the search counts it still holds (sitesearch.terms)."""
    from sitesearch import terms

    terms.flush()
