"""The site's database connections are cut (a PostgreSQL restart, a failover, an idle
timeout): the next visitors still get their pages.

Each gunicorn worker keeps its connection between requests (DATABASE_CONN_MAX_AGE),
and the web workers skip Django's `SELECT 1` check of it (deploy/gunicorn.conf.py):
the first query of a request finds a closed connection and opens it again
(pagecache/versions.py). Needs PostgreSQL: SQLite has no server to restart.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from bs4 import BeautifulSoup
from django.db import connection

from tests import processes
from tests.faults.deployment import fetch_all

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the site's connections to a database server"
    ),
]


@pytest.fixture
def site(tmp_path, procedure):
    env = processes.site_env(
        tmp_path,
        processes.database_url_of(connection),
        # Every view renders (and queries); connections are kept, as in production.
        PAGE_CACHE_SECONDS="0",
        DATABASE_CONN_MAX_AGE="600",
    )
    processes.collectstatic(env)
    server = processes.start_gunicorn(env, workers=2)
    yield server
    server.stop()


def cut_the_sites_connections():
    """What a restart does to the workers' connections: the server ends them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.rowcount


def titles(responses):
    return [
        (r.status_code, BeautifulSoup(r.text, "html.parser").h1.get_text(strip=True))
        if r.status_code == 200
        else (r.status_code, None)
        for r in responses
    ]


def test_pages_are_served_after_the_database_ends_every_connection(site, procedure):
    url = site.url + procedure.url
    # Both workers have served a page and kept their connection.
    assert titles(fetch_all(url)) == [(200, procedure.title)] * 8
    assert cut_the_sites_connections() >= 2

    assert titles(fetch_all(url)) == [(200, procedure.title)] * 8


def test_search_results_are_shown_after_the_database_ends_every_connection(site, procedure):
    """Not a Wagtail page: the site's own views meet the closed connection as well."""
    fetch_all(site.url + "/search/?q=nerve", times=4)
    assert cut_the_sites_connections() >= 2

    # Searches not asked before, so none is answered from the cache without a query.
    searches = ["occipital", "occipital nerve", "nerve block", "occipital block"]
    with ThreadPoolExecutor(2) as pool:
        responses = list(
            pool.map(lambda q: requests.get(site.url + "/search/", {"q": q}, timeout=30), searches)
        )
    for response in responses:
        assert response.status_code == 200
        results = BeautifulSoup(response.text, "html.parser").find("main").get_text(" ")
        assert procedure.title in results
