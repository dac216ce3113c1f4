"""The site search: which pages match a patient's words, and in what order.

One pipeline, the same on SQLite and PostgreSQL:

0. Everything is in the language of the search's URL (`current_language`:
   /es/search/ is Spanish): its stemmer and stop words (`sitesearch.text`),
   its editors' synonyms, and only pages written in it (`in_language`), so a
   Spanish search lists Spanish pages and never an English page as if it
   were one.
1. The query's words become **slots**, one per word; a run of words that is
   one of the editors' synonyms ("spinal tap") becomes one slot that any of
   its equivalents ("lumbar puncture") fills.
2. One query on `SearchDocument` (the site's own index, `sitesearch.index`)
   fetches every live, public page that fills every slot, with where it
   fills each (title, summary or sections). Only when no page fills them all
   (and there are several) does a second query fetch the pages that fill any
   slot: at size, "knee pain" reads the 263 pages with both words, not the
   1,304 with "pain". On PostgreSQL a GIN index over every term of a
   document (migration 0005) names the documents with the words first, so
   the match reads those only; SQLite reads every searchable document.
3. A word that fills no slot on any page is corrected against the site's
   vocabulary (`sitesearch.corrections`), unless the patient asked for their
   words exactly; a word that matches is never corrected.
4. Pages that fill every slot are the results; when none does, the pages
   that fill most of them, each saying which words it lacks.
5. Results are ranked by `rank_key`: in Python, so both databases give one order.
6. The outcome is kept under the index's and the site's versions (`search`).
"""

import hashlib
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, IntegerField
from django.db.models.expressions import RawSQL
from django.utils import translation
from wagtail.models import Locale, Page

from pagecache import versions
from practice.navigation import public
from sitesearch import terms, text
from sitesearch.corrections import correct
from sitesearch.index import index_version
from sitesearch.models import SearchDocument, Synonym

# Where a slot was found on a page, best first.
TITLE, SUMMARY, SECTIONS, NOWHERE = 3, 2, 1, 0
# Longer words than this are not corrected (nobody misspells a 30-letter word into a real one).
MAX_CORRECTED_LENGTH = 30
MIN_CORRECTED_LENGTH = 4
# Outcomes kept in the shared cache (`search`); False reads the index every time (the
# benchmark's "first search of its words").
KEEP_OUTCOMES = True
TERM_FIELDS = ("title_terms", "summary_terms", "section_terms")


def column(field_name):
    """A column of the search documents, as the queries on them name it."""
    quote = connection.ops.quote_name
    return f"{quote(SearchDocument._meta.db_table)}.{quote(field_name)}"


def every_term():
    """PostgreSQL: every term of a document as an array, the expression its GIN index is
    built on (sitesearch/migrations/0005): the same function of the same columns, or the
    planner cannot use the index."""
    return f"sitesearch_every_term({', '.join(column(name) for name in TERM_FIELDS)})"


@dataclass(frozen=True)
class Slot:
    """One thing the patient asked for: a word, or a phrase editors gave synonyms for."""

    words: tuple[str, ...]  # as typed (folded)
    alternatives: tuple[tuple[str, ...], ...]  # each a tuple of stems that must all be present
    synonym: bool = False

    @property
    def label(self):
        return " ".join(self.words)

    # The conditions below are SQL, with the stems as parameters: built with the ORM's
    # expressions (a Case, a When, a StrIndex per stem, per field, per slot), compiling them
    # took longer than running the query.

    def sql_in(self, field_name):
        """(SQL, parameters): `field_name` holds every stem of some alternative.

        `instr`/`strpos` rather than `LIKE '% stem %'`: the same answer (terms and
        stems are lower case), in about half the time on PostgreSQL.
        """
        position = "strpos" if connection.vendor == "postgresql" else "instr"
        where, params = [], []
        for stems in self.alternatives:
            where.append(" AND ".join(f"{position}({column(field_name)}, %s) > 0" for _ in stems))
            params += [f" {stem} " for stem in stems]
        return "(" + " OR ".join(f"({one})" for one in where) + ")", params

    def sql_anywhere(self):
        """(SQL, parameters): the document fills the slot in one of its fields.

        On PostgreSQL with, first, that its terms hold the stems of some
        alternative, answered by the GIN index over them (migration 0005), so
        the match looks at those documents only instead of every searchable
        page. Never more than the match: the index asks that the stems be among
        the document's terms, the match that they be in one field together, so
        the pages found are the same on both databases.
        """
        where, params = self.sql_match()
        if connection.vendor != "postgresql":
            return where, params
        indexed, stems = self.sql_indexed()
        return f"({indexed} AND {where})", stems + params

    def sql_match(self):
        """(SQL, parameters): some field of the document holds every stem of an alternative."""
        parts = [self.sql_in(name) for name in TERM_FIELDS]
        return (
            "(" + " OR ".join(sql for sql, _ in parts) + ")",
            [param for _, more in parts for param in more],
        )

    def stems(self):
        """Every stem of every alternative, once each."""
        return list(dict.fromkeys(stem for stems in self.alternatives for stem in stems))

    def sql_indexed(self):
        """(SQL, parameters), PostgreSQL: the document's terms hold a stem of the slot, in
        any of its fields: what the GIN index answers (`&&`, overlap). Only ever more
        documents than the match (which needs every stem of an alternative, in one field),
        never fewer; one call of the terms' function per document, however many
        alternatives."""
        return f"{every_term()} && %s::text[]", [self.stems()]

    def sql_place(self):
        """(SQL, parameters): where the document fills the slot first: TITLE, SUMMARY,
        SECTIONS or NOWHERE."""
        title, summary, sections = (self.sql_in(name) for name in TERM_FIELDS)
        return (
            f"CASE WHEN {title[0]} THEN {TITLE} WHEN {summary[0]} THEN {SUMMARY}"
            f" WHEN {sections[0]} THEN {SECTIONS} ELSE {NOWHERE} END",
            title[1] + summary[1] + sections[1],
        )


def current_language():
    """The language searched: the URL's (/es/search/ Spanish), read by the stemmer and stop words."""
    return text.language_of(translation.get_language())


def word_slot(word, language=text.DEFAULT_LANGUAGE):
    return Slot(words=(word,), alternatives=((text.stem(word, language),),))


def synonym_groups():
    """Each synonym as a list of terms, each term the tuple of its words.

    Kept with the site's version and the index's (saving a synonym moves the
    latter): one cache read per search, not a query. Only the synonyms of the
    language searched (the kept copy is per language too).
    """

    def build():
        return [
            [tuple(term.split()) for term in synonym.term_list()]
            for synonym in Synonym.objects.filter(language=current_language()).only("terms")
        ]

    return versions.per_site_version(f"synonyms:{index_version()}", "all", build)


def term_stems(words, language=text.DEFAULT_LANGUAGE):
    common = text.stopwords(language)
    return tuple(dict.fromkeys(text.stem(word, language) for word in words if word not in common))


def make_slots(words, groups, language=text.DEFAULT_LANGUAGE):
    """The slots of a query: synonyms' phrases first (longest), then single words.

    Stopwords (of the language searched) are left out (the index has none),
    unless the query has nothing else.
    """
    common = text.stopwords(language)
    by_stems = {}
    for group in groups:
        alternatives = tuple(
            stems for stems in (term_stems(term, language) for term in group) if stems
        )
        for term in group:
            stems = tuple(text.stem(word, language) for word in term)
            if stems and len(alternatives) > 1:
                by_stems.setdefault(stems, alternatives)
    longest = max((len(stems) for stems in by_stems), default=0)
    query_stems = [text.stem(word, language) for word in words]
    slots, i = [], 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            alternatives = by_stems.get(tuple(query_stems[i : i + size]))
            if alternatives:
                slots.append(Slot(tuple(words[i : i + size]), alternatives, synonym=True))
                i += size
                break
        else:
            if words[i] not in common:
                slots.append(word_slot(words[i], language))
            i += 1
    if not slots and words:
        slots = [word_slot(word, language) for word in dict.fromkeys(words)]
    return slots


@dataclass
class Hit:
    page_id: int
    title: str
    clinical: bool
    title_terms: str
    found: list  # per slot: TITLE, SUMMARY, SECTIONS or NOWHERE
    missing: list = field(default_factory=list)  # labels of the slots it lacks

    @property
    def matched(self):
        return len(self.found) - self.found.count(NOWHERE)


def rank_key(hit, slots):
    """The order of results: one function for every database.

    1. more of the query's words found (only differs for partial matches);
    2. more words found in the title, then in the summary (the rest are in sections);
    3. procedures and conditions before information pages;
    4. the title that is most nearly the query ("Botox Injections" before
       "Botox for Cervical Dystonia" for "botox"), then the shorter title;
    5. A to Z, then the page's id, so equal pages keep one order.
    """
    found = hit.found
    in_title_slots = found.count(TITLE)
    coverage = 0
    if in_title_slots:  # else no stem of the query is in the title: 0, without reading it
        title_stems = hit.title_terms.split()
        in_title = {
            stem
            for slot, where in zip(slots, found, strict=True)
            if where == TITLE
            for stems in slot.alternatives
            for stem in stems
            if stem in title_stems
        }
        coverage = len(in_title) / len(title_stems) if title_stems else 0
    return (
        found.count(NOWHERE) - len(found),  # -matched
        -in_title_slots,
        -found.count(SUMMARY),
        0 if hit.clinical else 1,
        -coverage,
        len(hit.title),
        hit.title.casefold(),
        hit.page_id,
    )


def searchable_documents(request=None):
    """Documents of live pages that no view restriction hides, in the language searched.

    The language by its locales' ids, not a join on the locales: PostgreSQL
    never gathers statistics on a table of two rows (autovacuum waits for 50
    changes), and without them it guessed a handful of pages and read every
    document page by page instead of the few its GIN index names (90 ms
    against 3 at 1,300 pages).
    """
    pages = public(
        Page.objects.live().filter(depth__gt=1, locale_id__in=language_locale_ids()), request
    )
    return SearchDocument.objects.filter(page__in=pages.values("pk"))


def language_locale_ids():
    """The ids of the locales of the request's language (one, unless a site has "es" and "es-mx")."""
    language = translation.get_language()
    return versions.per_site_version(
        "search-locales",
        "all",
        lambda: list(Locale.objects.filter(language_code=language).values_list("pk", flat=True)),
    )


def in_language(pages):
    """The pages written in the request's language: an English search lists English pages."""
    return pages.filter(locale__language_code=translation.get_language())


def fetch_hits(slots, documents):
    """The documents that fill every slot, with where they fill each (one query); when
    none does, those that fill at least one (a second query, for several slots only).

    The same pages `search` shows either way: pages with every word when there
    are any, else the pages with most of them.
    """
    if not slots:
        return []
    conditions = [slot.sql_anywhere() for slot in slots]
    every = (
        " AND ".join(sql for sql, _ in conditions),
        [param for _, params in conditions for param in params],
    )
    hits = documents_filling(slots, documents, every)
    if hits or len(slots) == 1:
        return hits
    return documents_filling(slots, documents, any_slot(slots))


def any_slot(slots):
    """(SQL, parameters): the document fills at least one slot.

    On PostgreSQL, as the index's condition for any of the slots' stems and
    the match for any slot (not, slot by slot, the one and the other: the same
    documents, since a match implies the index's condition, but this form is
    one call of the terms' function per document, and read through the index).
    """
    parts = [slot.sql_match() for slot in slots]
    where = "(" + " OR ".join(sql for sql, _ in parts) + ")"
    params = [param for _, more in parts for param in more]
    if connection.vendor != "postgresql":
        return where, params
    stems = list(dict.fromkeys(stem for slot in slots for stem in slot.stems()))
    return f"({every_term()} && %s::text[] AND {where})", [stems, *params]


def documents_filling(slots, documents, condition):
    """The documents matching `condition` (SQL, parameters), with where each fills each slot.

    Where is read in the query (TITLE, SUMMARY, SECTIONS or NOWHERE for each
    slot, the first field that has it, with the same `instr` / `strpos` match
    as the condition): a common word is on a thousand pages at size, and
    matching it in Python page by page took longer than the query.
    """
    places = {}
    for n, slot in enumerate(slots):
        sql, params = slot.sql_place()
        places[f"s{n}"] = RawSQL(sql, params, output_field=IntegerField())  # noqa: S611 - stems are parameters
    where, params = condition
    rows = (
        documents.filter(RawSQL(where, params, output_field=BooleanField()))  # noqa: S611 - as above
        .annotate(**places)
        .values_list("page_id", "page__title", "clinical", "title_terms", *places)
    )
    return [
        Hit(page_id, title, clinical, title_terms, found)
        for page_id, title, clinical, title_terms, *found in rows
    ]


@dataclass
class Outcome:
    """What a search found, and what the results page says about it."""

    query: str
    slots: list
    hits: list  # ranked
    partial: bool = False  # no page has every word: `hits` have most of them
    not_found: list = field(default_factory=list)  # words on no page at all
    corrections: dict = field(default_factory=dict)  # misspelt word: the site's word

    @property
    def corrected_query(self):
        """The query with its corrections, as the patient would have typed it."""
        if not self.corrections:
            return ""
        return " ".join(self.corrections.get(word, word) for word in text.words(self.query))

    @property
    def as_typed(self):
        """The pages shown have every word the patient typed, unchanged."""
        return bool(self.hits) and not self.partial and not self.corrections


def found_anywhere(slots, hits):
    found = {n for hit in hits for n, where in enumerate(hit.found) if where}
    return [n in found for n in range(len(slots))]


def corrections_for(slots, hits, documents, language=text.DEFAULT_LANGUAGE):
    """A correction for each single word that no page has (and that could be a misspelling).

    Against the vocabulary of the pages searched (`documents`: one language's).
    """
    common = text.stopwords(language)
    fixes = {}
    for slot, found in zip(slots, found_anywhere(slots, hits), strict=True):
        word = slot.label
        if (
            found
            or slot.synonym
            or word in common
            or not word.isalpha()
            or not MIN_CORRECTED_LENGTH <= len(word) <= MAX_CORRECTED_LENGTH
        ):
            continue
        better = correct(word, documents)
        if better:
            fixes[word] = better
    return fixes


def search(query, request=None, exact=False):
    """Search the site for `query` (already cleaned): the ranked `Outcome`.

    `exact`: the patient asked for their own words ("search instead for"): no
    spelling correction.

    Kept in the shared cache under the index's version and the site's (and per
    language, `versions.per_site_version`), so the same search again, or its
    next page, reads no table: a page indexed again (published, renamed,
    unpublished, deleted: `sitesearch.index.bump_version`), a synonym or a
    promotion saved, or any purge of the whole site (a page unpublished, moved
    or made private: never served from before) makes it searched anew. Only
    an outcome the search-term counts would keep too is kept (the site's own
    words, or one word alone, and nothing that looks like a phone number, an
    email or a date: `sitesearch.terms`); any other is searched every time and
    the cache holds only that there is nothing to keep under that key.
    """
    if not KEEP_OUTCOMES:
        return find(query, request, exact)
    found = None

    def build():
        nonlocal found
        found = find(query, request, exact)
        if terms.looks_personal(query) or not terms.made_of_site_words(found):
            return None
        return found

    digest = hashlib.sha256(f"{int(bool(exact))}:{query}".encode()).hexdigest()[:32]
    kept = versions.per_site_version(f"search:{index_version()}:{digest}", "all", build)
    return kept or found or find(query, request, exact)


def find(query, request=None, exact=False):
    """`search`, read from the index every time."""
    language = current_language()
    words = text.words(query)
    groups = synonym_groups()
    documents = searchable_documents(request)
    slots = make_slots(words, groups, language)
    hits = fetch_hits(slots, documents)

    fixes = {} if exact else corrections_for(slots, hits, documents, language)
    while fixes:
        # The corrected words are read again: "spinal tapp" becomes the synonym "spinal tap".
        fixed_slots = make_slots([fixes.get(word, word) for word in words], groups, language)
        fixed_hits = fetch_hits(fixed_slots, documents)
        found = found_anywhere(fixed_slots, fixed_hits)
        # A correction that found nothing after all is no correction.
        failed = {
            wrong
            for wrong, right in fixes.items()
            for slot, ok in zip(fixed_slots, found, strict=True)
            if not ok and right in slot.words
        }
        if not failed:
            slots, hits = fixed_slots, fixed_hits
            break
        fixes = {wrong: right for wrong, right in fixes.items() if wrong not in failed}

    found = found_anywhere(slots, hits)
    not_found = [slot.label for slot, ok in zip(slots, found, strict=True) if not ok]
    complete = [hit for hit in hits if hit.matched == len(slots)]
    partial = bool(hits) and not complete
    shown = complete or hits
    for hit in shown:
        hit.missing = [
            slot.label for slot, where in zip(slots, hit.found, strict=True) if not where
        ]
    shown.sort(key=lambda hit: rank_key(hit, slots))
    return Outcome(
        query=query,
        slots=slots,
        hits=shown,
        partial=partial,
        not_found=not_found,
        corrections=fixes,
    )
