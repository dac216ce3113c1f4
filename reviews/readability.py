"""Reading grade of a clinical page's patient-facing text (Flesch–Kincaid, by textstat)."""

from decimal import Decimal

from practice.structured_data import text


def patient_text_sections(page):
    """(heading, plain text) of each section a patient reads; empty ones left out."""
    sections = getattr(page, "sections", None) or []
    return [(section["heading"], text(section["body"])) for section in sections]


def grade(plain_text):
    """The Flesch–Kincaid grade of a text, one decimal; None for no text."""
    if not plain_text.strip():
        return None
    import textstat

    return Decimal(str(round(textstat.flesch_kincaid_grade(plain_text), 1)))


def overall_grade(page):
    return grade(" ".join(body for _, body in patient_text_sections(page)))
