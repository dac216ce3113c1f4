"""An unpublished, restricted, expired, moved or renamed page is gone on the next request:
from every worker, while Redis stalls, and through Varnish behind nginx."""

import time

import requests
from bs4 import BeautifulSoup

from tests.faults.deployment import fetch_all, point_site_at, run_as_editor

NERVE_BLOCK = "/procedures/occipital-nerve-block/"

UNPUBLISH = (
    "from wagtail.models import Page; "
    "Page.objects.get(url_path__endswith={path!r}).specific.unpublish()"
)
RESTRICT = (
    "from wagtail.models import Page, PageViewRestriction; "
    "PageViewRestriction.objects.create(page=Page.objects.get(url_path__endswith={path!r}), "
    "restriction_type='password', password='staff-only')"
)
PENDING = "from pagecache.models import PendingPurge; print(PendingPurge.objects.count())"


def pending_purges(env):
    return int(run_as_editor(env, PENDING).stdout.split()[-1])


def main_text(response):
    main = BeautifulSoup(response.content, "html.parser").select_one("main")
    return main.get_text(" ", strip=True) if main else ""


def warm(url):
    """Fetched enough times, in parallel, that the cache holds it and serves hits."""
    answers = fetch_all(url)
    assert all(answer.status_code == 200 for answer in answers)
    return answers


class TestSeveralWorkersWithoutRedis:
    """`make serve` on a fresh machine: several workers, SQLite, no REDIS_URL."""

    def test_unpublish_restriction_and_cron_reach_every_worker(self, site_env, serve):
        node = serve(site_env, workers=4)
        answers = warm(node.url + NERVE_BLOCK)
        assert any(answer.headers.get("X-Page-Cache") == "hit" for answer in answers)

        run_as_editor(site_env, UNPUBLISH.format(path=NERVE_BLOCK))
        assert [answer.status_code for answer in fetch_all(node.url + NERVE_BLOCK)] == [404] * 8

        public = warm(node.url + "/accessibility/")[-1]
        statement = main_text(public)
        assert "accessib" in statement.lower()
        run_as_editor(site_env, RESTRICT.format(path="/accessibility/"))
        for answer in fetch_all(node.url + "/accessibility/"):
            assert answer.headers.get("X-Page-Cache") != "hit"
            assert statement not in main_text(answer)

        # A cron job (a process of its own) takes a page down: every worker knows.
        warm(node.url + "/locations/plan-your-visit/")
        run_as_editor(
            site_env,
            "import datetime; from django.utils import timezone; from wagtail.models import Page; "
            "p = Page.objects.get(url_path__endswith='/locations/plan-your-visit/').specific; "
            "r = p.save_revision(); p.expire_at = timezone.now() + datetime.timedelta(seconds=1); "
            "p.save(update_fields=['expire_at'])",
        )
        time.sleep(1.5)
        run_as_editor(
            site_env,
            "from django.core.management import call_command; call_command('publish_scheduled')",
        )
        statuses = [a.status_code for a in fetch_all(node.url + "/locations/plan-your-visit/")]
        assert statuses == [404] * 8


class TestRedisThatStallsOrStops:
    def test_a_purge_made_while_redis_is_paused_is_never_served_stale(self, site_env, serve, redis):
        site_env["REDIS_URL"] = redis.url
        node = serve(site_env, workers=2)
        answers = warm(node.url + "/locations/plan-your-visit/")
        assert answers[-1].headers.get("X-Page-Cache") == "hit"

        # Long enough for the editor's process to start and publish inside it.
        paused_until = time.monotonic() + 30
        redis.pause_writes(30_000)
        run_as_editor(site_env, UNPUBLISH.format(path="/locations/plan-your-visit/"))
        # Redis still answers reads with the old versions: the pending purge, in
        # the database, keeps the old copy from being served.
        statuses = [a.status_code for a in fetch_all(node.url + "/locations/plan-your-visit/")]
        assert statuses == [404] * 8
        assert pending_purges(site_env) > 0

        assert time.monotonic() < paused_until, "the unpublish took longer than the pause"
        # The pause is over and the workers' circuit breakers have closed.
        time.sleep(paused_until - time.monotonic() + 6)
        for _ in range(3):
            assert requests.get(node.url + "/", timeout=30).status_code == 200
            time.sleep(1.1)
        assert pending_purges(site_env) == 0
        statuses = [a.status_code for a in fetch_all(node.url + "/locations/plan-your-visit/")]
        assert statuses == [404] * 8
        # Once delivered, pages are cached again.
        assert warm(node.url + NERVE_BLOCK)[-1].headers.get("X-Page-Cache") == "hit"

    def test_redis_stopped_keeps_the_node_in_service_behind_varnish(
        self, site_env, serve, redis, varnish_in_front
    ):
        site_env["REDIS_URL"] = redis.url
        node = serve(site_env, workers=2)
        front = varnish_in_front(node.port)
        redis.stop()
        health = requests.get(node.url + "/healthz", timeout=30)
        assert health.status_code == 200 and "degraded: cache" in health.text
        # Varnish's probe (every 2 s, 2 of 3) keeps the backend healthy.
        time.sleep(7)
        form = requests.get(front.url + "/request-appointment/", timeout=30)
        assert form.status_code == 200
        assert BeautifulSoup(form.content, "html.parser").select_one("form[method=post]")


class TestVarnishBehindAProxy:
    def test_unpublish_move_and_rename_are_gone_through_nginx_and_varnish(
        self, site_env, serve, varnish_in_front, nginx_in_front
    ):
        node = serve(site_env, workers=2)
        front = varnish_in_front(node.port)
        proxy = nginx_in_front(front.port)
        site_env["FRONTEND_CACHE_URL"] = front.purge_url
        point_site_at(site_env, f"127.0.0.1:{proxy.port}")

        def cached(path):
            requests.get(proxy.url + path, timeout=30)
            answer = requests.get(proxy.url + path, timeout=30)
            assert answer.status_code == 200 and answer.headers["X-Cache"] == "HIT"

        cached(NERVE_BLOCK)
        run_as_editor(site_env, UNPUBLISH.format(path=NERVE_BLOCK))
        assert requests.get(proxy.url + NERVE_BLOCK, timeout=30).status_code == 404

        cached("/about/research/")
        run_as_editor(
            site_env,
            "from wagtail.models import Page; "
            "p = Page.objects.get(url_path__endswith='/about/research/'); "
            "p.move(Page.objects.get(url_path__endswith='/locations/'), pos='last-child')",
        )
        moved = requests.get(proxy.url + "/about/research/", timeout=30, allow_redirects=False)
        assert moved.status_code != 200 and moved.headers.get("X-Cache") != "HIT"
        assert requests.get(proxy.url + "/locations/research/", timeout=30).status_code == 200

        # A cached page renamed (the Media page is not cached: a condition is).
        cached("/conditions/low-back-pain/")
        run_as_editor(
            site_env,
            "from wagtail.models import Page; "
            "p = Page.objects.get(url_path__endswith='/conditions/low-back-pain/').specific; "
            "p.slug = 'lower-back-pain'; p.save_revision().publish()",
        )
        renamed = requests.get(
            proxy.url + "/conditions/low-back-pain/", timeout=30, allow_redirects=False
        )
        assert renamed.status_code != 200 and renamed.headers.get("X-Cache") != "HIT"
        assert (
            requests.get(proxy.url + "/conditions/lower-back-pain/", timeout=30).status_code == 200
        )

    def test_no_visitor_can_purge_through_the_proxy(
        self, site_env, serve, varnish_in_front, nginx_in_front
    ):
        node = serve(site_env, workers=1)
        front = varnish_in_front(node.port)
        proxy = nginx_in_front(front.port)
        requests.get(proxy.url + "/", timeout=30)
        assert requests.get(proxy.url + "/", timeout=30).headers["X-Cache"] == "HIT"
        assert requests.request("PURGE", proxy.url + "/", timeout=30).status_code == 405
        assert requests.request("BAN", proxy.url + "/", timeout=30).status_code == 405
        assert requests.get(proxy.url + "/", timeout=30).headers["X-Cache"] == "HIT"
