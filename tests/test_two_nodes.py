"""Two app nodes on one PostgreSQL and one Redis, as a load-balanced deployment runs.

Two gunicorn processes on different loopback ports share the test's
PostgreSQL database and a Redis this test starts (and stops). Needs
PostgreSQL (CI runs the suite on it); on SQLite there is nothing to share.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from bs4 import BeautifulSoup
from django.db import connection

from appointments.models import AppointmentRequest
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
PYTHON = sys.executable

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="two nodes share a PostgreSQL database"
    ),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return requests.get(url, timeout=10)
        except (requests.ConnectionError, requests.Timeout):  # workers still booting
            time.sleep(0.2)
    pytest.fail(f"nothing answered at {url}")


@pytest.fixture
def redis(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
        + ["--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    yield {"url": f"redis://127.0.0.1:{port}/0", "process": process}
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def node_env(redis, tmp_path):
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        REDIS_URL=redis["url"],
        DJANGO_SECRET_KEY="two-nodes-test-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE="0",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_LOG_LEVEL="WARNING",
        TASKS_BACKEND="immediate",
        PAGE_CACHE_SECONDS="600",
        # 200 posts from one address on purpose; the limiter still counts each.
        APPOINTMENT_RATE_LIMIT="100000",
        APPOINTMENT_MIN_FILL_SECONDS="0",
        DATABASE_CONN_MAX_AGE="0",
    )
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    return env


@pytest.fixture
def nodes(node_env):
    started = []
    for _ in range(2):
        port = free_port()
        process = subprocess.Popen(
            [GUNICORN, "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "2", "--timeout", "60"],
            cwd=ROOT,
            env=node_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append((f"http://127.0.0.1:{port}", process))
    for url, _ in started:
        wait_for(url + "/healthz")
    yield [url for url, _ in started]
    for _, process in started:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


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
    subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=node_env,
        check=True,
        timeout=120,
    )


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
    redis["process"].terminate()
    redis["process"].wait(timeout=10)
    for n, node in enumerate(nodes):
        page = requests.get(node + about_url, timeout=10)
        assert page.status_code == 200 and page.headers.get("X-Page-Cache") != "hit"
        post_request(requests.Session(), node, site["locations"], procedure, 1000 + n)
        health = requests.get(node + "/healthz", timeout=10)
        assert health.status_code == 200 and "degraded: cache" in health.text
    assert AppointmentRequest.objects.count() == 202
