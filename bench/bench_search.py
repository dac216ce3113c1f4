"""Site search at size: the demo plus generated pages up to 1,000 procedures and 300 conditions.

Not a test: times the search page and the suggestions endpoint through
Django's test client (in process, one database connection, the whole
request: middleware, ranking, rendering and the search-term count), on the
database DATABASE_URL names (SQLite when unset). Run by `bench/search.sh`.

    python bench/bench_search.py [--repeat 15] [--before REV]

`--before REV`: the search as at git revision REV (its sitesearch/engine.py
and views.py) and this tree's take turns, request by request, on the same
database and cache: on a machine shared with others, only figures measured
side by side compare. This tree's search is timed twice: as kept (the same
search again: its results kept under the index's and the site's versions)
and "first" (as the first search of its words since the index or the site
changed: `sitesearch.engine.KEEP_OUTCOMES` off, so the index is read).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from wagtail.models import Page  # noqa: E402

from conditions.models import ConditionIndexPage, ConditionPage  # noqa: E402
from demo.loader import DemoLoader, read  # noqa: E402
from procedures.models import ProcedureIndexPage, ProcedurePage  # noqa: E402

PROCEDURES, CONDITIONS = 1000, 300
QUERIES = [
    "botox",
    "knee pain",
    "nerve block",
    "lumbar puncture",
    "epidurel",
    "sholder injection",
    "botox migraine price",
    "spinal tap",
    "cost",
    "xylophone",
]
PREFIXES = ["lu", "lumb", "botox f", "spinal ta", "knee st"]
PLACES = [
    "Cervical",
    "Thoracic",
    "Lumbar",
    "Sacral",
    "Knee",
    "Hip",
    "Shoulder",
    "Elbow",
    "Wrist",
    "Ankle",
    "Facial",
    "Occipital",
]
KINDS = [
    "Injection",
    "Block",
    "Ablation",
    "Infusion",
    "Stimulation",
    "Release",
    "Aspiration",
    "Denervation",
]
STATES = [
    "Pain",
    "Stiffness",
    "Neuropathy",
    "Strain",
    "Arthritis",
    "Tendinitis",
    "Bursitis",
    "Spasm",
    "Syndrome",
]


def grow():
    """Add generated procedures and conditions (text from the demo's own pages) up to size."""
    # The English pages: the demo has a Spanish procedure and condition too (/es/).
    procedures_index = ProcedureIndexPage.objects.get(locale__language_code="en")
    conditions_index = ConditionIndexPage.objects.get(locale__language_code="en")
    samples = read("procedures.json")
    condition_samples = read("conditions.json")
    fields = ["overview", "preparation", "reasons", "during", "follow_up", "common_risks"]
    n = ProcedurePage.objects.filter(locale__language_code="en").count()
    while n < PROCEDURES:
        sample = ProcedurePage.objects.filter(title=samples[n % len(samples)]["title"]).first()
        title = f"{PLACES[n % len(PLACES)]} {KINDS[(n // len(PLACES)) % len(KINDS)]} {n}"
        page = ProcedurePage(
            title=title,
            slug=f"generated-procedure-{n}",
            summary=f"A {title.lower()} for pain that has not settled.",
            **{name: getattr(sample, name) for name in fields},
        )
        procedures_index.add_child(instance=page)
        n += 1
    n = ConditionPage.objects.filter(locale__language_code="en").count()
    while n < CONDITIONS:
        sample = ConditionPage.objects.filter(
            title=condition_samples[n % len(condition_samples)]["title"]
        ).first()
        title = f"{PLACES[n % len(PLACES)]} {STATES[(n // len(PLACES)) % len(STATES)]} {n}"
        page = ConditionPage(
            title=title,
            slug=f"generated-condition-{n}",
            summary=f"{title} and how it is treated.",
            overview=sample.overview,
            symptoms=sample.symptoms,
            treatment=sample.treatment,
        )
        conditions_index.add_child(instance=page)
        n += 1


def before_search(rev):
    """The search view of revision `rev`, with that revision's engine (not this tree's)."""
    import subprocess
    import types

    modules = {}
    for name in ("engine", "views"):
        source = subprocess.run(  # noqa: S603 - git on this repository's own revisions
            ["git", "show", f"{rev}:sitesearch/{name}.py"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        module = types.ModuleType(f"sitesearch_{name}_at_{rev}")
        module.__file__ = f"{rev}:sitesearch/{name}.py"
        exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102 - our own git tree
        modules[name] = module
    modules["views"].engine = modules["engine"]
    return modules["views"].search


def search_patterns(patterns=None):
    """Every URL pattern served by this tree's search view (/search/, /es/search/)."""
    from django.urls import URLPattern, get_resolver

    from sitesearch import views

    found = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLPattern):
            if pattern.callback is views.search:
                found.append(pattern)
        else:
            found += search_patterns(pattern.url_patterns)
    return found


def one_request(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        response = client.get(url, params)
        elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, params, response.status_code)
    return elapsed, len(captured), response


def side_by_side(client, rev, repeat):
    """Each search `repeat` times in each of three ways, taking turns request by request."""
    from sitesearch import engine, views
    from tests.html import soup

    patterns = search_patterns()
    before, now = before_search(rev), views.search
    original = now

    in_view = []

    def timing(view):
        """`view`, its own time (without the middleware around it) kept in `in_view`."""

        def timed_view(request, *args, **kwargs):
            start = time.perf_counter()
            try:
                return view(request, *args, **kwargs)
            finally:
                in_view.append((time.perf_counter() - start) * 1000)

        return timed_view

    before, now = timing(before), timing(now)

    def serve(view):
        for pattern in patterns:
            pattern.callback = view

    def titles(response):
        return [a.get_text(" ", strip=True) for a in soup(response).select(".search-result__title")]

    print(f"before: {rev}; now: this tree; load average {os.getloadavg()}")
    print(
        f"{'search':24} {'before ms':>10} {'now, first':>11} {'now, kept':>10} "
        f"{'first/before':>13} {'kept/before':>12} {'queries b/f/k':>14}"
        "   (then the view alone, without the middleware: before / first / kept)"
    )
    rows = []
    try:
        for query in QUERIES:
            times = {"before": [], "first": [], "kept": []}
            views_ms = {"before": [], "first": [], "kept": []}
            queries = {"before": 0, "first": 0, "kept": 0}
            shown = {}
            for _ in range(repeat):
                for way in ("before", "first", "kept"):
                    serve(before if way == "before" else now)
                    engine.KEEP_OUTCOMES = way != "first"
                    elapsed, count, response = one_request(client, "/search/", {"q": query})
                    times[way].append(elapsed)
                    views_ms[way].append(in_view.pop())
                    queries[way] = max(queries[way], count)
                    shown[way] = titles(response)
            assert shown["before"] == shown["first"] == shown["kept"], (query, shown)
            medians = {way: statistics.median(values) for way, values in times.items()}
            medians.update(
                {f"{way} view": statistics.median(values) for way, values in views_ms.items()}
            )
            rows.append(medians)
            print(
                f"{query:24} {medians['before']:10.1f} {medians['first']:11.1f} "
                f"{medians['kept']:10.1f} {medians['first'] / medians['before']:13.2f} "
                f"{medians['kept'] / medians['before']:12.2f} "
                f"{queries['before']:>4}/{queries['first']}/{queries['kept']}"
                f"   view alone {medians['before view']:.1f} / {medians['first view']:.1f}"
                f" / {medians['kept view']:.1f}"
            )
    finally:
        serve(original)
        engine.KEEP_OUTCOMES = True
    overall = {way: statistics.median(row[way] for row in rows) for way in rows[0]}
    print(
        f"{'median of medians':24} {overall['before']:10.1f} {overall['first']:11.1f} "
        f"{overall['kept']:10.1f} {overall['first'] / overall['before']:13.2f} "
        f"{overall['kept'] / overall['before']:12.2f}"
        f"{'':14}   view alone {overall['before view']:.1f} / {overall['first view']:.1f}"
        f" / {overall['kept view']:.1f}"
    )
    print(f"load average after: {os.getloadavg()}")


def timed(client, url, params, repeat):
    times, queries = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, params, response.status_code)
        queries.append(len(captured))
    return statistics.median(times), max(times), max(queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--before", help="a git revision to compare with, side by side")
    args = parser.parse_args()

    started = time.perf_counter()
    if not ProcedurePage.objects.exists():
        DemoLoader().load()
    if ProcedurePage.objects.filter(locale__language_code="en").count() < PROCEDURES:
        grow()
        print(f"built the site in {time.perf_counter() - started:.0f} s")
    total = Page.objects.live().count()
    print(
        f"database: {connection.vendor}; {ProcedurePage.objects.count()} procedures, "
        f"{ConditionPage.objects.count()} conditions, {total} live pages"
    )
    client = Client()
    client.get("/search/", {"q": "warm"})
    if args.before:
        side_by_side(client, args.before, args.repeat)
        return
    medians = []
    print(f"{'search':28} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for query in QUERIES:
        median, worst, queries = timed(client, "/search/", {"q": query}, args.repeat)
        medians.append(median)
        print(f"{query:28} {median:10.1f} {worst:8.1f} {queries:8d}")
    print(f"{'all searches (median of medians)':28} {statistics.median(medians):10.1f}")
    for prefix in PREFIXES:
        cache.clear()
        uncached, _, _ = timed(client, "/search/suggest/", {"q": prefix}, 1)
        median, worst, queries = timed(client, "/search/suggest/", {"q": prefix}, args.repeat)
        print(
            f"suggest {prefix!r:20} {median:10.1f} {worst:8.1f} {queries:8d}"
            f"   (uncached {uncached:.1f} ms)"
        )


if __name__ == "__main__":
    main()
