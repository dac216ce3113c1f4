"""Reading grade of clinical pages: textstat's Flesch–Kincaid grade, per section and overall,
and the editor's panel naming the sections above the practice's target."""

from decimal import Decimal

import pytest
import textstat
from django.contrib.auth.models import Group
from django.template import Context, Template
from django.urls import reverse
from wagtail.models import Site

from practice.structured_data import text as plain_text
from procedures.models import ProcedurePage
from reviews import readability
from reviews.models import ClinicalReviewSettings
from tests import factories
from tests.factories import bullets
from tests.html import one, soup, text, texts

pytestmark = pytest.mark.django_db

EASY = (
    "We will call you the day before. Do not eat after midnight. Bring a friend to drive you home."
)
HARD = (
    "Preoperative anticoagulation management necessitates individualized multidisciplinary "
    "consultation regarding thromboembolic complications and perioperative hemorrhagic "
    "considerations."
)
# Each section's own text, so which are above grade 8 is plain to see.
EASY_SECTIONS = {
    "overview": f"<p>{EASY}</p>",
    "preparation": bullets("Bring your medication list.", "Eat a light meal."),
    "reasons": bullets("To relieve pain.", "To help find the cause of pain."),
    "during": bullets("You lie on your side.", "It takes about 15 minutes."),
    "follow_up": bullets("Rest for the day.", "We call you within a week."),
    "risks_intro": "Most people feel fine.",
    "common_risks": bullets("A sore back.", "A bruise."),
    "serious_risks": bullets("Infection.", "Bleeding."),
    "related_tests": bullets("You may have a scan first."),
}


def expected(plain):
    return Decimal(str(round(textstat.flesch_kincaid_grade(plain), 1)))


def test_grade_of_a_fixed_text_is_textstats():
    assert readability.grade(HARD) == expected(HARD)
    assert readability.grade(EASY) == expected(EASY)
    assert readability.grade("   ") is None


@pytest.fixture
def page(procedure_index):
    return factories.ProcedurePageFactory(
        parent=procedure_index,
        title="Lumbar Puncture",
        **{**EASY_SECTIONS, "preparation": f"<p>{HARD}</p>"},
    )


def test_each_section_is_graded_from_its_plain_text(page):
    grades = readability.section_grades(page)

    assert [section.id for section in grades] == [section["id"] for section in page.sections]
    for section, graded in zip(page.sections, grades, strict=True):
        assert graded.heading == section["heading"]
        assert graded.grade == expected(plain_text(section["body"]))


def test_overall_grade_is_the_grade_of_all_the_sections_together(page):
    whole = " ".join(plain_text(section["body"]) for section in page.sections)

    assert readability.overall_grade(page) == expected(whole)


def test_only_sections_above_the_target_are_named(page):
    above = readability.above_target(readability.section_grades(page), 8)

    assert [section.heading for section in above] == ["How do you prepare for Lumbar Puncture?"]


@pytest.fixture
def editor(django_user_model, home):
    user = django_user_model.objects.create_user("editor", password="pw-for-tests-only")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def panel(client, user, page):
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
    assert response.status_code == 200
    return one(soup(response), ".reading-grades")


def test_editor_panel_names_the_section_above_the_target_and_not_one_below(client, editor, page):
    shown = panel(client, editor, page)

    preparation = expected(HARD)
    assert texts(shown.select(".reading-grades__above li")) == [
        f"How do you prepare for Lumbar Puncture? ({preparation})"
    ]
    above = text(one(shown, ".reading-grades__above"))
    assert "What is Lumbar Puncture?" not in above
    assert f"Whole page: grade {readability.overall_grade(page)}" in text(shown)
    # Every section's own grade is there too, below ones included.
    overview = expected(EASY)
    assert f"What is Lumbar Puncture? (grade {overview})" in texts(
        shown.select(".reading-grades__sections li")
    )


def test_editor_panel_follows_the_practices_target(client, editor, page):
    settings = ClinicalReviewSettings.for_site(Site.objects.get(is_default_site=True))
    settings.reading_grade_target = Decimal(45)
    settings.save()

    shown = panel(client, editor, page)

    assert not shown.select(".reading-grades__above li")
    assert text(one(shown, ".reading-grades__verdict")) == (
        "Readability: Good. Every section reads at grade 45 or below."
    )


def test_editor_panel_reads_the_page_as_edited(client, editor, page):
    draft = page.get_latest_revision_as_object()
    draft.preparation = EASY_SECTIONS["preparation"]
    draft.during = f"<p>{HARD}</p>"
    draft.save_revision()  # a draft: the live page still has the hard preparation

    shown = panel(client, editor, page)

    assert texts(shown.select(".reading-grades__above li")) == [
        f"What can you expect during Lumbar Puncture? ({expected(HARD)})"
    ]


def test_condition_pages_have_the_panel(client, editor, home):
    conditions = factories.ConditionIndexPageFactory(parent=home, slug="conditions")
    condition = factories.ConditionPageFactory(
        parent=conditions, title="Migraine", overview=f"<p>{EASY}</p>", causes=f"<p>{HARD}</p>"
    )

    shown = panel(client, editor, condition)

    assert texts(shown.select(".reading-grades__above li")) == [
        f"What causes Migraine? ({expected(HARD)})"
    ]


def test_a_page_with_no_text_yet():
    # As on the add view: a new page, its sections still empty.
    shown = Template("{% load review_tags %}{% reading_grades page %}").render(
        Context({"page": ProcedurePage(title="Lumbar Puncture")})
    )

    assert text(one(soup(shown), ".reading-grades__verdict")) == (
        "Readability: No text yet. Add section text and save a draft."
    )


def checks_panel(client, user, page):
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
    return one(soup(response), "[data-side-panel='checks']")


def test_checks_panel_gives_the_reading_level_panels_verdict(client, editor, page):
    # Wagtail's own score ("Good", from the preview's word and sentence length) would
    # contradict the section above grade 8: the Checks panel shows our verdict instead.
    reading_level = text(one(panel(client, editor, page), ".reading-grades__verdict"))
    checks = checks_panel(client, editor, page)

    assert reading_level == "Readability: Above target. 1 section reads above grade 8."
    assert text(one(checks, "[data-reading-level-verdict]")) == "Above target"
    assert text(one(checks, "[data-reading-level-detail]")).startswith(
        "1 section reads above grade 8."
    )
    assert one(checks, "[data-reading-level-detail] a")["href"] == "#reading-level"
    assert not checks.select("[data-content-readability-score]")  # Wagtail's script fills none


def test_checks_panel_of_an_easy_page_says_good_in_both(client, editor, page):
    draft = page.get_latest_revision_as_object()
    draft.preparation = EASY_SECTIONS["preparation"]
    draft.save_revision()

    assert text(one(panel(client, editor, page), ".reading-grades__verdict")).startswith(
        "Readability: Good."
    )
    assert text(one(checks_panel(client, editor, page), "[data-reading-level-verdict]")) == "Good"


def test_other_pages_keep_wagtails_readability_score(client, editor, home):
    about = factories.StandardPageFactory(parent=home, title="About", slug="about")

    checks = checks_panel(client, editor, about)

    assert checks.select("[data-content-readability-score]")
    assert not checks.select("[data-reading-level-verdict]")


# Spanish pages: the Szigriszt-Pazos score (INFLESZ scale: higher is easier), target 55.
FACIL = (
    "Le llamamos el día antes. No coma nada después de la medianoche. "
    "Venga con un familiar que lo lleve a casa."
)
DIFICIL = (
    "La administración perioperatoria de anticoagulantes requiere una evaluación "
    "individualizada y multidisciplinaria de las complicaciones tromboembólicas y "
    "hemorrágicas, considerando simultáneamente la farmacocinética específica de cada fármaco."
)
SECCIONES_FACILES = {
    "overview": f"<p>{FACIL}</p>",
    "preparation": bullets("Traiga la lista de sus medicinas.", "Le llamamos el día antes."),
    "reasons": bullets("Para aliviar el dolor.", "Para ver de dónde viene el dolor."),
    "during": bullets("Se acuesta de lado.", "Dura unos quince minutos."),
    "follow_up": bullets("Descanse ese día.", "Le llamamos en una semana."),
    "risks_intro": "La mayoría se siente bien.",
    "common_risks": bullets("Le puede doler la espalda.", "Le puede salir un moretón."),
    "serious_risks": bullets("Una infección, que es rara.", "Un sangrado, que es raro."),
    "related_tests": bullets("Puede que le hagan una prueba antes."),
    "aftercare_call_911": bullets("Se le hinchan la cara o los labios."),
}


@pytest.fixture
def spanish_index(home, procedure_index):
    from wagtail.models import Locale

    spanish = Locale.objects.get(language_code="es")
    home_es = home.copy_for_translation(spanish)
    home_es.save_revision().publish()
    index_es = procedure_index.copy_for_translation(spanish)
    index_es.title, index_es.slug = "Procedimientos", "procedimientos"
    index_es.save_revision().publish()
    return index_es


@pytest.fixture
def pagina(spanish_index):
    """A Spanish procedure page: every section easy but its preparation."""
    return factories.ProcedurePageFactory(
        parent=spanish_index,
        title="Punción lumbar",
        slug="puncion-lumbar",
        **{**SECCIONES_FACILES, "preparation": f"<p>{DIFICIL}</p>"},
    )


class TestSpanishPages:
    def test_easy_spanish_reads_easy_and_hard_spanish_reads_hard(self, pagina):
        assert readability.scale_for(pagina) is readability.SPANISH
        # INFLESZ: 65 and more "bastante fácil", under 40 "muy difícil".
        assert readability.grade(FACIL, readability.SPANISH) >= 65
        assert readability.grade(DIFICIL, readability.SPANISH) < 40

    def test_only_the_hard_section_misses_the_spanish_target(self, pagina):
        grades = readability.section_grades(pagina)
        missed = readability.above_target(grades, 55, readability.SPANISH)

        assert [section.id for section in missed] == ["preparation"]
        assert readability.verdict(grades, 55, readability.SPANISH) == readability.Verdict(
            "Below target", "1 section scores below 55: harder than the target."
        )

    def test_the_panel_speaks_of_scores_and_the_spanish_target(self, client, editor, pagina):
        shown = panel(client, editor, pagina)

        hard = readability.grade(DIFICIL, readability.SPANISH)
        heading = next(
            s.heading for s in readability.section_grades(pagina) if s.id == "preparation"
        )
        assert text(one(shown, ".reading-grades__verdict")) == (
            "Readability: Below target. 1 section scores below 55: harder than the target."
        )
        assert texts(shown.select(".reading-grades__above li")) == [f"{heading} ({hard})"]
        assert "Below score 55:" in text(shown)
        assert f"Whole page: score {readability.overall_grade(pagina)}" in text(shown)
        assert "Szigriszt-Pazos" in text(shown)
        assert "target is a score of 55 or more" in text(shown)
        assert "grade" not in text(one(shown, ".reading-grades__sections"))

        checks = checks_panel(client, editor, pagina)
        assert text(one(checks, "[data-reading-level-verdict]")) == "Below target"

    def test_the_spanish_target_is_its_own_setting(self, client, editor, pagina):
        settings = ClinicalReviewSettings.for_site(Site.objects.get(is_default_site=True))
        settings.spanish_reading_target = Decimal(-50)  # every section reaches it
        settings.reading_grade_target = Decimal(1)  # English only: no effect here
        settings.save()

        shown = panel(client, editor, pagina)

        assert text(one(shown, ".reading-grades__verdict")) == (
            "Readability: Good. Every section scores -50 or more."
        )

    def test_an_easy_spanish_page_is_good_in_both_panels(self, client, editor, pagina):
        draft = pagina.get_latest_revision_as_object()
        draft.preparation = SECCIONES_FACILES["preparation"]
        draft.save_revision()

        assert text(one(panel(client, editor, pagina), ".reading-grades__verdict")) == (
            "Readability: Good. Every section scores 55 or more."
        )
        assert text(one(checks_panel(client, editor, pagina), "[data-reading-level-verdict]")) == (
            "Good"
        )

    def test_publishing_stores_the_spanish_score(self, pagina):
        pagina.save_revision().publish()
        pagina.refresh_from_db()

        assert pagina.reading_grade == readability.overall_grade(pagina)
        assert pagina.reading_grade > 40  # a score, not a grade: one hard section of ten

    def test_scores_need_no_network(self, pagina, monkeypatch):
        import socket

        def refuse(*args, **kwargs):
            raise AssertionError("textstat tried the network")

        monkeypatch.setattr(socket.socket, "connect", refuse)
        monkeypatch.setattr(socket, "create_connection", refuse)

        assert readability.overall_grade(pagina) is not None

    def test_grading_never_reads_nor_moves_textstats_global_language(self, page, pagina):
        english_by_textstat = textstat.flesch_kincaid_grade(HARD)
        english, spanish = readability.overall_grade(page), readability.overall_grade(pagina)
        assert textstat.flesch_kincaid_grade(HARD) == english_by_textstat
        # What textstat's module functions use: another thread may have set it to anything.
        textstat.set_lang("de_DE")
        try:
            assert readability.overall_grade(page) == english
            assert readability.overall_grade(pagina) == spanish
        finally:
            textstat.set_lang("en_US")
