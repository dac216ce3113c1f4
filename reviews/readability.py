"""Reading grade of a clinical page's patient-facing text (Flesch–Kincaid, by textstat).

The page's declared sections (`practice.sections.SectionsMixin`: a list of
{id, heading, body}, empty ones left out) are what a patient reads; each is graded as plain text, and so is their whole.
The overall grade is stored on publish (`stamps.store_reading_grade`); the
per-section grades are shown in the editor, naming the sections above the
practice's target (Settings › Clinical review). The editor sees one verdict:
the Reading level panel and the Checks panel's "Readability" both show
`verdict()` (Wagtail's own score, from word and sentence length of the
preview, would disagree with the per-section grades).
"""

from decimal import Decimal
from typing import NamedTuple

from practice.sections import SectionsMixin
from practice.text import plain_text as text


class SectionGrade(NamedTuple):
    id: str
    heading: str
    grade: Decimal | None  # None: no words to grade


def declared_sections(page):
    """The page's sections as its type declares them (practice.sections); none otherwise."""
    return page.sections if isinstance(page, SectionsMixin) else []


def patient_text_sections(page):
    """(heading, plain text) of each section a patient reads; empty ones left out."""
    sections = declared_sections(page)
    return [(section["heading"], text(section["body"])) for section in sections]


def grade(plain_text):
    """The Flesch–Kincaid grade of a text, one decimal; None for no text."""
    if not plain_text.strip():
        return None
    import textstat

    return Decimal(str(round(textstat.flesch_kincaid_grade(plain_text), 1)))


def overall_grade(page):
    return grade(" ".join(body for _, body in patient_text_sections(page)))


def section_grades(page):
    """Each section's grade, in reading order."""
    sections = declared_sections(page)
    return [
        SectionGrade(section["id"], section["heading"], grade(text(section["body"])))
        for section in sections
    ]


def above_target(grades, target):
    """The sections whose grade is above `target` (a number), in reading order."""
    target = Decimal(str(target))
    return [section for section in grades if section.grade is not None and section.grade > target]


class Verdict(NamedTuple):
    label: str  # "Good", "Above target", "No text yet"
    detail: str


def verdict(grades, target):
    """The one reading-level verdict both editor panels show, from the section grades."""
    above = above_target(grades, target)
    if all(section.grade is None for section in grades):
        return Verdict("No text yet", "Add section text and save a draft.")
    if above:
        sections = "1 section reads" if len(above) == 1 else f"{len(above)} sections read"
        return Verdict("Above target", f"{sections} above grade {target}.")
    return Verdict("Good", f"Every section reads at grade {target} or below.")
