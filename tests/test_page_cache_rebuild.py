"""After a purge, one request rebuilds; the others meanwhile get the previous copy, unless
the purge took a page away from the public (then never)."""

import pytest
from bs4 import BeautifulSoup
from django.http import HttpResponse
from django.test import RequestFactory

from pagecache import versions
from pagecache.middleware import PageCacheMiddleware
from practice.models import StandardPage
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def caches_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.SITE_PARTS_CACHE_SECONDS = 600


@pytest.fixture
def about(home):
    about = factories.StandardPageFactory(parent=home, title="About", slug="about")
    factories.StandardPageFactory(
        parent=home, title="Research", slug="research", show_in_menus=True
    )
    return about


def another_visitor(path):
    """A second visitor's request for `path`, arriving while the first one's is being rendered.

    (the response, whether the app rendered it for them)
    """
    rendered = []

    def render(request):
        rendered.append(request)
        return HttpResponse("rendered for the second visitor")

    return PageCacheMiddleware(render)(RequestFactory().get(path)), bool(rendered)


def visit_while_rendering(client, monkeypatch, page):
    """The first visitor's response, and what a second one got meanwhile."""
    meanwhile = []
    real = StandardPage.get_context

    def rendering(self, request, *args, **kwargs):
        if not meanwhile:
            meanwhile.append(another_visitor(page.url))
        return real(self, request, *args, **kwargs)

    monkeypatch.setattr(StandardPage, "get_context", rendering)
    first = client.get(page.url)
    return first, meanwhile[0]


def heading(response):
    return BeautifulSoup(response.content, "html.parser").h1.get_text(strip=True)


def publish_change(page, **fields):
    page = page.get_latest_revision_as_object()
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


def test_after_a_menu_change_others_get_the_previous_copy_while_one_rebuilds(
    client, monkeypatch, about
):
    client.get(about.url)
    assert client.get(about.url)["X-Page-Cache"] == "hit"

    publish_change(about, title="About us")  # a menu title: every page shows it

    first, (second, rendered_for_second) = visit_while_rendering(client, monkeypatch, about)
    assert first["X-Page-Cache"] == "miss" and heading(first) == "About us"
    assert not rendered_for_second
    assert second["X-Page-Cache"] == "stale" and heading(second) == "About"
    # Shared caches in front keep the previous copy only a moment.
    assert "s-maxage=1" in second["Cache-Control"]
    assert client.get(about.url)["X-Page-Cache"] == "hit"


def test_after_an_unpublish_no_one_gets_a_copy_from_before(client, monkeypatch, about, home):
    research = home.get_children().get(slug="research")
    client.get(about.url)
    assert "Research" in client.get(about.url).content.decode()

    research.specific.unpublish()

    first, (second, rendered_for_second) = visit_while_rendering(client, monkeypatch, about)
    assert first["X-Page-Cache"] == "miss"
    assert rendered_for_second and second.content == b"rendered for the second visitor"


def test_a_part_every_page_shows_is_rebuilt_once_after_a_menu_change(about):
    builds = []

    def build(label):
        builds.append(label)
        return label

    assert versions.per_site_version("menu", 1, lambda: build("before")) == "before"
    versions.purge_everything()

    needed_meanwhile = []

    def rebuild():
        # While this request rebuilds it, three other pages need the same part.
        for _ in range(3):
            needed_meanwhile.append(versions.per_site_version("menu", 1, lambda: build("again")))
        return build("after")

    assert versions.per_site_version("menu", 1, rebuild) == "after"
    assert needed_meanwhile == ["before"] * 3
    assert builds == ["before", "after"]
    assert versions.per_site_version("menu", 1, lambda: build("later")) == "after"


def test_a_part_is_never_served_from_before_a_page_was_withdrawn(about, monkeypatch):
    monkeypatch.setattr(versions, "WAIT_SECONDS", 0.05)
    assert versions.per_site_version("menu", 1, lambda: "with Research") == "with Research"
    versions.purge_everything(withdrawn=True)

    needed_meanwhile = []

    def rebuild():
        needed_meanwhile.append(versions.per_site_version("menu", 1, lambda: "without Research"))
        return "without Research"

    assert versions.per_site_version("menu", 1, rebuild) == "without Research"
    assert needed_meanwhile == ["without Research"]


def test_a_worker_keeps_its_own_copies_of_parts_within_a_memory_budget(home, monkeypatch):
    """Kept search results of a common word are ~100 KB: a worker's own copies of parts are
    held to a byte budget (oldest first out), not only a count, so they cannot grow to
    hundreds of MB; what falls out is read from the shared cache again, not rebuilt."""
    from django.core.cache import cache

    monkeypatch.setattr(versions, "LOCAL_PARTS_BYTES", 250_000)
    large = "x" * 100_000
    parts = [f"results-{n}" for n in range(4)]
    token = versions.begin_request("/search/")
    try:
        for name in parts:
            versions.per_site_version(name, 1, lambda name=name: name + large)
    finally:
        versions.end_request(token)

    shared_reads = []
    real_get = cache.get

    def counting_get(key, *args, **kwargs):
        shared_reads.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting_get)
    builds = []
    token = versions.begin_request("/search/")
    try:
        for name in reversed(parts):  # newest first: reading an old one back evicts another
            kept = versions.per_site_version(name, 1, lambda name=name: builds.append(name))
            assert kept == name + large
    finally:
        versions.end_request(token)

    assert builds == []
    # Two of 100 KB fit in 250 KB: the last two came from the worker's memory,
    # the first two from the shared cache.
    read_again = [name for name in parts if any(f":{name}:" in key for key in shared_reads)]
    assert read_again == ["results-0", "results-1"]
