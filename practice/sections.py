"""A page's sections, declared once: the spec every page type with sections uses.

A page type with sections (procedures, conditions, locations) subclasses
`SectionsMixin` and declares `page_sections`, a tuple of `Section`s in
reading order. Its template (components/sections.html, on_this_page.html),
the reading grade (reviews.readability), search indexing (sitesearch.index,
the headings) and the importer read that declaration, never a probe of the
page's attributes. No models and no settings are read at import, so an
importer's parser that reads a spec stays pure: the questions are lazy
translations (`gettext_lazy`), English until a page in another language asks.

A question is translated whole, as a pattern with the page's name in it
("¿Qué es {name}?"), and the name is the page's own, in its language (the
Spanish page's "name in questions", "una punción lumbar"): never an English
sentence around a Spanish name.
"""

import re
from functools import cached_property
from typing import NamedTuple

from django.utils import translation


class Section(NamedTuple):
    anchor: str  # the section's id on the page: /procedures/x/#preparation
    question: str  # the heading; {title} (or a name the page gives, `question_names`) in it
    fields: tuple[str, ...]  # the page's rich-text fields shown under it, in order
    # The heading as "On this page" lists it ("How do you prepare?"), translated with
    # the question; None: cut from the question (`contents_label`), which knows English only.
    label: str | None = None


# Spanish joins "de" and "a" with the article "el" ("el dolor lumbar"): "los
# síntomas del dolor lumbar", never "de el". A name written "El …" (a proper
# name, "El Salvador") keeps its capital and is left as it is.
_CONTRACTIONS = {"es": (re.compile(r"\b(de|a) el\b"), {"de": "del", "a": "al"})}


def join_name(question, names, language=None):
    """The question with the page's names in it, as the language writes them."""
    heading = str(question).format(**names)
    rule = _CONTRACTIONS.get(language or translation.get_language() or "")
    if rule:
        pattern, joined = rule
        heading = pattern.sub(lambda match: joined[match.group(1)], heading)
    return heading


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

    def question_language(self):
        """The language the page is written in: its questions are asked in it, whatever
        the request's (a Spanish page indexed for search from the English admin)."""
        from practice.languages import page_language  # reads locales: not at import

        return page_language(self)

    def ask(self, question):
        """`question` (a lazy translation with {name} and the like) about this page, in its language."""
        language = self.question_language()
        with translation.override(language):
            return join_name(question, self.question_names(), language)

    @cached_property
    def sections(self):
        """The page's sections in reading order: {id, heading, label, body}; empty ones left out.

        `label` is the heading as "On this page" lists it, without the page's name.
        """
        language = self.question_language()
        found = []
        with translation.override(language):
            names = self.question_names()
            for section in self.page_sections:
                body = "".join(self.section_body(name) for name in section.fields)
                if body:
                    found.append(
                        {
                            "id": section.anchor,
                            "heading": join_name(section.question, names, language),
                            "label": str(section.label)
                            if section.label
                            else contents_label(str(section.question), names),
                            "body": body,
                        }
                    )
        return found

    def section_body(self, name):
        """The HTML shown for one field of a section ("" when empty)."""
        return getattr(self, name) or ""
