"""Simulated patients visiting the site: home, search, a procedure, the request form, submit, thank-you.

Not a test: run by `bench/visit.sh` against a running site (through Varnish).
Each simulated patient is a thread with its own session (cookies, keep-alive)
that walks one visit after another for the run's duration, following the
links a patient would: the search result for a term, the procedure page's
"Request appointment" link, the form's redirect to the thank-you page. It
prints visits per second and p50 / p95 per step, and, with `--count-stored`,
checks that every request the site accepted was stored exactly once.

`--pages-only` walks home, search and the first result only: the steps that
Wagtail's bakerydemo also has, so both sites can be measured side by side
(`--search-term bread` there).

    python bench/bench_visit.py URL [--patients 10] [--seconds 60] [--pages-only]
"""

import argparse
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urljoin

import requests
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
SEARCH_TERMS = ["nerve block", "botox", "headache", "epidural", "migraine"]
STEPS = ["home", "search", "procedure", "form", "submit", "thank-you"]


def timed(timings, step, call):
    started = time.perf_counter()
    response = call()
    timings.setdefault(step, []).append(time.perf_counter() - started)
    response.raise_for_status()
    return response


def fill(form, patient):
    """What a patient types, in every field the form has."""
    data = {}
    for field in form.select("input, select, textarea"):
        name = field.get("name")
        if not name:
            continue
        kind = field.get("type", field.name)
        if kind == "hidden":
            data[name] = field.get("value", "")
        elif kind in ("radio", "checkbox"):
            if name not in data and (field.has_attr("required") or kind == "radio"):
                data[name] = field.get("value", "on")
        elif field.name == "select":
            values = [o.get("value") for o in field.select("option") if o.get("value")]
            if values:
                data[name] = values[0]
    data.update(
        first_name=patient,
        last_name="Visit",
        phone="(203) 555-0142",
        email=f"{patient}@example.test",
        preferred_contact="phone",
        website="",
    )
    return data


def visit(session, url, term, timings, pages_only, accepted):
    home = timed(timings, "home", lambda: session.get(url, timeout=60))
    search_url = urljoin(home.url, "/search/")
    results = timed(
        timings, "search", lambda: session.get(search_url, params={"q": term}, timeout=60)
    )
    soup = BeautifulSoup(results.content, "html.parser")
    # The first result: this site's list, or bakerydemo's.
    first = soup.select_one(".search-result a[href], .search__results a[href]")
    procedure = timed(
        timings, "procedure", lambda: session.get(urljoin(results.url, first["href"]), timeout=60)
    )
    if pages_only:
        return
    page = BeautifulSoup(procedure.content, "html.parser")
    link = next(a for a in page.select("a[href]") if "request" in a.get_text(strip=True).lower())
    form_page = timed(
        timings, "form", lambda: session.get(urljoin(procedure.url, link["href"]), timeout=60)
    )
    form = BeautifulSoup(form_page.content, "html.parser").select_one("form[method=post]")
    patient = f"p{uuid.uuid4().hex[:10]}"
    data = fill(form, patient)
    target = urljoin(form_page.url, form.get("action") or form_page.url)
    posted = timed(
        timings,
        "submit",
        lambda: session.post(
            target, data, headers={"Referer": form_page.url}, allow_redirects=False, timeout=60
        ),
    )
    if posted.status_code != 302:
        raise RuntimeError(f"the form was refused ({posted.status_code})")
    accepted.append(patient)
    timed(
        timings,
        "thank-you",
        lambda: session.get(urljoin(target, posted.headers["Location"]), timeout=60),
    )


def patient_thread(url, seconds, pages_only, term, results, accepted, errors):
    timings = {}
    visits = 0
    session = requests.Session()
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        try:
            visit(
                session,
                url,
                term or SEARCH_TERMS[n % len(SEARCH_TERMS)],
                timings,
                pages_only,
                accepted,
            )
            visits += 1
        except Exception as error:  # noqa: BLE001 - counted and reported
            errors.append(repr(error))
        n += 1
    results.append((visits, timings))


def count_stored(patients):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from appointments.models import AppointmentRequest

    names = list(
        AppointmentRequest.objects.filter(first_name__in=patients).values_list(
            "first_name", flat=True
        )
    )
    return len(names), len(set(names))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--patients", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--pages-only", action="store_true")
    parser.add_argument("--search-term")
    parser.add_argument("--label", default="this site")
    parser.add_argument("--count-stored", action="store_true")
    args = parser.parse_args()

    results, accepted, errors = [], [], []
    threads = [
        threading.Thread(
            target=patient_thread,
            args=(
                args.url,
                args.seconds,
                args.pages_only,
                args.search_term,
                results,
                accepted,
                errors,
            ),
        )
        for _ in range(args.patients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    visits = sum(v for v, _ in results)
    steps = STEPS[:3] if args.pages_only else STEPS
    row = [args.label, str(args.patients), f"{visits / elapsed:.1f}"]
    for step in steps:
        times = sorted(t for _, timings in results for t in timings.get(step, []))
        if times:
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            row.append(f"{statistics.median(times) * 1000:.0f} / {p95 * 1000:.0f}")
        else:
            row.append("–")
    row.append(str(len(errors)))
    print(
        "| site | patients | visits/s | "
        # Pages only, the third step is whatever the search found first (a bread on bakerydemo).
        + " | ".join(
            f"{'first result' if args.pages_only and s == 'procedure' else s} p50 / p95 ms"
            for s in steps
        )
        + " | errors |"
    )
    print("| --- " * (len(steps) + 4) + "|")
    print("| " + " | ".join(row) + " |")
    if errors:
        print(f"\nfirst error: {errors[0]}")
    if args.count_stored:
        stored, distinct = count_stored(accepted)
        print(f"\nrequests accepted: {len(accepted)}, stored: {stored} ({stored - distinct} twice)")


if __name__ == "__main__":
    main()
