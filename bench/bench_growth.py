"""Growth: bytes and queries of every public page type at demo size and at 1,000/300.

Not a test: loads the demo into an empty database (DATABASE_URL; SQLite when
unset), renders every live public page through Django's test client (in
process, the whole request: middleware, page, template), then grows the site
to 1,000 procedures and 300 conditions and renders them all again. Run by
`bench/growth.sh` with production settings and the page cache off, so every
request renders.

    python bench/bench_growth.py [--sample N]

What is measured, per page type (the live pages' specific classes, a privacy
or accessibility standard page counted apart, plus the routes that are not
pages: search, sitemaps, the appointment and newsletter thank-you pages,
robots.txt, a page not found), the largest over all pages of that type:
the uncompressed bytes, their gzip size (level 6, for information), and the
queries of one render after a first one (the first creates image renditions
and fills per-process caches, as a running worker has). Page 2 and the last
page of a paginated index, and the generated procedure and condition last
from A to Z, are rows of their own at the grown size.

The grown site: `bench_search.grow()` adds the pages (text copied from the
demo's), then, so the lists that read relations back grow as a real site
would, each generated procedure treats the conditions and is offered at the
locations of the demo procedure it copies, treats one generated condition,
and shows in menus when that demo procedure does (generated conditions
likewise). `--sample N` renders only N generated pages of each type at the
grown size (the first, the last A to Z and evenly spaced ones) instead of all.

Exit status 1 when, at the grown size:
- an HTML page is 60 KB (61,440 bytes) or more. The sitemap section, XML
  for crawlers that lists every page by design (and splits itself at the
  protocol's 50,000 URLs), the suggestions' JSON and robots.txt are shown but
  not held to it;
- or a page type needs more queries than the budget tests/ holds for one
  page of that type on the demo (TEST_BUDGETS, no margin);
- or a page type needs more queries than at demo size, beyond a fixed margin
  for the types whose plan changes once past a size threshold (one step, the
  same at 100 pages as at 100,000, whereas a query per listed page would show
  as tens or hundreds more):
  - index pages (and search results) +1: past one page of cards the
    paginator counts the rows (at demo size the whole list fits in one
    page), and page 2 and after are held to page 1's demo figure +1;
  - procedure pages +1: past MENU_CHILDREN_LIMIT siblings "More procedures"
    first reads the first siblings A to Z, then the related selection.
"""

import argparse
import gzip
import os
import platform
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["PAGE_CACHE_SECONDS"] = "0"

from bench_search import CONDITIONS, PROCEDURES, grow  # noqa: E402 (runs django.setup())
from django.conf import settings  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from appointments.views import thanks_code  # noqa: E402
from conditions.models import ConditionPage  # noqa: E402
from demo.loader import DemoLoader  # noqa: E402
from pagecache import versions  # noqa: E402
from practice.models import IndexPage, StandardPage  # noqa: E402
from procedures.models import ProcedurePage  # noqa: E402

LIMIT = 60 * 1024
# Not HTML: shown, but not held to the 60 KB of a page (see the docstring).
NOT_HTML = {"sitemap section", "sitemap index", "search suggestions (JSON)", "robots.txt"}
# Extra queries allowed at the grown size, per row (see the docstring).
MARGINS = {"procedure": 1, "procedure (print)": 1, "search results": 1}
# The budgets tests/ holds (django_assert_max_num_queries), for one page of
# each of these types on the demo; here held by every page of the type.
TEST_BUDGETS = {
    "home": 12,  # tests/test_site.py
    "procedure": 15,  # tests/test_site.py
    "procedure (print)": 15,  # tests/test_long_pages.py
    "standard page (privacy policy)": 15,  # tests/test_long_pages.py
}
SEARCHES = ["nerve block", "pain", "injection", "botox", "xylophone", ""]
THANKS_REFERENCE = "BENCH1"


@dataclass
class Row:
    pages: int = 0
    size: int = 0
    gzipped: int = 0
    queries: int = 0
    worst: str = ""  # the largest page
    busiest: str = ""  # the page with the most queries
    times: list = field(default_factory=list)

    def add(self, url, size, gzipped, queries, ms):
        self.pages += 1
        self.times.append(ms)
        if size > self.size:
            self.size, self.gzipped, self.worst = size, gzipped, url
        if queries > self.queries or not self.busiest:
            self.queries, self.busiest = queries, url


def render(client, url, status=200):
    """(bytes, gzip bytes, queries, ms) of the second of two requests of url."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        response = client.get(url)
        ms = (time.perf_counter() - start) * 1000
    assert response.status_code == status, (url, response.status_code)
    body = response.content
    return len(body), len(gzip.compress(body, 6)), len(captured), ms


def label(page, request_policy):
    """The row of a page: its type, a policy page apart, an index page as such."""
    name = {
        "HomePage": "home",
        "ProcedureIndexPage": "procedure index",
        "ProcedurePage": "procedure",
        "ConditionIndexPage": "condition index",
        "ConditionPage": "condition",
        "LocationIndexPage": "location index",
        "LocationPage": "location",
        "TeamIndexPage": "team index",
        "TeamMemberPage": "team member",
        "StandardPage": "standard page",
        "AppointmentRequestPage": "appointment request form",
    }.get(type(page).__name__, type(page).__name__)
    policy = request_policy(page)
    return f"{name} ({policy} policy)" if policy else name


def sample(pages, n):
    """All of pages, or n of them: the first, the last and evenly spaced ones between."""
    if not n or len(pages) <= n:
        return pages
    step = (len(pages) - 1) / (n - 1)
    return [pages[round(i * step)] for i in range(n)]


def is_generated(page):
    return page.slug.startswith("generated-")


def measure(client, sample_size=0):
    """{row name: Row} for every live public page of the site and the routes besides."""
    rows = defaultdict(Row)
    site = Site.objects.get(is_default_site=True)
    request = client.get("/").wsgi_request  # for the policy pages' settings lookup
    policy = lambda page: (  # noqa: E731
        page.policy(request) if isinstance(page, StandardPage) else None
    )
    pages = list(
        site.root_page.get_descendants(inclusive=True).live().public().specific().order_by("path")
    )
    by_row = defaultdict(list)
    for page in pages:
        by_row[label(page, policy)].append(page)

    def add(name, url, status=200):
        rows[name].add(url, *render(client, url, status))

    for name, group in by_row.items():
        demo = [p for p in group if not is_generated(p)]
        generated = sorted((p for p in group if is_generated(p)), key=lambda p: p.title)
        for page in demo + sample(generated, sample_size):
            url = page.get_url(request)
            add(name, url)
            if isinstance(page, ProcedurePage):
                add("procedure (print)", url + "?print=1")
            if isinstance(page, IndexPage):
                size = Paginator(page.listing(), 1).count
                last = -(-size // settings.INDEX_PAGE_SIZE)
                for number in sorted({2, last} - {0, 1}):
                    if number <= last:
                        add(f"{name} (page 2+)", f"{url}?page={number}")
        if generated:
            last = generated[-1]
            add(f"{name} (generated, last A to Z)", last.get_url(request))

    for query in SEARCHES:
        add("search results", "/search/?q=" + query.replace(" ", "+"))
    add("search results", "/search/?q=pain&page=2")
    add("search suggestions (JSON)", "/search/suggest/?q=lu")
    add("sitemap index", "/sitemap.xml")
    add("sitemap section", "/sitemap-pages.xml")
    form = next(p for p in pages if label(p, policy) == "appointment request form")
    thanks = f"thanks/{THANKS_REFERENCE}/{thanks_code(THANKS_REFERENCE)}/"
    add("appointment thank-you", form.get_url(request) + thanks)
    add("newsletter signup", "/newsletter/")
    add("newsletter thank-you", "/newsletter/thanks/")
    add("page not found (404)", "/no-such-page/", status=404)
    add("robots.txt", "/robots.txt")
    return rows


def link_generated():
    """Give the generated pages the relations and menu flags of the demo pages they copy."""
    demo = list(
        ProcedurePage.objects.exclude(slug__startswith="generated-")
        .order_by("path")
        .prefetch_related("conditions", "locations")
    )
    conditions = list(ConditionPage.objects.filter(slug__startswith="generated-").order_by("path"))
    through_conditions = ProcedurePage.conditions.through
    through_locations = ProcedurePage.locations.through
    treats, offered, in_menus = [], [], []
    generated = ProcedurePage.objects.filter(slug__startswith="generated-").order_by("path")
    for n, page in enumerate(generated):
        model = demo[n % len(demo)]
        treated = {c.pk for c in model.conditions.all()}
        if conditions:
            treated.add(conditions[n % len(conditions)].pk)
        treats += [
            through_conditions(procedurepage_id=page.pk, conditionpage_id=c) for c in treated
        ]
        offered += [
            through_locations(procedurepage_id=page.pk, locationpage_id=location.pk)
            for location in model.locations.all()
        ]
        if model.show_in_menus:
            in_menus.append(page.pk)
    through_conditions.objects.bulk_create(treats)
    through_locations.objects.bulk_create(offered)
    Page.objects.filter(pk__in=in_menus).update(show_in_menus=True)
    if ConditionPage.objects.exclude(slug__startswith="generated-").filter(show_in_menus=True):
        Page.objects.filter(pk__in=[c.pk for c in conditions]).update(show_in_menus=True)


def machine():
    cores = os.cpu_count()
    with open("/proc/meminfo") as meminfo:
        ram = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    try:
        os_name = platform.freedesktop_os_release()["PRETTY_NAME"]
    except OSError:
        os_name = platform.platform()
    with open("/proc/loadavg") as loadavg:
        load = " ".join(loadavg.read().split()[:3])
    return (
        f"machine: {cores} cores, {ram / 1048576:.1f} GB, {os_name}, "
        f"Python {platform.python_version()}, {connection.vendor}; load average {load}"
    )


def count():
    return (
        f"{ProcedurePage.objects.count()} procedures, {ConditionPage.objects.count()} conditions, "
        f"{Page.objects.live().count()} live pages"
    )


def base_name(name):
    """The row a page 2+ or generated row is compared with: its page type's."""
    return name.split(" (page 2+)")[0].split(" (generated")[0]


def margin(name):
    name = base_name(name)
    if name in MARGINS:
        return MARGINS[name]
    return 1 if "index" in name else 0


def table(before, after):
    """The markdown table, and the rows over 60 KB or over their query budget."""
    over, grew = [], []
    lines = [
        "| page type | pages (demo / grown) | demo bytes (gzip) | demo queries "
        "| grown bytes (gzip) | grown queries | under 60 KB? | median ms (demo / grown) "
        "| largest grown URL |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |",
    ]
    for name in sorted(after, key=lambda n: (n.split(" (")[0], n)):
        row, base = after[name], before.get(name)
        baseline = base or before.get(base_name(name))
        html = name not in NOT_HTML
        under = "yes" if row.size < LIMIT else "**NO**"
        if not html:
            under = f"n/a ({'XML' if 'sitemap' in name else 'not HTML'})"
        elif row.size >= LIMIT:
            over.append(name)
        budget = baseline.queries + margin(name) if baseline else None
        queries = f"{row.queries}"
        if budget is not None and row.queries > budget:
            grew.append(
                f"{name}: {row.queries} queries > {baseline.queries} + {margin(name)} "
                f"({row.busiest})"
            )
            queries = f"**{row.queries}**"
        suite = TEST_BUDGETS.get(base_name(name))
        if suite is not None and row.queries > suite:
            grew.append(
                f"{name}: {row.queries} queries > the test suite's budget of {suite} "
                f"({row.busiest})"
            )
            queries = f"**{row.queries}**"
        if suite is not None:
            queries += f" (tests: ≤ {suite})"
        demo_cells = f"{base.size:,} ({base.gzipped:,}) | {base.queries}" if base else "– | –"
        demo_ms = f"{statistics.median(base.times):.0f}" if base else "–"
        lines.append(
            f"| {name} | {base.pages if base else 0} / {row.pages} | {demo_cells} "
            f"| {row.size:,} ({row.gzipped:,}) | {queries} | {under} "
            f"| {demo_ms} / {statistics.median(row.times):.0f} | `{row.worst}` |"
        )
    return "\n".join(lines), over, grew


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--sample", type=int, default=0, help="generated pages rendered per type (0: all)"
    )
    args = parser.parse_args()
    if ProcedurePage.objects.exists():  # the demo loader makes a fresh site
        sys.exit("bench_growth.py needs an empty, migrated database (bench/growth.sh makes one)")

    print(machine())
    print(f"date: {datetime.now(UTC):%Y-%m-%dT%H:%MZ}")
    client = Client()
    started = time.perf_counter()
    DemoLoader().load()
    print(f"demo loaded in {time.perf_counter() - started:.0f} s: {count()}")
    started = time.perf_counter()
    before = measure(client)
    print(f"demo measured in {time.perf_counter() - started:.0f} s")

    started = time.perf_counter()
    grow()
    link_generated()
    assert ProcedurePage.objects.count() >= PROCEDURES
    assert ConditionPage.objects.count() >= CONDITIONS
    # The pages were added without publishing (no purge signals): forget the
    # menus, routes and lists kept from the demo-size site.
    versions.purge_everything()
    print(f"grown in {time.perf_counter() - started:.0f} s: {count()}")
    started = time.perf_counter()
    after = measure(client, args.sample)
    print(f"grown site measured in {time.perf_counter() - started:.0f} s")
    with open("/proc/loadavg") as loadavg:
        print(f"load average at the end: {' '.join(loadavg.read().split()[:3])}")

    text, over, grew = table(before, after)
    print()
    print(text)
    print()
    for name in over:
        print(f"OVER 60 KB: {name} ({after[name].size:,} bytes, {after[name].worst})")
    for line in grew:
        print(f"QUERIES GREW: {line}")
    if over or grew:
        sys.exit(1)
    print("every page under 60 KB; queries flat")


if __name__ == "__main__":
    main()
