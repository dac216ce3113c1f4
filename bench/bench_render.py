"""Queries and render time of the four busiest pages, one request at a time.

Not a test: renders the home page, a procedure, a condition and a search
through Django's test client (in process, one database connection, the whole
request: middleware, page, template), with the page cache off so every
request renders. The render time is the wall clock; the CPU time (this
process only) is what to compare when the machine is shared. The last column
keeps nothing between requests (SITE_PARTS_CACHE_SECONDS=0): menus, routes
and listed pages all read from the database, as for the first view of a page
after a purge. Run by `bench/site.sh` on the demo site, production settings.
`--profile PATH` prints where the time of that page goes instead.

    python bench/bench_render.py [--repeat 200] [--profile /services/...]
"""

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["PAGE_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from conditions.models import ConditionPage  # noqa: E402
from procedures.models import ProcedurePage  # noqa: E402

# The seed page of the practice's current site, and its busiest condition.
PROCEDURE = "Epidural Steroid Injection"
CONDITION = "Low Back Pain"
SEARCH = "nerve block"


def pages():
    """(name, url) of the pages measured; also read by bench/site.sh for its wrk runs."""
    return [
        ("home", "/"),
        ("procedure", ProcedurePage.objects.get(title=PROCEDURE).url),
        ("condition", ConditionPage.objects.get(title=CONDITION).url),
        ("search", "/search/?q=" + SEARCH.replace(" ", "+")),
    ]


def measure(client, url, repeat):
    client.get(url)  # templates and caches warm, as in a running worker
    times, cpu_times = [], []
    for _ in range(repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu_start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return (
        len(captured),
        statistics.median(times),
        statistics.median(cpu_times),
        len(response.content),
    )


def profile(client, url, repeat):
    client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(45)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--profile", help="a URL path: print its profile instead")
    parser.add_argument("--urls", action="store_true", help="print the measured URLs as JSON")
    args = parser.parse_args()
    client = Client()
    if args.urls:
        print(json.dumps(dict(pages())))
        return
    if args.profile:
        profile(client, args.profile, args.repeat)
        return
    print(
        "| page | URL | queries | median render (ms) | median CPU (ms) | bytes "
        "| first view after a purge: queries, median render (ms) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    kept = settings.SITE_PARTS_CACHE_SECONDS
    for name, url in pages():
        queries, median, cpu, size = measure(client, url, args.repeat)
        # Nothing kept at all: what the first view of a page costs after a purge.
        settings.SITE_PARTS_CACHE_SECONDS = 0
        cold_queries, cold_median, _, _ = measure(client, url, args.repeat)
        settings.SITE_PARTS_CACHE_SECONDS = kept
        print(
            f"| {name} | `{url}` | {queries} | {median:.1f} | {cpu:.1f} | {size:,} "
            f"| {cold_queries}, {cold_median:.1f} |"
        )


if __name__ == "__main__":
    main()
