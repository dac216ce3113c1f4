"""Spelling correction against the site's own words: titles, headings and editors' synonyms.

A word is corrected to the vocabulary word fewest edits away (insertions,
deletions, substitutions and swaps of two neighbouring letters: the
Damerau-Levenshtein distance, computed by `rapidfuzz`): at most one edit for
words of up to 7 letters, two for longer ones. On a tie, the word on more
pages wins, then the one starting with the same letter, then A to Z.

The candidates are the words of every live, public page's vocabulary and of
the editors' synonyms, counted once and kept in the shared cache under the
site's version and the index's (`sitesearch.index.index_version`): a
correction reads no table, on SQLite and PostgreSQL alike, and both give the
same correction. A few thousand words: about a millisecond for rapidfuzz.
"""

from collections import Counter

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from pagecache import versions
from sitesearch.index import index_version


def max_edits(word):
    return 1 if len(word) <= 7 else 2


def count_vocabulary(documents):
    """Candidate words with the number of pages (or synonyms) that use each."""
    counts = Counter()
    for words in documents.exclude(vocabulary="").values_list("vocabulary", flat=True):
        counts.update(words.split())
    from sitesearch.engine import synonym_groups  # kept with the site's version

    for group in synonym_groups():
        for term in group:
            counts.update(part for part in term if len(part) >= 3 and part.isalpha())
    return counts


def vocabulary(documents):
    """`count_vocabulary` of the searchable documents, kept until a page or synonym changes.

    `documents` are the same for every visitor (live pages without a view
    restriction; publishing, unpublishing and restrictions move the site's
    version, indexing moves the index's).
    """
    return versions.per_site_version(
        f"vocabulary:{index_version()}", "all", lambda: count_vocabulary(documents)
    )


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
    return best(word, vocabulary(documents))
