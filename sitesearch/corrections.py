"""Spelling correction against the site's own words: titles, headings and editors' synonyms.

A word is corrected to the vocabulary word fewest edits away (insertions,
deletions, substitutions and swaps of two neighbouring letters: the
Damerau-Levenshtein distance, computed by `rapidfuzz`): at most one edit for
words of up to 7 letters, two for longer ones. On a tie, the word on more
pages wins, then the one starting with the same letter, then A to Z.

Where the candidates come from differs by database, the decision does not:

- PostgreSQL: trigram word similarity (`pg_trgm`, enabled by this app's
  first migration) picks the pages whose vocabulary holds a word like the
  misspelt one; only their words are weighed.
- SQLite: every live page's vocabulary is weighed (a few thousand words,
  about a millisecond for rapidfuzz).

A page containing the best candidate always passes the trigram filter (its
similarity to the misspelt word is at least the candidate's), so both give
the same correction.
"""

from collections import Counter

from django.db import connection
from django.db.models import Value
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

# Trigram word similarity below which a page's vocabulary is not weighed (PostgreSQL).
TRIGRAM_THRESHOLD = 0.3


def max_edits(word):
    return 1 if len(word) <= 7 else 2


def vocabulary_texts(word, documents):
    """The vocabulary fields of the pages worth weighing for `word`."""
    documents = documents.exclude(vocabulary="")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramWordSimilarity

        documents = documents.annotate(
            similarity=TrigramWordSimilarity(Value(word), "vocabulary")
        ).filter(similarity__gte=TRIGRAM_THRESHOLD)
    return documents.values_list("vocabulary", flat=True)


def vocabulary(word, documents):
    """Candidate words with the number of pages (or synonyms) that use each."""
    counts = Counter()
    for words in vocabulary_texts(word, documents):
        counts.update(words.split())
    from sitesearch.engine import synonym_groups  # kept with the site's version

    for group in synonym_groups():
        for term in group:
            counts.update(part for part in term if len(part) >= 3 and part.isalpha())
    return counts


def best(word, counts):
    """The correction of `word` among `counts` (word: pages), or "" if none is close enough."""
    if not counts or word in counts:
        return ""
    limit = max_edits(word)
    close = process.extract(
        word,
        list(counts),
        scorer=DamerauLevenshtein.distance,
        score_cutoff=limit,
        limit=None,
    )
    if not close:
        return ""
    choice, *_ = min(
        close,
        key=lambda found: (found[1], -counts[found[0]], found[0][0] != word[0], found[0]),
    )
    return choice


def correct(word, documents):
    """The site's word closest to `word`, or "" when none is within reach."""
    return best(word, vocabulary(word, documents))
