"""The "On this page" list of a long page: each section's question, without the page's title."""

from django import template

register = template.Library()

# A title after one of these words is dropped with it: "the risks for X?" -> "the risks?".
DROPPED_BEFORE_TITLE = (" for ", " to ", " of ")


@register.filter
def contents_label(heading, title):
    """The section's heading as the contents list shows it: short, since the title is above.

    "How do you prepare for Occipital Nerve Block?" -> "How do you prepare?"
    "Why is Occipital Nerve Block performed?" -> "Why is it performed?"
    """
    if not title or title not in heading:
        return heading
    before, _, after = heading.partition(title)
    if after in ("", "?"):
        for word in DROPPED_BEFORE_TITLE:
            if before.endswith(word):
                return before[: -len(word)] + after
    return f"{before}it{after}"
