"""Rich text (HTML) as the words a reader sees: the one HTML-to-text helper.

Search indexing (sitesearch), the reading grade (reviews.readability), the
JSON-LD (practice.structured_data), the meta description and the clinical
forms' "is this section empty?" all read text through here, so they agree on
what a page says: tags gone, entities (&amp;, &#x27;) turned back into the
characters they stand for, a space where a block (paragraph, list item,
heading, line break) ends, whitespace collapsed to single spaces.
"""

from functools import lru_cache

from bs4 import BeautifulSoup

# Elements that end a line of text: a space keeps their words apart.
BLOCK_ELEMENTS = ["p", "li", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "div"]


def _plain(element):
    for block in element.find_all(BLOCK_ELEMENTS):
        block.append(" ")
    return " ".join(element.get_text().split())


def plain_text(value):
    """Rich text (or plain text, or a RichText value) on one line, as a reader reads it."""
    if not value:
        return ""
    return _plain_text(str(value))


# Parsing rich text is most of a page's JSON-LD and indexing cost, and a page's
# text only changes when it is published: the results are kept per text, in each process.
@lru_cache(maxsize=2048)
def _plain_text(html):
    return _plain(BeautifulSoup(html, "html.parser"))


def items(html):
    """The list items of rich text (or its paragraphs when it has no list), as plain text."""
    return list(_items(html or ""))


@lru_cache(maxsize=2048)
def _items(html):
    soup = BeautifulSoup(html, "html.parser")
    parts = soup.find_all("li") or soup.find_all("p")
    return tuple(t for t in (_plain(part) for part in parts) if t)
