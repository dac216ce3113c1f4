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
    question: str  # the heading; {title} (or a name the page gives, `question_names`) in it
    fields: tuple[str, ...]  # the page's rich-text fields shown under it, in order


# Stands for the page's name while a question is cut to its "On this page" label.
_NAME = "\x00"


def contents_label(question, names):
    """The question as "On this page" lists it: short, since the page's title is above it.

    "How do you prepare for {name}?" -> "How do you prepare?"
    "Why is {name} performed?" -> "Why is it performed?"
    "Are there tests related to {name}?" -> "Are there tests related to it?"
    """
    heading = question.format(**dict.fromkeys(names, _NAME))
    for word in (" for ", " of "):
        if heading.endswith(f"{word}{_NAME}?"):
            return heading.removesuffix(f"{word}{_NAME}?") + "?"
    return heading.replace(_NAME, "it")


def section_fields(sections):
    """The rich-text fields of a spec, in page order."""
    return tuple(name for section in sections for name in section.fields)


class SectionsMixin:
    """A page whose body is its declared sections, each under its heading."""

    page_sections: tuple[Section, ...] = ()

    def question_names(self):
        """What each name in the questions stands for on this page: {"title": ...} and any more."""
        return {"title": self.title}

    @cached_property
    def sections(self):
        """The page's sections in reading order: {id, heading, label, body}; empty ones left out.

        `label` is the heading as "On this page" lists it, without the page's name.
        """
        names = self.question_names()
        found = []
        for section in self.page_sections:
            body = "".join(self.section_body(name) for name in section.fields)
            if body:
                found.append(
                    {
                        "id": section.anchor,
                        "heading": section.question.format(**names),
                        "label": contents_label(section.question, names),
                        "body": body,
                    }
                )
        return found

    def section_body(self, name):
        """The HTML shown for one field of a section ("" when empty)."""
        return getattr(self, name) or ""
