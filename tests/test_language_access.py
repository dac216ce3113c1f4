"""Language access notices (Section 1557, 2024 rule; issue 20 item 6).

The nondiscrimination notice page, the language assistance taglines (each in
its own language and writing direction), where patients find them (every
footer in both languages, the request form), and what editors are told
about a tagline no translator has checked.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Locale

from practice.models import LanguageTagline, PracticeSettings
from tests import factories
from tests.html import labelled, links, one, soup, text, texts

TAGLINES = [
    ("Spanish", "es", "ltr", "ATENCIÓN: Si habla español, llame al {phone} (TTY: 711)."),
    ("Chinese", "zh-Hans", "ltr", "注意：如果您说中文，请致电 {phone}。"),
    ("Arabic", "ar", "rtl", "تنبيه: اتصل على الرقم {phone}."),
    ("Yiddish", "yi", "rtl", "אויפמערקזאם: רופט {phone}."),
    ("Urdu", "ur", "rtl", "توجہ دیں: کال کریں {phone}۔"),
]


def translate(page, **fields):
    translated = page.copy_for_translation(Locale.objects.get(language_code="es"))
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save()
    translated.save_revision().publish()
    return translated


@pytest.fixture
def taglines(db):
    return [
        LanguageTagline.objects.create(
            language=language, language_code=code, direction=direction, text=words, sort_order=n
        )
        for n, (language, code, direction, words) in enumerate(TAGLINES)
    ]


@pytest.fixture
def notice(home):
    page = factories.NondiscriminationNoticePageFactory(parent=home)
    practice = PracticeSettings.objects.get(site__root_page=home)
    practice.nondiscrimination_page = page
    practice.section_1557_coordinator_name = "Ana Torres"
    practice.section_1557_coordinator_title = "Section 1557 Coordinator"
    practice.section_1557_coordinator_phone = "(203) 555-0147"
    practice.section_1557_coordinator_email = "civilrights@example.test"
    practice.section_1557_coordinator_address = "100 Example Avenue\nStamford, CT 06901"
    practice.save()
    return page


def shown_taglines(page):
    block = labelled(page, "language-assistance-heading")
    return [(li["lang"], li["dir"], text(li)) for li in block.select("li")]


@pytest.mark.django_db
class TestTheNoticePage:
    def test_says_each_part_the_rule_asks_for_under_its_heading(self, client, notice, taglines):
        page = soup(client.get("/nondiscrimination/"))
        article = one(page, "article")
        assert text(one(article, "h1")) == "Nondiscrimination notice"
        assert "We do not discriminate." in text(article)
        assert texts(article.select("h2")) == [
            "Free aids, services and language help",
            "Free language assistance",
            "How to file a grievance",
            "Complaints to the U.S. Department of Health and Human Services",
        ]
        assert "Free interpreters and large print." in text(labelled(page, "free-help"))
        assert "Or HHS's Office for Civil Rights." in text(labelled(page, "civil-rights-complaint"))

    def test_names_the_coordinator_from_the_settings(self, client, notice):
        grievance = labelled(soup(client.get("/nondiscrimination/")), "grievance")
        coordinator = one(grievance, "address")
        assert "Ana Torres, Section 1557 Coordinator" in text(coordinator)
        assert "100 Example Avenue, Stamford, CT 06901" in text(coordinator)
        assert links(coordinator) == [
            ("(203) 555-0147", "tel:+12035550147"),
            ("civilrights@example.test", "mailto:civilrights@example.test"),
        ]

    def test_a_new_coordinator_shows_at_once_on_the_cached_page(self, client, notice, settings):
        settings.PAGE_CACHE_SECONDS = 600
        client.get("/nondiscrimination/")
        practice = PracticeSettings.objects.get()
        practice.section_1557_coordinator_name = "Luis Pérez"
        practice.save()
        assert "Luis Pérez" in text(labelled(soup(client.get("/nondiscrimination/")), "grievance"))

    def test_shows_every_tagline_in_its_own_language_and_direction(self, client, notice, taglines):
        shown = shown_taglines(soup(client.get("/nondiscrimination/")))
        assert [(code, direction) for code, direction, _ in shown] == [
            ("es", "ltr"),
            ("zh-Hans", "ltr"),
            ("ar", "rtl"),
            ("yi", "rtl"),
            ("ur", "rtl"),
        ]
        # The practice's phone number in each, where the tagline puts it.
        assert shown[0][2] == "ATENCIÓN: Si habla español, llame al (203) 555-0142 (TTY: 711)."
        assert shown[2][2] == "تنبيه: اتصل على الرقم (203) 555-0142."

    def test_the_phone_number_in_a_right_to_left_tagline_reads_left_to_right(
        self, client, notice, taglines
    ):
        block = labelled(soup(client.get("/nondiscrimination/")), "language-assistance-heading")
        arabic = one(block, 'li[lang="ar"]')
        phone = one(arabic, "a")
        assert (phone["href"], phone["dir"]) == ("tel:+12035550142", "ltr")

    def test_an_edited_tagline_shows_at_once_on_the_cached_page(
        self, client, notice, taglines, settings
    ):
        settings.PAGE_CACHE_SECONDS = 600
        client.get("/nondiscrimination/")
        assert client.get("/nondiscrimination/")["X-Page-Cache"] == "hit"
        taglines[0].text = "ATENCIÓN: llame gratis al {phone}."
        taglines[0].save()
        shown = shown_taglines(soup(client.get("/nondiscrimination/")))
        assert shown[0][2] == "ATENCIÓN: llame gratis al (203) 555-0142."


@pytest.mark.django_db
class TestWhatATaglineMustBe:
    def tagline(self, **fields):
        values = {
            "language": "Arabic",
            "language_code": "ar",
            "direction": "rtl",
            "text": "اتصل على الرقم {phone}",
        }
        return LanguageTagline(**{**values, **fields})

    def test_a_right_to_left_language_must_be_marked_right_to_left(self):
        for code in ("ar", "ur", "yi"):
            with pytest.raises(ValidationError) as refused:
                self.tagline(language_code=code, direction="ltr").full_clean()
            assert "direction" in refused.value.message_dict

    def test_the_language_code_must_be_one_browsers_read(self):
        for code in ("Arabic", "zh_CN", "ZH-hans", "e"):
            with pytest.raises(ValidationError) as refused:
                self.tagline(language_code=code).full_clean()
            assert "language_code" in refused.value.message_dict
        for code in ("zh-Hans", "ht", "tl", "pt-BR", "es-419"):
            self.tagline(language_code=code, direction="ltr").full_clean()

    def test_it_must_say_where_the_phone_number_goes(self):
        with pytest.raises(ValidationError) as refused:
            self.tagline(text="اتصل بنا").full_clean()
        assert "text" in refused.value.message_dict


@pytest.mark.django_db
class TestWherePatientsFindThem:
    def test_every_footer_links_the_notice_and_the_language_help_in_both_languages(
        self, client, home, notice, taglines, procedure
    ):
        home_es = translate(home, slug="inicio")
        notice_es = translate(notice, title="Aviso de no discriminación", slug="no-discriminacion")
        for url in ("/", procedure.url):
            footer = one(soup(client.get(url)), ".site-footer__policies")
            assert links(footer)[-2:] == [
                ("Nondiscrimination notice", "/nondiscrimination/"),
                ("Language assistance", "/nondiscrimination/#language-assistance"),
            ]
        footer = one(soup(client.get(home_es.url)), ".site-footer__policies")
        assert links(footer)[-2:] == [
            ("Aviso de no discriminación", notice_es.url),
            ("Asistencia con idiomas", f"{notice_es.url}#language-assistance"),
        ]
        assert notice_es.url == "/es/no-discriminacion/"
        # The Spanish notice shows the same taglines, under a Spanish heading.
        page = soup(client.get(notice_es.url))
        assert text(one(page, "#language-assistance-heading")) == "Ayuda gratuita con el idioma"
        assert len(shown_taglines(page)) == len(TAGLINES)

    def test_the_spanish_notice_names_the_coordinator_in_spanish_or_marks_the_english(
        self, client, home, notice
    ):
        translate(home, slug="inicio")
        notice_es = translate(notice, title="Aviso de no discriminación", slug="no-discriminacion")
        coordinator = one(
            one(labelled(soup(client.get(notice_es.url)), "grievance"), "address"), "p"
        )
        # No Spanish title typed: the English one, marked English for screen readers.
        assert text(one(coordinator, 'span[lang="en"]')) == "Section 1557 Coordinator"

        practice = PracticeSettings.objects.get(site__root_page=home)
        practice.section_1557_coordinator_title_es = "Coordinadora de la Sección 1557"
        practice.save()
        coordinator = one(
            one(labelled(soup(client.get(notice_es.url)), "grievance"), "address"), "p"
        )
        assert text(coordinator) == "Ana Torres, Coordinadora de la Sección 1557"
        assert coordinator.select("[lang]") == []
        english = one(one(labelled(soup(client.get(notice.url)), "grievance"), "address"), "p")
        assert text(english) == "Ana Torres, Section 1557 Coordinator"

    def test_the_request_form_shows_the_taglines_in_both_languages(
        self, client, home, request_page, taglines
    ):
        translate(home, slug="inicio")
        request_es = translate(request_page, slug="solicitar-cita")
        for page in (request_page, request_es):
            shown = shown_taglines(soup(client.get(page.url)))
            assert [code for code, _, _ in shown] == ["es", "zh-Hans", "ar", "yi", "ur"], page.url
            assert [direction for _, direction, _ in shown].count("rtl") == 3


@pytest.mark.django_db
def test_editors_see_which_taglines_no_translator_has_checked(client, django_user_model, taglines):
    taglines[1].checked_by_translator = True
    taglines[1].save()
    client.force_login(django_user_model.objects.create_superuser("boss", "b@example.test", "pw"))
    listing = soup(client.get(reverse("wagtailsnippets_practice_languagetagline:list")))
    rows = {
        row.select_one("td a").get_text(strip=True): row
        for row in listing.select("tbody tr")
        if row.select_one("td a")
    }
    assert "Spanish (es) (not checked by a translator yet)" in rows
    assert "Chinese (zh-Hans)" in rows
    edit = soup(
        client.get(reverse("wagtailsnippets_practice_languagetagline:edit", args=[taglines[0].pk]))
    )
    checkbox = one(edit, 'input[name="checked_by_translator"]')
    assert not checkbox.has_attr("checked")


@pytest.mark.django_db
def test_the_demo_ships_fifteen_unchecked_taglines_and_the_notice_in_both_languages(
    client, demo_site
):
    assert [
        (tagline.language_code, tagline.direction, tagline.checked_by_translator)
        for tagline in LanguageTagline.objects.all()
    ] == [
        (code, "rtl" if code in ("ar", "yi", "ur") else "ltr", False)
        for code in (
            "es", "zh-Hans", "ru", "bn", "ht", "ko", "ar", "yi", "it", "pl", "fr", "ur", "pt",
            "tl", "vi",
        )
    ]  # fmt: skip
    for url, coordinator_heading in (
        ("/nondiscrimination/", "How to file a grievance"),
        ("/es/no-discriminacion/", "Cómo presentar una queja"),
    ):
        page = soup(client.get(url))
        assert text(one(page, "#grievance")) == coordinator_heading
        assert "Ana Torres" in text(one(labelled(page, "grievance"), "address"))
        assert text(one(one(labelled(page, "grievance"), "address"), "p")) == (
            "Ana Torres, Practice manager and Section 1557 Coordinator"
            if url == "/nondiscrimination/"
            else "Ana Torres, Gerente de la consulta y coordinadora de la Sección 1557"
        )
        shown = shown_taglines(page)
        assert len(shown) == 15
        assert all("(203) 555-0142" in words for _, _, words in shown)
    form = soup(client.get("/request-appointment/"))
    assert len(shown_taglines(form)) == 15
