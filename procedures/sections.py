"""The sections of a procedure page, in reading order: defined once, here.

The page model, its template, the importer of old-site pages and the tests
all read this list, through the spec every page with sections uses
(`practice.sections`). No models read at import (the questions are lazy
translations), so the importer's parser stays pure. A section is one question
heading over one or more rich-text fields.
"""

from django.utils.translation import gettext_lazy as _

from practice.sections import Section, section_fields

# {name}: the procedure as a question names it ("an occipital nerve block",
# "una punción lumbar"), the page's `name_in_questions`, or its title when that
# is empty. Each label is the question as "On this page" lists it, under the title.
SECTIONS = (
    Section(
        "overview",
        _("What is {name}?"),
        ("overview",),
        _("What is it?"),
    ),
    Section(
        "preparation",
        _("How do you prepare for {name}?"),
        ("preparation",),
        _("How do you prepare?"),
    ),
    Section("reasons", _("Why is {name} performed?"), ("reasons",), _("Why is it performed?")),
    Section(
        "during",
        _("What can you expect during {name}?"),
        ("during",),
        _("What can you expect during it?"),
    ),
    Section(
        "follow-up",
        _("What is the follow-up like for {name}?"),
        ("follow_up",),
        _("What is the follow-up like?"),
    ),
    Section(
        "risks",
        _("What are the potential risks for {name}?"),
        ("common_risks", "serious_risks"),
        _("What are the potential risks?"),
    ),
    Section(
        "related-tests",
        _("Are there tests related to {name}?"),
        ("related_tests",),
        _("Are there tests related to it?"),
    ),
)

# The rich-text section fields of ProcedurePage, in page order.
SECTION_FIELDS = section_fields(SECTIONS)
