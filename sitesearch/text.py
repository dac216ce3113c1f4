"""Words, stems and headings: how page text and queries are cut up, the same on every database.

Both sides of a search go through here: the page text when it is indexed and
the patient's query when it is searched for. Words are lower-cased and
stripped of accents, then reduced to their English Snowball stem (the
stemmer PostgreSQL's "english" configuration uses), so "injections" finds
"injection" whichever database the site runs on.
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

from practice.text import plain_text as _plain_text

# Words too common to tell pages apart; left out of the index and, unless a
# query has nothing else, out of queries.
_STOPWORDS = """
a am an and are as at be because been being but by can could did do does doing for from had
has have having he her hers him his how i if in into is it its itself just me my of on or our
ours she should so than that the their theirs them then these they this those to was we were
what when where which while who whom why will with would you your yours
"""
STOPWORDS = frozenset(_STOPWORDS.split())

WORD = re.compile(r"[^\W_]+")
HEADING = re.compile(r"<h[2-6][^>]*>(.*?)</h[2-6]>", re.IGNORECASE | re.DOTALL)

_stemmer = snowballstemmer.stemmer("english")


def fold(text):
    """Lower case without accents: "Épidural" and "epidural" are one word."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text):
    """The words of `text`, folded, in order (repeats kept)."""
    return WORD.findall(fold(text))


@lru_cache(maxsize=50_000)
def stem(word):
    return _stemmer.stemWord(word)


def content_words(text):
    """The words of `text` that are not stopwords."""
    return [word for word in words(text) if word not in STOPWORDS]


def terms(text):
    """The distinct stems of `text`, as the index stores them: " stem stem … " (spaces around each)."""
    stems = dict.fromkeys(stem(word) for word in content_words(text))
    return f" {' '.join(stems)} " if stems else ""


def has_term(field_terms, term):
    return f" {term} " in field_terms


# Rich text (HTML) or plain text as the words a reader sees: practice's one helper.
plain_text = _plain_text


def headings(value):
    """The text of the headings in a piece of rich text."""
    return [plain_text(match) for match in HEADING.findall(str(value or ""))]


def vocabulary(*texts):
    """Distinct words worth offering as spelling corrections: alphabetic, 3+ letters, no stopwords."""
    found = dict.fromkeys(
        word
        for text in texts
        for word in words(text)
        if len(word) >= 3 and word.isalpha() and word not in STOPWORDS
    )
    return f" {' '.join(found)} " if found else ""
