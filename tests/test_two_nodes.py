"""Two app nodes on one PostgreSQL and one Redis, as a load-balanced deployment runs.

Two gunicorn processes on different loopback ports share the test's
PostgreSQL database and a Redis this test starts (and stops). Needs
PostgreSQL (CI runs the suite on it); on SQLite there is nothing to share.
"""

import pytest
import requests
from bs4 import BeautifulSoup
from django.db import connection

from appointments.models import AppointmentRequest
from tests import factories, processes

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="two nodes share a PostgreSQL database"
    ),
]


@pytest.fixture
def redis(tmp_path):
    server = processes.start_redis(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def node_env(redis, tmp_path):
    env = processes.site_env(
        tmp_path,
        processes.database_url_of(connection),
        REDIS_URL=redis.url,
        # 200 posts from one address on purpose; the limiter still counts each.
        APPOINTMENT_RATE_LIMIT="100000",
        APPOINTMENT_MIN_FILL_SECONDS="0",
        DATABASE_CONN_MAX_AGE="0",
    )
    processes.collectstatic(env)
    return env


@pytest.fixture
def nodes(node_env):
    started = [processes.start_gunicorn(node_env, workers=2) for _ in range(2)]
    yield [node.url for node in started]
    for node in started:
        node.stop()


@pytest.fixture
def site(home, request_page, locations, procedure):
    """Pages published as an editor would, committed for the nodes to read."""
    about = factories.StandardPageFactory(parent=home, title="About", slug="about", live=False)
    about.save_revision().publish()
    return {"about": about, "request_page": request_page, "locations": locations}


def publish_from_a_node(node_env, page_id, body):
    """Publish in another process with a node's settings (same database, same Redis)."""
    script = (
        "from wagtail.models import Page; "
        f"p = Page.objects.get(pk={page_id}).specific.get_latest_revision_as_object(); "
        f"p.body = {body!r}; p.save_revision().publish()"
    )
    processes.manage(node_env, "shell", "-c", script)


def post_request(session, node, locations, procedure, n):
    form = BeautifulSoup(session.get(node + "/request-appointment/").content, "html.parser")
    data = {
        "csrfmiddlewaretoken": form.select_one("[name=csrfmiddlewaretoken]")["value"],
        "started": form.select_one("[name=started]")["value"],
        "first_name": f"Patient{n}",
        "last_name": "Example",
        "phone": "(203) 555-0187",
        "email": f"patient{n}@example.test",
        "preferred_contact": "phone",
        "patient_status": "new",
        "location": str(locations["stamford"].pk),
        "reason": str(procedure.pk),
        "preferred_times": "mornings",
        "consent": "on",
        "website": "",
    }
    response = session.post(
        node + "/request-appointment/",
        data,
        headers={"Referer": node + "/request-appointment/"},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]


def test_two_nodes_share_pages_purges_and_requests(site, nodes, node_env, redis, procedure):
    first, second = nodes
    about_url = "/about/"

    # A page published through one node's process is fresh on the other at once.
    for node in nodes:
        requests.get(node + about_url, timeout=10)
        assert requests.get(node + about_url, timeout=10).headers["X-Page-Cache"] == "hit"
    publish_from_a_node(node_env, site["about"].pk, "<p>Now open on Saturdays.</p>")
    for node in (second, first):
        assert "Now open on Saturdays." in requests.get(node + about_url, timeout=10).text

    # 200 requests posted alternately to both nodes are all stored, exactly once.
    sessions = {node: requests.Session() for node in nodes}
    for n in range(200):
        node = nodes[n % 2]
        post_request(sessions[node], node, site["locations"], procedure, n)
    assert AppointmentRequest.objects.count() == 200
    assert len(set(AppointmentRequest.objects.values_list("reference", flat=True))) == 200

    # With Redis stopped both nodes still serve pages (uncached) and take requests.
    redis.stop()
    for n, node in enumerate(nodes):
        page = requests.get(node + about_url, timeout=10)
        assert page.status_code == 200 and page.headers.get("X-Page-Cache") != "hit"
        post_request(requests.Session(), node, site["locations"], procedure, 1000 + n)
        health = requests.get(node + "/healthz", timeout=10)
        assert health.status_code == 200 and "degraded: cache" in health.text
    assert AppointmentRequest.objects.count() == 202
