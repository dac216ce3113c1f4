"""Words, stems and headings: how page text and queries are cut up, the same on every database.

Both sides of a search go through here: the page text when it is indexed and
the patient's query when it is searched for, each in its own language (a
page's locale; the language of the search's URL). Words are lower-cased and
stripped of accents, then reduced to their Snowball stem in that language
(the stemmers PostgreSQL's "english" and "spanish" configurations use), so
"injections" finds "injection" and "bloqueos" finds "bloqueo", whichever
database the site runs on. Stripping accents first means a patient who types
"puncion" or "migrana" (no accent, no tilde, as on an English keyboard) finds
"punción" and "migraña".
"""

import re
import threading
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
# Snowball's Spanish stop words (the list PostgreSQL's "spanish" configuration reads),
# without their accents as every word here is, and without the forms of "haber", "ser",
# "estar" and "tener" past the present tense.
_SPANISH_STOPWORDS = """
a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante
e el ella ellas ellos en entre era eras eramos eran es esa esas ese eso esos esta estas este
esto estos esta estamos estan estoy estas estar fue fueron fui ha han has hay he hemos hasta
la las le les lo los mas me mi mia mias mio mios mis mucho muchos muy nada ni no nos nosotras
nosotros nuestra nuestras nuestro nuestros o os otra otras otro otros para pero poco por porque
que quien quienes se sea sean ser si sin sobre sois somos son soy su sus suya suyas suyo suyos
tambien tanto te tenemos tener tengo tiene tienen tienes ti todo todos tu tus tuya tuyas tuyo
tuyos un una uno unos vosotras vosotros vuestra vuestras vuestro vuestros y ya yo
"""
STOPWORDS_BY_LANGUAGE = {
    "en": STOPWORDS,
    "es": frozenset(_SPANISH_STOPWORDS.split()),
}
SNOWBALL_NAMES = {"en": "english", "es": "spanish"}
DEFAULT_LANGUAGE = "en"

WORD = re.compile(r"[^\W_]+")
HEADING = re.compile(r"<h[2-6][^>]*>(.*?)</h[2-6]>", re.IGNORECASE | re.DOTALL)

# A stemmer keeps the word it works on in itself: one per thread and language.
_stemmers = threading.local()


def language_of(code):
    """The language whose stemmer and stop words read `code` ("es", "es-mx"); English otherwise."""
    language = (code or "").split("-")[0].lower()
    return language if language in SNOWBALL_NAMES else DEFAULT_LANGUAGE


def stopwords(language=DEFAULT_LANGUAGE):
    return STOPWORDS_BY_LANGUAGE[language_of(language)]


def _stemmer(language):
    found = getattr(_stemmers, language, None)
    if found is None:
        found = snowballstemmer.stemmer(SNOWBALL_NAMES[language])
        setattr(_stemmers, language, found)
    return found


def fold(text):
    """Lower case without accents: "Épidural" and "epidural" are one word."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text):
    """The words of `text`, folded, in order (repeats kept)."""
    return WORD.findall(fold(text))


@lru_cache(maxsize=50_000)
def stem(word, language=DEFAULT_LANGUAGE):
    language = language_of(language)
    return _stemmer(language).stemWord(word)


def content_words(text, language=DEFAULT_LANGUAGE):
    """The words of `text` that are not stopwords in `language`."""
    common = stopwords(language)
    return [word for word in words(text) if word not in common]


def terms(text, language=DEFAULT_LANGUAGE):
    """The distinct stems of `text`, as the index stores them: " stem stem … " (spaces around each)."""
    stems = dict.fromkeys(stem(word, language) for word in content_words(text, language))
    return f" {' '.join(stems)} " if stems else ""


def has_term(field_terms, term):
    return f" {term} " in field_terms


# Rich text (HTML) or plain text as the words a reader sees: practice's one helper.
plain_text = _plain_text


def headings(value):
    """The text of the headings in a piece of rich text."""
    return [plain_text(match) for match in HEADING.findall(str(value or ""))]


def vocabulary(*texts, language=DEFAULT_LANGUAGE):
    """Distinct words worth offering as spelling corrections: alphabetic, 3+ letters, no stopwords."""
    common = stopwords(language)
    found = dict.fromkeys(
        word
        for text in texts
        for word in words(text)
        if len(word) >= 3 and word.isalpha() and word not in common
    )
    return f" {' '.join(found)} " if found else ""
