"""Varnish in front of the app (deploy/varnish.vcl), with a real varnishd on loopback."""

import http.client
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from wagtail.models import Site

from tests import factories

ROOT = Path(__file__).resolve().parent.parent
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
VARNISHADM = shutil.which("varnishadm") or "/usr/bin/varnishadm"

# serialized_rollback: the groups made by migrations come back after the test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def varnish(live_server):
    """A varnishd with the project's VCL, its backend the test's live server."""
    backend_port = urlsplit(live_server.url).port
    # varnishd reads the VCL as its own unprivileged user: a folder it may enter.
    tmp_path = Path(tempfile.mkdtemp(prefix="varnish-test-"))
    tmp_path.chmod(0o755)
    vcl = tmp_path / "site.vcl"
    source = (ROOT / "deploy" / "varnish.vcl").read_text()
    vcl.write_text(source.replace('.port = "8000";', f'.port = "{backend_port}";'))
    vcl.chmod(0o644)
    port = free_port()
    workdir = tmp_path / "varnish"
    process = subprocess.Popen(
        [VARNISHD, "-F", "-a", f"127.0.0.1:{port}", "-f", str(vcl), "-n", str(workdir)]
        + ["-s", "malloc,32m", "-T", f"127.0.0.1:{free_port()}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):  # up to 10 s for the child to compile the VCL and listen
        try:
            requests.get(url + "/healthz", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("varnishd did not start: " + process.stderr.read().decode()[-2000:])
    yield {"url": url, "port": port, "workdir": workdir}
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(tmp_path, ignore_errors=True)


@pytest.fixture
def site_behind_varnish(varnish, settings, home):
    """Pages whose full URLs are Varnish's, and the app purging Varnish on publish."""
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "127.0.0.1", varnish["port"]
    site.save()  # save(), not update(): Wagtail caches the sites' root URLs until a save
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": varnish["url"],
        }
    }
    about = factories.StandardPageFactory(parent=home, title="About", slug="about", live=False)
    about.save_revision().publish()
    return about


def get(varnish, path, **kwargs):
    return requests.get(varnish["url"] + path, timeout=10, **kwargs)


def test_pages_are_cached_and_a_publish_purges_them(varnish, site_behind_varnish):
    about = site_behind_varnish
    assert get(varnish, "/about/").headers["X-Cache"] == "MISS"
    assert get(varnish, "/about/?page=2").headers["X-Cache"] == "MISS"
    cached = get(varnish, "/about/")
    assert cached.headers["X-Cache"] == "HIT"
    assert get(varnish, "/about/?page=2").headers["X-Cache"] == "HIT"

    draft = about.get_latest_revision_as_object()
    draft.body = "<p>We moved our Stamford clinic.</p>"
    draft.save_revision().publish()

    fresh = get(varnish, "/about/")
    assert fresh.headers["X-Cache"] == "MISS"
    assert "We moved our Stamford clinic." in fresh.text
    assert get(varnish, "/about/?page=2").headers["X-Cache"] == "MISS"  # every variant


def test_signed_in_staff_posts_and_the_admin_pass_through(varnish, site_behind_varnish):
    get(varnish, "/about/")
    staff = get(varnish, "/about/", cookies={"sessionid": "anything"})
    assert staff.headers["X-Cache"] == "MISS"
    assert get(varnish, "/admin/login/").headers["X-Cache"] == "MISS"
    assert get(varnish, "/admin/login/").headers["X-Cache"] == "MISS"
    posted = requests.post(varnish["url"] + "/about/", timeout=10)
    assert posted.headers["X-Cache"] == "MISS"


def test_purge_is_refused_from_other_addresses(varnish, site_behind_varnish):
    get(varnish, "/about/")
    # Another address on this machine: loopback is 127.0.0.0/8, the ACL allows 127.0.0.1.
    connection = http.client.HTTPConnection(
        "127.0.0.1", varnish["port"], timeout=10, source_address=("127.0.0.2", 0)
    )
    connection.request("PURGE", "/about/")
    assert connection.getresponse().status == 405
    assert get(varnish, "/about/").headers["X-Cache"] == "HIT"


def test_a_cached_page_is_still_served_while_the_app_is_down(varnish, site_behind_varnish):
    get(varnish, "/about/")
    subprocess.run(
        [VARNISHADM, "-n", str(varnish["workdir"]), "backend.set_health", "default", "sick"],
        check=True,
        capture_output=True,
    )
    still = get(varnish, "/about/")
    assert still.status_code == 200 and still.headers["X-Cache"] == "HIT"
    assert get(varnish, "/never-cached-page/").status_code == 503
