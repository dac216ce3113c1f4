"""What patients searched for, counted per day and nothing more; and the purge of old counts.

Each search adds one to Wagtail's daily hits for its normalised query
(`wagtailsearchpromotions.Query` / `QueryDailyHits`, both languages together)
and to this app's `QueryDailyOutcome` for the same day and the language of
the site searched (English, or Spanish at /es/search/), with whether it found
nothing, or nothing as typed. No IP address, session, user or time of day is
stored anywhere. A query that looks
like a phone number, an email address or a date (of birth) is not stored at
all: patients type such things into search boxes, and they identify people.

Only the site's own words are kept (`made_of_site_words`): a search is stored
when every word in it is on some live, public page (its title, summary or
text) or in an editor's synonym, a misspelling the search corrected to such
a word counting as that word; or when it is one word alone, so editors still
see what patients look for and do not find. A search that puts words the
site does not have beside others (a name beside a condition: "john smith
multiple sclerosis") is not stored at all. The privacy page says so.

Counting never writes on the request path: each process adds its searches up
in memory and writes them in one transaction every
`SEARCH_TERMS_FLUSH_SECONDS` (default 30) from a background thread, and when
a gunicorn worker exits (`deploy/gunicorn.conf.py`). A process killed outright
loses at most its last `SEARCH_TERMS_FLUSH_SECONDS` of counts; nothing else.
`SEARCH_TERMS_FLUSH_SECONDS=0` writes each search at once (the test suite).

Counts older than `SEARCH_TERMS_RETENTION_DAYS` (default 180) are removed by
`manage.py purge_search_terms`, run daily.
"""

import atexit
import datetime
import logging
import re
import threading
from collections import defaultdict

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

from sitesearch.models import QueryDailyOutcome

logger = logging.getLogger(__name__)

EMAIL = re.compile(r"\S+@\S+|\b\S+\s*(\(at\)|\[at\])\s*\S+", re.IGNORECASE)
# Seven or more digits in one run, whatever separates them: phone numbers, record and ID numbers.
LONG_NUMBER = re.compile(r"\+?\(?\d(?:[\s().\-/]*\d){6,}")
MONTHS = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATES = [
    re.compile(r"\b\d{1,4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}\b"),  # 3/14/1985, 1985-03-14
    re.compile(rf"\b{MONTHS}\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{2,4}}\b", re.IGNORECASE),
    re.compile(rf"\b\d{{1,2}}(st|nd|rd|th)?\s+(of\s+)?{MONTHS},?\s+\d{{2,4}}\b", re.IGNORECASE),
    re.compile(r"\b(dob|d\.o\.b|date of birth|birth ?date|born)\b", re.IGNORECASE),
]


def looks_personal(raw_query):
    """True for a query that looks like a phone number, an email address or a date of birth."""
    raw = raw_query or ""
    if EMAIL.search(raw) or LONG_NUMBER.search(raw):
        return True
    return any(pattern.search(raw) for pattern in DATES)


def made_of_site_words(outcome):
    """The search (a `sitesearch.engine.Outcome`) is made of the site's words, or is one word."""
    return not outcome.not_found or len(outcome.slots) == 1 and len(outcome.slots[0].words) == 1


# (query, day, language): [searches, found nothing, nothing as typed], not yet written.
_pending = defaultdict(lambda: [0, 0, 0])
_lock = threading.Lock()
_flusher = None


def record(raw_query, query, found_anything, as_typed, language=settings.LANGUAGE_CODE):
    """Count one search of `query` (cleaned) today; False when it is not kept.

    `found_anything`: the page showed results; `as_typed`: it showed pages with
    every word the patient typed, uncorrected; `language`: of the site searched.
    Written by `flush`, in batches.
    """
    if not query or looks_personal(raw_query):
        return False
    with _lock:
        counts = _pending[(query, timezone.localdate(), language)]
        counts[0] += 1
        if not as_typed:
            counts[1] += int(not found_anything)
            counts[2] += 1
    if settings.SEARCH_TERMS_FLUSH_SECONDS <= 0:
        return flush()
    _start_flusher()
    return True


def flush():
    """Write the counts kept in memory (one transaction); True when they were written."""
    with _lock:
        batch = dict(_pending)
        _pending.clear()
    if not batch:
        return True
    try:
        with transaction.atomic():
            for (query, date, language), (hits, no_results, not_as_typed) in batch.items():
                stored = Query.get(query)
                _add_hits(stored, date, hits)
                add_outcome(
                    stored,
                    date,
                    language,
                    searches=hits,
                    no_results=no_results,
                    not_as_typed=not_as_typed,
                )
    except DatabaseError:  # kept for the next flush: a search never fails for its count
        logger.warning("Search terms not counted yet; retried at the next flush", exc_info=True)
        with _lock:
            for key, counts in batch.items():
                kept = _pending[key]
                for n, value in enumerate(counts):
                    kept[n] += value
        return False
    return True


def _add_hits(query, date, hits):
    if QueryDailyHits.objects.filter(query=query, date=date).update(hits=F("hits") + hits):
        return
    try:
        with transaction.atomic():
            QueryDailyHits.objects.create(query=query, date=date, hits=hits)
    except IntegrityError:  # another process made today's row first
        QueryDailyHits.objects.filter(query=query, date=date).update(hits=F("hits") + hits)


def _flush_forever():
    event = threading.Event()
    while True:
        event.wait(settings.SEARCH_TERMS_FLUSH_SECONDS)
        try:
            flush()
        finally:
            connection.close()  # this thread's own connection


def _start_flusher():
    """One flushing thread per process, started by its first search (after gunicorn's fork)."""
    global _flusher
    if _flusher is not None and _flusher.is_alive():
        return
    with _lock:
        if _flusher is None or not _flusher.is_alive():
            _flusher = threading.Thread(target=_flush_forever, name="search-terms", daemon=True)
            _flusher.start()


atexit.register(flush)


def add_outcome(query, date, language=settings.LANGUAGE_CODE, **counts):
    changes = {name: F(name) + value for name, value in counts.items()}
    rows = QueryDailyOutcome.objects.filter(query=query, date=date, language=language)
    if rows.update(**changes):
        return
    try:
        with transaction.atomic():
            QueryDailyOutcome.objects.create(query=query, date=date, language=language, **counts)
    except IntegrityError:  # another process made today's row first
        rows.update(**changes)


def purge(today=None):
    """Delete daily counts older than the retention period, then queries left with none.

    A query an editor promoted pages for is kept (without counts).
    Returns the number of daily rows deleted.
    """
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.SEARCH_TERMS_RETENTION_DAYS)
    hits, _ = QueryDailyHits.objects.filter(date__lt=cutoff).delete()
    outcomes, _ = QueryDailyOutcome.objects.filter(date__lt=cutoff).delete()
    Query.objects.filter(daily_hits__isnull=True, editors_picks__isnull=True).delete()
    return hits + outcomes
