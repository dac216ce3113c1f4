"""Importing a procedure page from the current site's text capture, as a draft."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.core.management.base import CommandError

from procedures.importer import SECTION_FIELDS, ProcedureParseError, parse_procedure_text
from procedures.models import ProcedurePage
from tests import factories

SEED = Path(__file__).parent / "samples" / "current-site-procedure-page.txt"
TITLE = "Botox for Hemifacial Spasm"

# (field, first item, last item), exactly as the capture has them.
SEED_SECTIONS = [
    (
        "preparation",
        "Tell your doctor about any medicines you take, especially blood thinners or muscle "
        "relaxers.",
        "Most people don’t need to arrange special help afterward, though you may want "
        "someone with you if you feel nervous.",
    ),
    (
        "reasons",
        "To reduce or stop involuntary facial twitching or eyelid twitching.",
        "It is often used when medicines are not effective or cause side effects.",
    ),
    (
        "during",
        "The treatment is usually done in the doctor’s office and takes about 5–10 minutes.",
        "You can return to normal activities right after.",
    ),
    (
        "follow_up",
        "Relief usually starts within 3 days and peaks around 3 weeks.",
        "Many patients need Botox long-term, but regular treatment keeps spasms well controlled.",
    ),
    (
        "common_risks",
        "Bruising or soreness at the injection site.",
        "Temporary mild drooping of the eyelid or corner of the mouth or other facial muscles.",
    ),
    (
        "serious_risks",
        "Allergic reaction.",
        "Double vision or difficulty closing the eye if Botox spreads beyond the target muscle.",
    ),
    (
        "related_tests",
        "Usually, a neurological exam is enough to diagnose hemifacial spasm.",
        "Botox injections themselves do not require special testing before treatment.",
    ),
]

# Menu, sidebar, byline, newsletter and footer text that must never reach a section.
NOISE = [
    "Occipital Neuralia",
    "Trigger Point Injections",
    "Carpal Tunnel Injection",
    "More Procedures",
    "Request Appointment",
    "Subscribe",
    "Should be Empty",
    "Follow us",
    "Youtube",
    "Tiktok",
    "Instagram",
    "Connect With Us",
    "©",
    "Meet Elie Sader",
    "Meet Dr. Sader",
    "double-boarded",
    "Providing specialized",
    "Reviewed By",
    "Sep 30th",
    "(203) 635-8780",
    "info@eliesadermd.com",
]


def items(html):
    """The list items of a rich-text field, in order (their inner HTML)."""
    return [li.decode_contents() for li in BeautifulSoup(html, "html.parser").find_all("li")]


@pytest.fixture
def seed_text():
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def seed_file(seed_text, tmp_path):
    """A copy of the capture that a test may edit."""
    path = tmp_path / "capture.txt"
    path.write_text(seed_text, encoding="utf-8")
    return path


def run(path, *args):
    out = StringIO()
    call_command("import_procedure", str(path), "--parent", "/procedures/", *args, stdout=out)
    return out.getvalue()


def draft(page):
    """The page as its latest revision has it (what an editor sees)."""
    return ProcedurePage.objects.get(pk=page.pk).get_latest_revision_as_object()


# --- the parser, on small strings --------------------------------------------------

SMALL = """\
  • About
  • Request Appointment

Knee Injection

Home
Procedures
Knee Injection

What is Knee Injection?

A shot of medicine into the knee & joint <fast>.
It takes minutes.

How do you prepare for Knee Injection?

- Bring your medication list.
* Wear shorts.

What are the potential risks for Knee Injection?

Most side effects are mild. These may include:

  • Soreness.
  • Brief flushing.

Rare but serious risks include:

  • Infection.

More Procedures

  • Hip Injection
"""


class TestParser:
    def test_reads_title_and_sections_from_small_capture(self):
        parsed = parse_procedure_text(SMALL)
        assert parsed.title == "Knee Injection"
        assert parsed.sections["overview"] == (
            "<p>A shot of medicine into the knee &amp; joint &lt;fast&gt;. It takes minutes.</p>"
        )
        assert parsed.sections["preparation"] == (
            "<ul><li>Bring your medication list.</li><li>Wear shorts.</li></ul>"
        )
        assert parsed.risks_intro == "Most side effects are mild. These may include:"
        assert (
            parsed.sections["common_risks"] == "<ul><li>Soreness.</li><li>Brief flushing.</li></ul>"
        )
        assert parsed.sections["serious_risks"] == "<ul><li>Infection.</li></ul>"
        assert parsed.sections["related_tests"] == ""
        assert parsed.unplaced == []
        assert "Hip Injection" not in "".join(parsed.sections.values())

    def test_one_line_breadcrumb(self):
        parsed = parse_procedure_text(
            "Home / Procedures / Nerve Block\n\nWhy is Nerve Block performed?\n\n- For pain.\n"
        )
        assert parsed.title == "Nerve Block"
        assert parsed.sections["reasons"] == "<ul><li>For pain.</li></ul>"

    def test_title_from_headings_when_there_is_no_breadcrumb(self):
        parsed = parse_procedure_text(
            "How do you prepare for Lumbar Puncture?\n\n- Drink water.\n\n"
            "What can you expect during Lumbar Puncture?\n\nYou lie on your side.\n"
        )
        assert parsed.title == "Lumbar Puncture"
        assert parsed.sections["preparation"] == "<ul><li>Drink water.</li></ul>"
        assert parsed.sections["during"] == "<p>You lie on your side.</p>"

    def test_heading_wrapped_over_two_lines(self):
        parsed = parse_procedure_text(
            "Home\nProcedures\nBotox for Spasm\n\nWhat is Botox for Spasm /\nBlepharospasm?\n\n"
            "Botox relaxes muscles.\n\nWhy is Botox for Spasm performed?\n\n- To stop twitching.\n"
        )
        assert parsed.sections["overview"] == "<p>Botox relaxes muscles.</p>"
        assert parsed.sections["reasons"] == "<ul><li>To stop twitching.</li></ul>"
        # Neither half of the heading is content or left unplaced.
        assert "Blepharospasm" not in "".join(parsed.sections.values())
        assert parsed.unplaced == []
        assert any("Blepharospasm" in note for note in parsed.notes)

    def test_unknown_heading_and_stray_text_are_reported(self):
        parsed = parse_procedure_text(
            "Home\nProcedures\nNerve Block\n\nA stray sentence.\n\n"
            "Why is Nerve Block performed?\n\n- For pain.\n\n"
            "Does Nerve Block hurt?\n\n- A little.\n\n"
            "What is the follow-up like for Nerve Block?\n\n- Rest.\n"
        )
        assert parsed.unplaced == ["A stray sentence.", "Does Nerve Block hurt?", "A little."]
        assert parsed.sections["reasons"] == "<ul><li>For pain.</li></ul>"
        assert parsed.sections["follow_up"] == "<ul><li>Rest.</li></ul>"

    def test_question_about_something_else_is_not_the_overview(self):
        parsed = parse_procedure_text(
            "Home\nProcedures\nNerve Block\n\nWhat is a nerve?\n\nA fibre.\n\n"
            "What is Nerve Block?\n\nAn injection.\n"
        )
        assert parsed.sections["overview"] == "<p>An injection.</p>"
        assert parsed.unplaced == ["What is a nerve?", "A fibre."]

    def test_no_title_raises(self):
        with pytest.raises(ProcedureParseError, match="No procedure title"):
            parse_procedure_text("Just some notes.\n\n- a list\n\nWhat is love?\n\nA song.\n")

    def test_breadcrumb_to_another_section_is_not_a_procedure_title(self):
        with pytest.raises(ProcedureParseError):
            parse_procedure_text("Home\nConditions\nHeadache\n\nSome text.\n")

    def test_seed_capture(self, seed_text):
        parsed = parse_procedure_text(seed_text)
        assert parsed.title == TITLE
        assert parsed.unplaced == []
        assert parsed.filled_sections == list(SECTION_FIELDS)
        assert parsed.author == "Elie SADER, MD"
        assert parsed.reviewer == "Elie Sader, MD"
        assert parsed.published == datetime.date(2025, 9, 30)
        assert parsed.last_reviewed == datetime.date(2025, 9, 30)
        text = "".join(parsed.sections.values()) + parsed.risks_intro
        for noise in NOISE:
            assert noise not in text


# --- the command -----------------------------------------------------------------


@pytest.mark.django_db
class TestImportCommand:
    def test_creates_one_draft_with_the_title(self, procedure_index, seed_file):
        out = run(seed_file)
        page = ProcedurePage.objects.child_of(procedure_index).get()
        assert page.title == TITLE
        assert page.slug == "botox-for-hemifacial-spasm"
        assert page.live is False
        assert page.first_published_at is None
        assert page.has_unpublished_changes
        assert page.latest_revision is not None
        assert f"/admin/pages/{page.id}/edit/" in out
        assert "saved as a draft" in out
        assert TITLE in out
        assert "Sections empty: none" in out
        assert "Could not place" not in out

    @pytest.mark.parametrize(("field", "first", "last"), SEED_SECTIONS)
    def test_first_and_last_item_of_each_section(
        self, procedure_index, seed_file, field, first, last
    ):
        run(seed_file)
        page = draft(ProcedurePage.objects.get())
        found = items(getattr(page, field))
        assert found[0] == first
        assert found[-1] == last

    def test_overview_and_risks(self, procedure_index, seed_file):
        run(seed_file)
        page = draft(ProcedurePage.objects.get())
        overview = BeautifulSoup(page.overview, "html.parser")
        assert [tag.name for tag in overview.find_all(recursive=False)] == ["p"]
        assert overview.p.get_text().startswith("A hemifacial spasm is when the muscles")
        assert overview.p.get_text().endswith("improves comfort and appearance.")
        assert page.risks_intro == "Most side effects are mild and temporary. These may include:"
        assert len(items(page.common_risks)) == 2
        assert len(items(page.serious_risks)) == 2
        assert "Allergic reaction." not in page.common_risks
        assert "Bruising" not in page.serious_risks
        assert "Rare but serious" not in page.common_risks + page.serious_risks
        preparation = BeautifulSoup(page.preparation, "html.parser")
        assert [tag.name for tag in preparation.find_all(recursive=False)] == ["ul"]
        assert len(preparation.ul.find_all("li")) == 5

    def test_no_navigation_or_footer_text_in_any_section(self, procedure_index, seed_file):
        run(seed_file)
        page = draft(ProcedurePage.objects.get())
        fields = [*SECTION_FIELDS, "risks_intro"]
        for name in fields:
            for noise in NOISE:
                assert noise not in getattr(page, name), f"{noise!r} in {name}"

    def test_second_import_without_update_refuses(self, procedure_index, seed_file):
        run(seed_file)
        with pytest.raises(CommandError, match="already exists.*--update"):
            run(seed_file)
        assert ProcedurePage.objects.count() == 1

    def test_existing_page_with_other_case_title_counts_as_the_same(
        self, procedure_index, seed_file
    ):
        factories.ProcedurePageFactory(parent=procedure_index, title="BOTOX for hemifacial spasm")
        with pytest.raises(CommandError, match="already exists"):
            run(seed_file)
        assert ProcedurePage.objects.count() == 1

    def test_update_replaces_sections_in_a_new_draft(self, procedure_index, seed_file):
        run(seed_file)
        page = ProcedurePage.objects.get()
        seed_file.write_text(
            seed_file.read_text(encoding="utf-8").replace(
                "Discuss past reactions to Botox", "Tell us about past reactions to Botox"
            ),
            encoding="utf-8",
        )
        out = run(seed_file, "--update")
        assert ProcedurePage.objects.count() == 1
        assert page.revisions.count() == 2
        updated = draft(page)
        assert "Tell us about past reactions to Botox" in updated.preparation
        assert "Discuss past reactions" not in updated.preparation
        assert updated.live is False
        assert "saved as a draft" in out

    def test_update_leaves_the_live_version_alone(self, procedure_index, seed_file):
        run(seed_file)
        page = ProcedurePage.objects.get()
        page.get_latest_revision().publish()
        seed_file.write_text(
            seed_file.read_text(encoding="utf-8").replace("Allergic reaction.", "Severe allergy."),
            encoding="utf-8",
        )
        run(seed_file, "--update")
        live = ProcedurePage.objects.get(pk=page.pk)
        assert live.live
        assert "Allergic reaction." in live.serious_risks
        assert live.has_unpublished_changes
        assert "Severe allergy." in draft(page).serious_risks

    def test_file_without_a_title_is_refused(self, procedure_index, tmp_path):
        path = tmp_path / "notes.txt"
        path.write_text("Some notes about the clinic.\n\n  • Parking at the back\n", "utf-8")
        with pytest.raises(CommandError, match="No procedure title"):
            run(path)
        assert not ProcedurePage.objects.exists()

    def test_unknown_heading_is_listed_under_could_not_place(
        self, procedure_index, seed_file, seed_text
    ):
        seed_file.write_text(
            seed_text.replace(
                "How do you prepare for",
                "What should you wear for Botox for Hemifacial Spasm?\n\n"
                "  • A top that leaves your shoulders free.\n\nHow do you prepare for",
                1,
            ),
            encoding="utf-8",
        )
        out = run(seed_file)
        assert ProcedurePage.objects.count() == 1
        placed = out.split("Could not place:", 1)[1]
        assert "What should you wear for Botox for Hemifacial Spasm?" in placed
        assert "A top that leaves your shoulders free." in placed
        page = draft(ProcedurePage.objects.get())
        assert "shoulders free" not in page.overview + page.preparation

    def test_parent_must_exist(self, procedure_index, seed_file):
        with pytest.raises(CommandError, match="No page at"):
            call_command("import_procedure", str(seed_file), "--parent", "/services/")
        assert not ProcedurePage.objects.exists()

    def test_parent_must_be_the_procedure_index(self, procedure_index, seed_file):
        with pytest.raises(CommandError, match="not the procedure index"):
            call_command("import_procedure", str(seed_file), "--parent", "/")
        assert not ProcedurePage.objects.exists()

    def test_missing_file(self, procedure_index, tmp_path):
        with pytest.raises(CommandError, match="no such file"):
            run(tmp_path / "nope.txt")
