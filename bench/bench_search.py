"""Site search at size: the demo plus generated pages up to 1,000 procedures and 300 conditions.

Not a test: times the search page and the suggestions endpoint through
Django's test client (in process, one database connection, the whole
request: middleware, ranking, rendering and the search-term count), on the
database DATABASE_URL names (SQLite when unset). Run by `bench/search.sh`.

    python bench/bench_search.py [--repeat 15]
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
