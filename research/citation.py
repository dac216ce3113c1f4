"""One citation style, AMA (11th edition), for journal articles: our own few lines.

citeproc-py would need the AMA CSL style file shipped with the site, lxml, and
CSL-JSON built from our fields, to print one kind of reference; the rules we
use fit here: up to six authors, else the first three and "et al."; the
article title; the journal's abbreviation in italics; year;volume(issue):pages;
then the DOI as "doi:10.…".
"""

from django.utils.html import format_html
from django.utils.safestring import mark_safe

MAX_AUTHORS = 6
SHOWN_WHEN_MORE = 3


def author_list(authors):
    if len(authors) > MAX_AUTHORS:
        return ", ".join(authors[:SHOWN_WHEN_MORE]) + ", et al"
    return ", ".join(authors)


def _end(text):
    """A sentence ends with one full stop, not two (a title ending in "?" keeps it)."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def locator(year, volume, issue, pages):
    """ "2021;45(3):123-130", "2021;45:e12", "2021"."""
    text = str(year or "")
    if volume:
        text += f";{volume}"
        if issue:
            text += f"({issue})"
    if pages:
        text += f":{pages}"
    return text


def parts(publication):
    """(authors, title, journal, locator, doi) as AMA prints them; empty parts as ""."""
    authors = publication.author_names
    return (
        _end(author_list(authors)) if authors else "",
        _end(publication.title) if publication.title else "",
        publication.journal_abbreviation or publication.journal,
        locator(publication.year, publication.volume, publication.issue, publication.pages),
        f"doi:{publication.doi}" if publication.doi else "",
    )


def ama_text(publication):
    authors, title, journal, where, doi = parts(publication)
    words = [authors, title, _end(journal) if journal else "", _end(where) if where else "", doi]
    return " ".join(word for word in words if word)


def ama_html(publication):
    """The same, with the journal in italics, escaped for a page."""
    authors, title, journal, where, doi = parts(publication)
    pieces = []
    if authors:
        pieces.append(format_html("{}", authors))
    if title:
        pieces.append(format_html('<span class="citation__title">{}</span>', title))
    if journal:
        pieces.append(format_html("<i>{}</i>.", journal.rstrip(".")))
    if where:
        pieces.append(format_html("{}", _end(where)))
    if doi:
        pieces.append(format_html("{}", doi))
    return mark_safe(" ".join(pieces))  # noqa: S308 (each piece escaped by format_html)
