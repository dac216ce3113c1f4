"""A page's sections, declared once: the spec every page type with sections uses.

A page type with sections (procedures, conditions, locations) subclasses
`SectionsMixin` and declares `page_sections`, a tuple of `Section`s in
reading order. Its template (components/sections.html, on_this_page.html),
the reading grade (reviews.readability), search indexing (sitesearch.index,
the headings) and the importer read that declaration, never a probe of the
page's attributes. Plain Python (no Django), so an importer's parser that
reads a spec stays pure.
"""

from functools import cached_property
from typing import NamedTuple


class Section(NamedTuple):
    anchor: str  # the section's id on the page: /procedures/x/#preparation
    question: str  # the heading; {title} stands for the page's title
    fields: tuple[str, ...]  # the page's rich-text fields shown under it, in order


def section_fields(sections):
    """The rich-text fields of a spec, in page order."""
    return tuple(name for section in sections for name in section.fields)


class SectionsMixin:
    """A page whose body is its declared sections, each under its heading."""

    page_sections: tuple[Section, ...] = ()

    @cached_property
    def sections(self):
        """The page's sections in reading order: {id, heading, body}; empty ones left out."""
        found = []
        for section in self.page_sections:
            body = "".join(self.section_body(name) for name in section.fields)
            if body:
                heading = section.question.format(title=self.title)
                found.append({"id": section.anchor, "heading": heading, "body": body})
        return found

    def section_body(self, name):
        """The HTML shown for one field of a section ("" when empty)."""
        return getattr(self, name) or ""
