"""The sections of a procedure page, in reading order: defined once, here.

The page model, its template, the importer of old-site pages and the tests
all read this list. Plain Python (no Django), so the importer's parser stays
pure. A section is one question heading over one or more rich-text fields.
"""

from typing import NamedTuple


class Section(NamedTuple):
    anchor: str  # the section's id on the page: /procedures/x/#preparation
    question: str  # the heading, with {title} for the procedure's title
    fields: tuple[str, ...]  # the ProcedurePage fields shown under it


SECTIONS = (
    Section("overview", "What is {title}?", ("overview",)),
    Section("preparation", "How do you prepare for {title}?", ("preparation",)),
    Section("reasons", "Why is {title} performed?", ("reasons",)),
    Section("during", "What can you expect during {title}?", ("during",)),
    Section("follow-up", "What is the follow-up like for {title}?", ("follow_up",)),
    Section(
        "risks", "What are the potential risks for {title}?", ("common_risks", "serious_risks")
    ),
    Section("related-tests", "Are there related tests to {title}?", ("related_tests",)),
)

# The rich-text section fields of ProcedurePage, in page order.
SECTION_FIELDS = tuple(name for section in SECTIONS for name in section.fields)
