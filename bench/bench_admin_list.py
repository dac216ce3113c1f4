"""The front desk's appointment request list at size: 100,000 requests.

Not a test: times the Wagtail admin list (appointments/viewsets.py) through
Django's test client as a "Front desk" user (the group migration 0003 makes),
in process, on one database connection, the whole request: session and
permission checks, the filters, the search, the paginator's count, the page of
rows and its rendering. It uses the database DATABASE_URL names (SQLite when
unset) and builds the data once. Run by `bench/admin_list.sh`.

    python bench/bench_admin_list.py [--repeat 15] [--rows 100000]

The generated requests carry fake names ("Maria Patient12345") and no health
details; nothing here prints a patient field.
"""

import argparse
import datetime
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from appointments.records import REFERENCE_ALPHABET, AppointmentRequest  # noqa: E402
from conditions.models import ConditionPage  # noqa: E402
from demo.loader import DemoLoader  # noqa: E402
from locations.models import LocationPage  # noqa: E402
from procedures.models import ProcedurePage  # noqa: E402

URL = "/admin/appointment-requests/"
BATCH = 2000
Status = AppointmentRequest.Status
# How a practice's requests end up, roughly: most are scheduled or closed by now.
STATUS_WEIGHTS = {
    Status.NEW: 4,
    Status.CONTACTED: 8,
    Status.SCHEDULED: 38,
    Status.CLOSED: 32,
    Status.DECLINED: 10,
    Status.SPAM: 8,
}
FIRST_NAMES = [
    "Maria", "James", "Linda", "Robert", "Susan", "Michael", "Karen", "David",
    "Nancy", "William", "Betty", "Joseph", "Helen", "Thomas", "Sandra", "Charles",
    "Donna", "Daniel", "Carol", "Paul", "Ruth", "Mark", "Sharon", "George",
    "Laura", "Kevin", "Emily", "Brian", "Angela", "Edward",
]  # fmt: skip
INSURERS = ["", "Acme Health Gold", "Acme Health Silver", "Medicare", "Self-pay", "Harbor PPO"]


def reference(number):
    """A unique reference from the request's number, in the model's alphabet."""
    letters = []
    for _ in range(8):
        number, digit = divmod(number, len(REFERENCE_ALPHABET))
        letters.append(REFERENCE_ALPHABET[digit])
    return "".join(reversed(letters))


def build(rows):
    """The demo site (clinics, procedures, conditions), then `rows` requests over two years."""
    DemoLoader().load()
    rng = random.Random(2026)  # noqa: S311 - reproducible fake data, not a secret
    locations = list(LocationPage.objects.order_by("path"))
    reasons = list(ProcedurePage.objects.all()) + list(ConditionPage.objects.all())
    statuses, weights = zip(*STATUS_WEIGHTS.items(), strict=True)
    now = timezone.now()
    span = datetime.timedelta(days=730).total_seconds()
    created = 0
    while created < rows:
        batch = []
        for number in range(created, min(created + BATCH, rows)):
            received = now - datetime.timedelta(seconds=rng.random() * span)
            status = rng.choices(statuses, weights)[0]
            if status == Status.NEW:
                # New requests are the recent ones; older ones have been dealt with.
                received = now - datetime.timedelta(seconds=rng.random() * 5 * 86400)
            location = rng.choice(locations)
            reason = rng.choice(reasons) if rng.random() < 0.8 else None
            first = FIRST_NAMES[number % len(FIRST_NAMES)]
            changed = received + datetime.timedelta(hours=rng.random() * 72)
            batch.append(
                AppointmentRequest(
                    reference=reference(number * 7919 + 104729),
                    status=status,
                    spam_reasons="too fast" if status == Status.SPAM else "",
                    created_at=received,
                    status_changed_at=received if status == Status.NEW else min(changed, now),
                    first_name=first,
                    last_name=f"Patient{number}",
                    phone=f"+1203{number:07d}",
                    email=f"{first.lower()}.patient{number}@example.test",
                    preferred_contact=rng.choice(AppointmentRequest.ContactMethod.values),
                    patient_status=rng.choice(AppointmentRequest.PatientStatus.values),
                    location=location,
                    location_name=location.title,
                    reason=reason,
                    reason_name=reason.title if reason else "",
                    preferred_times=rng.choice(AppointmentRequest.PreferredTimes.values),
                    insurance=rng.choice(INSURERS),
                    message="",
                    consented_at=received,
                )
            )
        with transaction.atomic():
            AppointmentRequest.objects.bulk_create(batch)
        created += len(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def front_desk_user():
    user, made = get_user_model().objects.get_or_create(
        username="bench-desk", defaults={"first_name": "Fran", "last_name": "Desk"}
    )
    if made:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name="Front desk"))
    return user


def cases():
    """(label, GET parameters): the list, each filter on its own, searches, pages, sorting."""
    sample = AppointmentRequest.objects.order_by("pk")[AppointmentRequest.objects.count() * 5 // 9]
    digits = sample.phone[-10:]
    location = LocationPage.objects.order_by("path").first()
    today = timezone.localdate()
    yield "list (default: all but spam, newest first)", {}
    for status in Status:
        yield f"status={status.value}", {"status": status.value}
    yield f"location={location.slug}", {"location": location.pk}
    yield "patient_status=returning", {"patient_status": "returning"}
    yield "received: last 30 days", {"created_at_from": str(today - datetime.timedelta(days=30))}
    yield (
        "received: one month a year ago",
        {
            "created_at_from": str(today - datetime.timedelta(days=395)),
            "created_at_to": str(today - datetime.timedelta(days=365)),
        },
    )
    yield "status=new + location", {"status": "new", "location": location.pk}
    yield "search: reference", {"q": sample.reference}
    yield "search: last name", {"q": sample.last_name}
    yield "search: first and last name", {"q": f"{sample.first_name} {sample.last_name}"}
    yield "search: common first name", {"q": sample.first_name}
    # Of 100,000 requests (spam aside) "Patient555" finds 262 (names and phones), "Patient55" 3,417.
    yield "search: part of a last name (some)", {"q": sample.last_name[:-2]}
    yield "search: part of a last name (many)", {"q": sample.last_name[:-3]}
    yield "search: email", {"q": sample.email}
    yield "search: phone as typed", {"q": f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"}
    yield "search: nothing found", {"q": "Xylophone"}
    yield "page 500", {"p": 500}
    listed = AppointmentRequest.objects.exclude(status=Status.SPAM).count()
    yield "last page", {"p": (listed + 49) // 50}
    for key in ("reference", "last_name", "created_at", "location_name", "status"):
        yield f"ordering={key}", {"ordering": key}
        yield f"ordering=-{key}", {"ordering": f"-{key}"}


def timed(client, params, repeat):
    times, queries = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(URL, params)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (params, response.status_code)
        queries.append(len(captured))
    return statistics.median(times), max(times), max(queries), response


def pages(response):
    """The paginator's "Page X of Y" (50 rows a page): shows each filter took effect."""
    match = re.search(r"Page [\d,]+ of ([\d,]+)", response.content.decode())
    return match.group(1) if match else "1"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--explain", action="store_true", help="print each case's SQL plans")
    args = parser.parse_args()

    if not AppointmentRequest.objects.exists():
        started = time.perf_counter()
        build(args.rows)
        print(f"built the data in {time.perf_counter() - started:.0f} s")
    print(
        f"database: {connection.vendor}; {AppointmentRequest.objects.count():,} requests "
        f"({AppointmentRequest.objects.filter(status=Status.SPAM).count():,} spam), "
        f"{LocationPage.objects.count()} locations"
    )
    client = Client()
    client.force_login(front_desk_user())
    timed(client, {}, 2)  # warm: templates, permissions, the settings row
    print()
    print("| case | median ms | max ms | queries | pages |")
    print("| --- | ---: | ---: | ---: | ---: |")
    medians = []
    for label, params in cases():
        median, worst, queries, response = timed(client, params, args.repeat)
        medians.append(median)
        print(
            f"| {label} | {median:.1f} | {worst:.1f} | {queries} | {pages(response)} |", flush=True
        )
        if args.explain:
            explain(client, params)
    print(f"| **median of medians** | {statistics.median(medians):.1f} | | | |")
    print(f"slowest median: {max(medians):.1f} ms")


def explain(client, params):
    with CaptureQueriesContext(connection) as captured:
        client.get(URL, params)
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    for query in captured.captured_queries:
        sql = query["sql"]
        if "appointments_appointmentrequest" not in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            plan = "\n      ".join(" ".join(str(part) for part in row) for row in cursor.fetchall())
        print(f"    {sql[:300]}\n      {plan}")


if __name__ == "__main__":
    main()
