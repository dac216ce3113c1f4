"""Reading a page's HTML by its structure, as a browser would, instead of with regexes.

page = soup(client.get(url))
crumbs = one(page, "nav.breadcrumb")
assert texts(crumbs.select("li")) == ["Home", "Procedures", "Lumbar Puncture"]
"""

from bs4 import BeautifulSoup


def soup(response):
    """The parsed HTML of a test client response (or of a string of HTML)."""
    html = response if isinstance(response, str | bytes) else response.content
    return BeautifulSoup(html, "html.parser")


def text(element):
    """What a reader sees of an element: its text, with each run of whitespace made one space."""
    return " ".join(element.get_text().split())


def texts(elements):
    """The text of each element, in document order."""
    return [text(element) for element in elements]


def one(parent, selector):
    """The only element matching the CSS `selector`; fails, naming it, if there is none or more."""
    found = parent.select(selector)
    assert len(found) == 1, f"expected one {selector!r}, found {len(found)}"
    return found[0]


def labelled(parent, heading_id):
    """The section (or nav, aside…) that the heading with id `heading_id` labels."""
    return one(parent, f'[aria-labelledby="{heading_id}"]')


def links(element):
    """Each link in `element` as (text, href), in document order."""
    return [(text(a), a["href"]) for a in element.select("a[href]")]
