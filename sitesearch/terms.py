"""What patients searched for, counted per day and nothing more; and the purge of old counts.

Each search adds one to Wagtail's daily hits for its normalised query
(`wagtailsearchpromotions.Query` / `QueryDailyHits`) and, when it found
nothing as typed, to this app's `QueryDailyOutcome` for the same day. No IP
address, session, user or time of day is stored anywhere. A query that looks
like a phone number, an email address or a date (of birth) is not stored at
all: patients type such things into search boxes, and they identify people.

Only the site's own words are kept (`made_of_site_words`): a search is stored
when every word in it is on some live, public page (its title, summary or
text) or in an editor's synonym, a misspelling the search corrected to such
a word counting as that word; or when it is one word alone, so editors still
see what patients look for and do not find. A search that puts words the
site does not have beside others (a name beside a condition: "john smith
multiple sclerosis") is not stored at all. The privacy page says so.

Counts older than `SEARCH_TERMS_RETENTION_DAYS` (default 180) are removed by
`manage.py purge_search_terms`, run daily.
"""

import datetime
import logging
import re

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
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


def record(raw_query, query, found_anything, as_typed):
    """Count one search of `query` (cleaned) today; False when it was not stored.

    `found_anything`: the page showed results; `as_typed`: it showed pages with
    every word the patient typed, uncorrected.
    """
    if not query or looks_personal(raw_query):
        return False
    today = timezone.localdate()
    try:
        with transaction.atomic():
            stored = Query.get(query)
            stored.add_hit(date=today)
            if not as_typed:
                add_outcome(stored, today, no_results=int(not found_anything), not_as_typed=1)
    except DatabaseError:  # a search must never fail because its count could not be kept
        logger.warning("Search term not counted", exc_info=True)
        return False
    return True


def add_outcome(query, date, **counts):
    changes = {name: F(name) + value for name, value in counts.items()}
    if QueryDailyOutcome.objects.filter(query=query, date=date).update(**changes):
        return
    try:
        with transaction.atomic():
            QueryDailyOutcome.objects.create(query=query, date=date, **counts)
    except IntegrityError:  # another process made today's row first
        QueryDailyOutcome.objects.filter(query=query, date=date).update(**changes)


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
