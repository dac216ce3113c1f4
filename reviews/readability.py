"""Reading level of a clinical page's patient-facing text, by textstat, in the page's language.

English pages are graded with the Flesch–Kincaid grade (a US school grade:
lower is easier); Spanish pages with the Szigriszt-Pazos perspicuity index,
read on the INFLESZ scale (0 to 100: higher is easier), which Barrio-Cantalejo
and others validated on Spanish texts written for patients (2008). Each
language has its own target in Settings › Clinical review: an English grade
not to exceed (8), a Spanish score to reach (55, "normal" on INFLESZ:
secondary-school reading, about where grade 8 is in English). `Scale` says
which way each one goes, so the panels never compare a score with a grade.

textstat's own module-level functions read one language set for the whole
process (`textstat.set_lang`), which two editors grading pages in two
languages on two threads would race on; this module calls textstat's
per-language functions (`textstat.backend.metrics`, language as an argument)
and never sets it. Spanish syllables come from pyphen's Spanish dictionary,
shipped with pyphen: nothing is downloaded.

The page's declared sections (`practice.sections.SectionsMixin`: a list of
{id, heading, body}, empty ones left out) are what a patient reads; each is
graded as plain text, and so is their whole. The overall figure is stored on
publish (`stamps.store_reading_grade`), on the page's own scale; the
per-section figures are shown in the editor, naming the sections that miss
the target. The editor sees one verdict: the Reading level panel and the
Checks panel's "Readability" both show `verdict()` (Wagtail's own score, from
word and sentence length of the preview, would disagree with the sections).
"""

from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from textstat.backend import metrics

from practice.sections import SectionsMixin
from practice.text import plain_text as text


class Scale(NamedTuple):
    """How a language's text is scored, and how the editor's panels word it."""

    language: str
    formula: str
    unit: str  # "grade 8", "score 55"
    higher_is_easier: bool
    target_field: str  # on reviews.models.ClinicalReviewSettings
    explained: str  # one sentence for editors: what the figure is and where the target lies

    def score(self, plain_text):
        if self.higher_is_easier:
            return metrics.szigriszt_pazos(plain_text, "es")
        return metrics.flesch_kincaid_grade(plain_text, "en_US")

    def misses(self, figure, target):
        """The figure is on the hard side of the target."""
        return figure < target if self.higher_is_easier else figure > target

    def target_of(self, review_settings):
        return getattr(review_settings, self.target_field)

    def shown(self, figure):
        """A stored figure in its own terms: "Grade 9.0", "INFLESZ 62.0 (normal)"; "" for none."""
        if figure is None:
            return ""
        if self.higher_is_easier:
            return f"INFLESZ {figure} ({inflesz_band(figure)})"
        return f"Grade {figure}"


ENGLISH = Scale(
    language="en",
    formula="Flesch–Kincaid grade",
    unit="grade",
    higher_is_easier=False,
    target_field="reading_grade_target",
    explained="Flesch–Kincaid grade of the text patients read (a US school grade: lower is "
    "easier); the target is grade {target} or below",
)
SPANISH = Scale(
    language="es",
    formula="Szigriszt-Pazos score",
    unit="score",
    higher_is_easier=True,
    target_field="spanish_reading_target",
    explained="Spanish page: Szigriszt-Pazos score of the text patients read, on the INFLESZ "
    "scale made for Spanish health texts (0 to 100: higher is easier; 55 to 65 is “normal”, "
    "secondary-school reading, about grade 8 in English); the target is a score of {target} "
    "or more",
)
SCALES = {scale.language: scale for scale in (ENGLISH, SPANISH)}

# The INFLESZ scale's bands (Barrio-Cantalejo et al., 2008), by their lowest score, named
# as the scale names them (the settings' help and the editor's panel quote them so).
INFLESZ_BANDS = (
    (80, "muy fácil"),
    (65, "bastante fácil"),
    (55, "normal"),
    (40, "algo difícil"),
    (0, "muy difícil"),
)


def inflesz_band(score):
    """The INFLESZ band of a Szigriszt-Pazos score: 62 is "normal", 48 "algo difícil"."""
    return next((name for lowest, name in INFLESZ_BANDS if score >= lowest), "muy difícil")


def page_language(page):
    """The language a page is written in (its locale); the site's default for a page not yet saved."""
    if getattr(page, "locale_id", None):
        return page.locale.language_code
    return settings.LANGUAGE_CODE


def scale_for(page):
    return SCALES.get(page_language(page), ENGLISH)


class SectionGrade(NamedTuple):
    id: str
    heading: str
    grade: Decimal | None  # None: no words to grade. On the page's scale.


def declared_sections(page):
    """The page's sections as its type declares them (practice.sections); none otherwise."""
    return page.sections if isinstance(page, SectionsMixin) else []


def patient_text_sections(page):
    """(heading, plain text) of each section a patient reads; empty ones left out."""
    sections = declared_sections(page)
    return [(section["heading"], text(section["body"])) for section in sections]


def grade(plain_text, scale=ENGLISH):
    """The figure of a text on `scale` (English: Flesch–Kincaid grade), one decimal; None for no text."""
    if not plain_text.strip():
        return None
    return Decimal(str(round(scale.score(plain_text), 1)))


def overall_grade(page):
    return grade(" ".join(body for _, body in patient_text_sections(page)), scale_for(page))


def section_grades(page):
    """Each section's figure on the page's scale, in reading order."""
    scale = scale_for(page)
    return [
        SectionGrade(section["id"], section["heading"], grade(text(section["body"]), scale))
        for section in declared_sections(page)
    ]


def above_target(grades, target, scale=ENGLISH):
    """The sections that read harder than `target` (a number) on `scale`, in reading order."""
    target = Decimal(str(target))
    return [
        section
        for section in grades
        if section.grade is not None and scale.misses(section.grade, target)
    ]


class Verdict(NamedTuple):
    label: str  # "Good", "Above target" (a grade) or "Below target" (a score), "No text yet"
    detail: str


def verdict(grades, target, scale=ENGLISH):
    """The one reading-level verdict both editor panels show, from the section grades."""
    missed = above_target(grades, target, scale)
    if all(section.grade is None for section in grades):
        return Verdict("No text yet", "Add section text and save a draft.")
    if scale.higher_is_easier:
        if missed:
            sections = "1 section scores" if len(missed) == 1 else f"{len(missed)} sections score"
            return Verdict("Below target", f"{sections} below {target}: harder than the target.")
        return Verdict("Good", f"Every section scores {target} or more.")
    if missed:
        sections = "1 section reads" if len(missed) == 1 else f"{len(missed)} sections read"
        return Verdict("Above target", f"{sections} above grade {target}.")
    return Verdict("Good", f"Every section reads at grade {target} or below.")
