"""The sections of a procedure page, in reading order: defined once, here.

The page model, its template, the importer of old-site pages and the tests
all read this list, through the spec every page with sections uses
(`practice.sections`). Plain Python (no Django), so the importer's parser
stays pure. A section is one question heading over one or more rich-text fields.
"""

from practice.sections import Section, section_fields

# {name}: the procedure as a question names it ("an occipital nerve block"),
# the page's `name_in_questions`, or its title when that is empty.
SECTIONS = (
    Section("overview", "What is {name}?", ("overview",)),
    Section("preparation", "How do you prepare for {name}?", ("preparation",)),
    Section("reasons", "Why is {name} performed?", ("reasons",)),
    Section("during", "What can you expect during {name}?", ("during",)),
    Section("follow-up", "What is the follow-up like for {name}?", ("follow_up",)),
    Section("risks", "What are the potential risks for {name}?", ("common_risks", "serious_risks")),
    Section("related-tests", "Are there tests related to {name}?", ("related_tests",)),
)

# The rich-text section fields of ProcedurePage, in page order.
SECTION_FIELDS = section_fields(SECTIONS)
