"""Varnish in front of the app (deploy/varnish.vcl), with a real varnishd on loopback."""

import http.client
import subprocess
import time
from urllib.parse import urlsplit

import pytest
import requests
from wagtail.models import Page, Site

from tests import factories, processes

# serialized_rollback: the groups made by migrations come back after the test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def varnish(live_server):
    """A varnishd with the project's VCL, its backend the test's live server."""
    started = processes.start_varnish(urlsplit(live_server.url).port)
    yield {
        "url": started.url,
        "port": started.port,
        "purge_url": started.purge_url,
        "workdir": started.workdir,
    }
    started.stop()


@pytest.fixture
def site_behind_varnish(varnish, settings, home):
    """Pages whose full URLs are Varnish's, and the app purging Varnish on publish."""
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "127.0.0.1", varnish["port"]
    site.save()  # save(), not update(): Wagtail caches the sites' root URLs until a save
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "pagecache.frontend.VarnishBackend",
            "LOCATION": varnish["purge_url"],
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


def send(method, url, varnish, source="127.0.0.1"):
    """`method` /about/ to the listener at `url`, for the page as the public listener serves it."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=10, source_address=(source, 0)
    )
    connection.request(method, "/about/", headers={"Host": f"127.0.0.1:{varnish['port']}"})
    return connection.getresponse().status


def test_no_visitor_can_purge_or_ban(varnish, site_behind_varnish):
    get(varnish, "/about/")
    # Behind nginx on the same machine every visitor is 127.0.0.1: the public
    # listener refuses PURGE and BAN whatever the address.
    assert send("PURGE", varnish["url"], varnish) == 405
    assert send("BAN", varnish["url"], varnish) == 405
    # The purge listener takes them from this machine's own address only.
    assert send("PURGE", varnish["purge_url"], varnish, source="127.0.0.2") == 405
    assert get(varnish, "/about/").headers["X-Cache"] == "HIT"
    assert send("PURGE", varnish["purge_url"], varnish) == 200
    assert get(varnish, "/about/").headers["X-Cache"] == "MISS"


def test_a_cached_page_is_still_served_while_the_app_is_down(varnish, site_behind_varnish):
    get(varnish, "/about/")
    subprocess.run(
        [
            processes.VARNISHADM,
            "-n",
            str(varnish["workdir"]),
            "backend.set_health",
            "default",
            "sick",
        ],
        check=True,
        capture_output=True,
    )
    still = get(varnish, "/about/")
    assert still.status_code == 200 and still.headers["X-Cache"] == "HIT"
    assert get(varnish, "/never-cached-page/").status_code == 503


def test_a_menu_change_is_revalidated_in_seconds_and_an_unpublish_is_gone_at_once(
    varnish, site_behind_varnish, home
):
    team = factories.StandardPageFactory(
        parent=home, title="Our team", slug="team", show_in_menus=True, live=False
    )
    team.save_revision().publish()
    for path in ("/about/", "/team/"):
        get(varnish, path)
        assert get(varnish, path).headers["X-Cache"] == "HIT"

    renamed = team.get_latest_revision_as_object()
    renamed.title = "Our physicians"
    renamed.save_revision().publish()

    # Not BANned: the copy Varnish has is still served while it revalidates...
    assert get(varnish, "/about/").headers["X-Cache"] == "HIT"
    # ...and the new menu is on the page within seconds, without a visitor waiting.
    deadline = time.monotonic() + 10
    while "Our physicians" not in get(varnish, "/about/").text:
        assert time.monotonic() < deadline, "the renamed menu page never reached Varnish"
        time.sleep(0.5)

    # Taken away from the public: BANned at once, never served from before.
    Page.objects.get(pk=team.pk).unpublish()
    gone = get(varnish, "/team/")
    assert gone.status_code == 404 and gone.headers["X-Cache"] == "MISS"
