"""Dates and times as patients read them in the page's language.

English keeps the site's usual forms ("December 3, 2026", "Thursday,
December 3", "9:00 AM"). Spanish writes what Spanish-speaking patients in the
US read on appointment cards and in the press: "3 de diciembre de 2026",
"jueves 3 de diciembre", and a 12-hour clock with "a. m." and "p. m." (the
RAE's spelling; a 24-hour clock is rarer in the US). Month and day names come
from Django's own translations; the language is the active one (the URL's).
Phone numbers stay in the US format in every language (practice.phone).
"""

from django.conf import settings
from django.utils import dateformat, translation
from django.utils.translation import pgettext

# Django date formats by style and language; a language not listed reads English.
DATE_FORMATS = {
    "en": {"long": "F j, Y", "short": "M jS, Y", "day": "l, F j", "month": "F Y"},
    "es": {
        "long": r"j \d\e F \d\e Y",
        "short": r"j \d\e F \d\e Y",
        "day": r"l j \d\e F",
        "month": r"F \d\e Y",
    },
}


def _formats():
    return DATE_FORMATS.get(_language(), DATE_FORMATS["en"])


# Languages that write the names of days in lower case inside a sentence ("el jueves 3").
LOWER_CASE_DAY_NAMES = {"es"}


def _language():
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def local_date(value, style="long"):
    """A date (or datetime) in the page's language: "long", "short", "day" or "month"."""
    if not value:
        return ""
    shown = dateformat.format(value, _formats()[style])
    if _language() in LOWER_CASE_DAY_NAMES:
        day_name = dateformat.format(value, "l")
        shown = shown.replace(day_name, day_name.lower())
    return shown


def clock_time(value):
    """A time of day on a 12-hour clock: "9:00 AM" in English, "9:00 a. m." in Spanish."""
    if value is None:
        return ""
    hour_and_minutes = dateformat.time_format(value, "g:i")
    half = pgettext("time of day", "AM") if value.hour < 12 else pgettext("time of day", "PM")
    return f"{hour_and_minutes} {half}"
