"""Post many valid appointment requests at a running site and check none is lost.

Usage (the site must run with APPOINTMENT_RATE_LIMIT=0 and
APPOINTMENT_MIN_FILL_SECONDS=0, and this script needs the same DATABASE_URL
to count what was stored):

    python bench/bench_appointments.py --url http://127.0.0.1:8765 --requests 2000 --clients 20

Each client keeps one HTTP connection, reads the form once (CSRF cookie and
token, a location, a reason) and then posts; a post counts as accepted when it
is answered by the redirect to the thank-you page. Every request carries a
unique name, so the check can tell a lost request from one stored twice.
"""

import argparse
import http.client
import os
import re
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
FORM_PATH = "/request-appointment/"


def read_form(conn, host):
    conn.request("GET", FORM_PATH, headers={"Host": host})
    response = conn.getresponse()
    html = response.read().decode()
    if response.status != 200:
        raise SystemExit(f"GET {FORM_PATH} answered {response.status}")
    cookie = next(
        value.split(";")[0]
        for name, value in response.getheaders()
        if name.lower() == "set-cookie" and value.startswith("csrftoken=")
    )

    def hidden(name):
        return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)

    return {
        "cookie": cookie,
        "csrfmiddlewaretoken": hidden("csrfmiddlewaretoken"),
        "started": hidden("started"),
        "location": re.search(r'name="location" value="(\d+)"', html).group(1),
        "reason": re.search(r'<option value="(\d+)"', html).group(1),
    }


def client(index, count, url, run_id, results, lock):
    parts = urlsplit(url)
    host = parts.netloc
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
    form = read_form(conn, host)
    accepted = failed = 0
    latencies = []
    for number in range(count):
        body = urlencode(
            {
                "csrfmiddlewaretoken": form["csrfmiddlewaretoken"],
                "started": form["started"],
                "first_name": f"b{index}n{number}",
                "last_name": f"Bench-{run_id}",
                "phone": "(203) 555-0142",
                "email": f"bench{index}.{number}@example.test",
                "preferred_contact": "phone",
                "patient_status": "new",
                "location": form["location"],
                "reason": form["reason"],
                "preferred_times": "any",
                "consent": "on",
                "website": "",
            }
        )
        headers = {
            "Host": host,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": form["cookie"],
            "Referer": url + FORM_PATH,
        }
        began = time.perf_counter()
        try:
            conn.request("POST", FORM_PATH, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == 302 and "/thanks/" in (response.getheader("Location") or "")
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
        latencies.append(time.perf_counter() - began)
        if ok:
            accepted += 1
        else:
            failed += 1
    with lock:
        results["accepted"] += accepted
        results["failed"] += failed
        results["latencies"].extend(latencies)


def stored_counts(run_id):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from django.db.models import Count

    from appointments.models import AppointmentRequest

    rows = AppointmentRequest.objects.filter(last_name=f"Bench-{run_id}")
    total = rows.count()
    distinct = rows.values("first_name").distinct().count()
    duplicated = rows.values("first_name").annotate(n=Count("id")).filter(n__gt=1).count()
    spam = rows.filter(status="spam").count()
    return total, distinct, duplicated, spam


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8765")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()

    run_id = uuid.uuid4().hex[:8]
    per_client = [args.requests // args.clients] * args.clients
    for extra in range(args.requests % args.clients):
        per_client[extra] += 1
    results = {"accepted": 0, "failed": 0, "latencies": []}
    lock = threading.Lock()
    threads = [
        threading.Thread(target=client, args=(i, n, args.url, run_id, results, lock))
        for i, n in enumerate(per_client)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began

    total, distinct, duplicated, spam = stored_counts(run_id)
    latencies = sorted(results["latencies"])

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    print(f"posted:    {args.requests} from {args.clients} concurrent clients in {elapsed:.1f} s")
    print(f"rate:      {args.requests / elapsed:.1f} requests/s")
    print(f"latency:   p50 {pct(0.5):.0f} ms, p95 {pct(0.95):.0f} ms, p99 {pct(0.99):.0f} ms")
    print(f"accepted:  {results['accepted']}  failed: {results['failed']}")
    print(f"stored:    {total} (distinct {distinct}, stored twice {duplicated}, as spam {spam})")
    ok = total == results["accepted"] == distinct and duplicated == 0 and spam == 0
    print("check:     " + ("OK, stored == accepted" if ok else "MISMATCH"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
