"""What a patient sees on a procedure page, and what an editor may add and publish."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from procedures.sections import SECTION_FIELDS
from tests import factories
from tests.html import labelled, links, one, soup, text, texts

pytestmark = pytest.mark.django_db

QUESTIONS = [
    "What is {t}?",
    "How do you prepare for {t}?",
    "Why is {t} performed?",
    "What can you expect during {t}?",
    "What is the follow-up like for {t}?",
    "What are the potential risks for {t}?",
    "Are there tests related to {t}?",
]


def sections_by_heading(response):
    """Each section of the page's article, keyed by the text of its heading, in page order."""
    article = one(soup(response), "article")
    return {text(h2): h2.find_parent("section") for h2 in article.select("section.section > h2")}


class TestWhereEditorsMayAddPages:
    """The page tree as an editor meets it: what "Add child page" offers, and what it refuses."""

    @staticmethod
    def offered(client, parent):
        response = client.get(f"/admin/pages/{parent.id}/add_subpage/")
        assert response.status_code == 200
        return texts(soup(response).select('ul.listing a[href^="/admin/pages/add/"]'))

    def test_home_offers_the_sections_of_the_site_each_once(self, admin_client, home):
        assert self.offered(admin_client, home) == [
            "Appointment request page",
            "Condition index page",
            "Location index page",
            "Newsletter archive",
            "Nondiscrimination notice",
            "Procedure index page",
            "Standard page",
        ]
        factories.ProcedureIndexPageFactory(parent=home, slug="procedures")
        assert "Procedure index page" not in self.offered(admin_client, home)

    def test_the_about_page_takes_the_team(self, admin_client, physician):
        assert self.offered(admin_client, physician.get_parent()) == [
            "Standard page",
            "Team index page",
            "Team member page",
        ]

    def test_a_section_index_goes_straight_to_its_one_page_type(
        self, admin_client, procedure_index, condition, physician
    ):
        team = factories.TeamIndexPageFactory(parent=physician.get_parent(), slug="team")
        for parent, page_type in (
            (procedure_index, "procedures/procedurepage"),
            (condition.get_parent(), "conditions/conditionpage"),
            (team, "team/teammemberpage"),
        ):
            response = admin_client.get(f"/admin/pages/{parent.id}/add_subpage/")
            assert response.status_code == 302
            assert response.url == f"/admin/pages/add/{page_type}/{parent.id}/"

    def test_nothing_can_be_added_under_a_procedure(self, admin_client, procedure):
        response = admin_client.get(f"/admin/pages/{procedure.id}/add_subpage/")
        assert response.status_code == 302
        assert response.url == "/admin/"

    @pytest.mark.parametrize(
        "page_type",
        [
            "procedures/procedurepage",
            "conditions/conditionpage",
            "locations/locationpage",
            "team/teammemberpage",
        ],
    )
    def test_pages_of_a_section_cannot_be_added_under_the_home_page(
        self, admin_client, home, page_type
    ):
        response = admin_client.get(f"/admin/pages/add/{page_type}/{home.id}/", follow=True)
        assert response.redirect_chain == [("/admin/", 302)]
        assert "Sorry, you do not have permission" in text(one(soup(response), ".messages ul"))


def test_each_section_is_rendered_under_its_question_in_order(client, procedure_index):
    page = factories.ProcedurePageFactory(parent=procedure_index, title="Occipital Nerve Block")
    response = client.get(page.url)

    assert texts(soup(response).select("h1")) == ["Occipital Nerve Block"]
    sections = sections_by_heading(response)
    assert list(sections) == [q.format(t="Occipital Nerve Block") for q in QUESTIONS]
    contents = [texts(section.select("p, li")) for section in sections.values()]
    assert contents[0] == ["An overview of the procedure."]
    assert contents[1] == ["Bring your medication list.", "Eat a light meal."]
    assert contents[2] == ["To relieve pain.", "To help find the cause of pain."]
    assert contents[3] == ["You lie on your side.", "It takes about 15 minutes."]
    assert contents[4] == ["Rest for the day.", "We call you within a week."]
    assert contents[6] == ["An MRI may be ordered first."]
    # The common and the serious risks each follow their own lead-in, in their own list.
    risks = sections["What are the potential risks for Occipital Nerve Block?"]
    blocks = risks.find_all(["p", "ul"], recursive=False)
    assert [(block.name, texts(block.select("li")) or text(block)) for block in blocks] == [
        ("p", page.risks_intro),
        ("ul", ["Soreness where the needle went in.", "Brief bruising."]),
        ("p", "Rare but serious risks include:"),
        ("ul", ["Infection.", "Allergic reaction."]),
    ]


def test_questions_name_the_procedure_as_a_sentence_does(client, procedure_index):
    page = factories.ProcedurePageFactory(
        parent=procedure_index,
        title="Occipital Nerve Block",
        name_in_questions="an occipital nerve block",
    )
    html = soup(client.get(page.url))
    assert texts(html.select("h1")) == ["Occipital Nerve Block"]
    assert list(sections_by_heading(client.get(page.url))) == [
        q.format(t="an occipital nerve block") for q in QUESTIONS
    ]
    # "On this page" leaves the name out: the title above says it.
    assert texts(labelled(html, "on-this-page-heading").select("a")) == [
        "What is it?",
        "How do you prepare?",
        "Why is it performed?",
        "What can you expect during it?",
        "What is the follow-up like?",
        "What are the potential risks?",
        "Are there tests related to it?",
    ]


def page_order(html):
    """The page's blocks in order: the request box, each section's id, the after-care block."""
    return [
        "request-box" if block.name == "aside" else block["id"]
        for block in html.select("aside.side-cta, article section.section, section.care-levels")
    ]


class TestGetHelpAfterTheProcedure:
    def test_call_us_and_call_911_show_after_the_first_section(
        self, client, procedure_index, request_page
    ):
        page = factories.ProcedurePageFactory(
            parent=procedure_index,
            title="Occipital Nerve Block",
            slug="occipital-nerve-block",
            name_in_questions="an occipital nerve block",
            aftercare_call_us="<ul><li>The site is red and hot.</li></ul>",
            aftercare_call_911="<ul><li>Your lips swell.</li></ul>",
        )
        html = soup(client.get(page.url))
        assert page_order(html)[:4] == ["request-box", "overview", "aftercare", "preparation"]
        aftercare = labelled(html, "aftercare-heading")
        assert text(one(aftercare, "h2")) == (
            "When should you get help after an occipital nerve block?"
        )
        cards = {
            text(h3): texts(h3.find_parent("div").select("li")) for h3 in aftercare.select("h3")
        }
        assert cards == {
            "Call us if:": ["The site is red and hot."],
            "Call 911 now if:": ["Your lips swell."],
        }
        # The "call us" card says how: the practice's number, as a link a phone dials.
        call_us = one(aftercare, ".care-card--call-us")
        assert links(call_us) == [("(203) 555-0142", "tel:+12035550142")]

    def test_nothing_shows_without_after_care_advice(self, client, procedure_index):
        page = factories.ProcedurePageFactory(
            parent=procedure_index, serious_risks="", aftercare_call_911="<p></p>"
        )
        html = soup(client.get(page.url))
        assert "aftercare" not in page_order(html)
        assert not html.select(".care-card")


class TestEarlyRequest:
    """The request box comes before the first section (on phones, compact, under "On this page")."""

    def test_request_and_call_links_come_before_the_first_section(
        self, client, procedure_index, request_page
    ):
        page = factories.ProcedurePageFactory(
            parent=procedure_index, title="Lumbar Puncture", slug="lumbar-puncture"
        )
        html = soup(client.get(page.url))
        assert page_order(html)[:2] == ["request-box", "overview"]
        assert links(one(html, "aside.side-cta")) == [
            ("Request appointment", "/request-appointment/?procedure=lumbar-puncture"),
            ("(203) 555-0142", "tel:+12035550142"),
        ]

    def test_without_a_form_it_still_gives_the_number(self, client, procedure_index):
        page = factories.ProcedurePageFactory(parent=procedure_index)
        box = one(soup(client.get(page.url)), "aside.side-cta")
        assert links(box) == [("(203) 555-0142", "tel:+12035550142")]
        assert "Call (203) 555-0142" in text(box)


def test_empty_optional_sections_are_left_out_with_their_heading(client, procedure_index):
    page = factories.ProcedurePageFactory(
        parent=procedure_index, title="Knee Injection", related_tests="", serious_risks=""
    )
    sections = sections_by_heading(client.get(page.url))
    assert list(sections) == [q.format(t="Knee Injection") for q in QUESTIONS[:-1]]
    risks = sections["What are the potential risks for Knee Injection?"]
    assert texts(risks.find_all("p")) == [page.risks_intro]
    assert "Rare but serious" not in text(risks)


def test_breadcrumb_byline_and_request_link(client, procedure_index, physician, request_page):
    page = factories.ProcedurePageFactory(
        parent=procedure_index,
        title="Lumbar Puncture",
        slug="lumbar-puncture",
        author=physician,
        reviewer=physician,
        first_published_at=datetime.datetime(2026, 9, 1, 12, tzinfo=datetime.UTC),
    )
    html = soup(client.get(page.url))

    crumbs = one(html, "nav.breadcrumb")
    assert texts(crumbs.select("li")) == ["Home", "Procedures", "Lumbar Puncture"]
    assert links(crumbs) == [("Home", "/"), ("Procedures", "/procedures/")]
    assert text(one(crumbs, '[aria-current="page"]')) == "Lumbar Puncture"

    assert ("Request appointment", "/request-appointment/?procedure=lumbar-puncture") in links(
        one(html, "aside.cta")
    )

    byline = one(html, "dl.byline")
    assert dict(zip(texts(byline.select("dt")), texts(byline.select("dd")), strict=True)) == {
        "By": "Elie Sader, MD",
        "Reviewed by": "Elie Sader, MD",
        "Published": "Sep 1st, 2026",
        "Last reviewed": "Sep 30th, 2026",
    }
    assert links(byline) == [("Elie Sader, MD", physician.url)] * 2


def test_more_procedures_lists_the_other_live_procedures(client, procedure_index):
    page = factories.ProcedurePageFactory(parent=procedure_index, title="Nerve Blocks")
    factories.ProcedurePageFactory(parent=procedure_index, title="Joint Injections")
    factories.ProcedurePageFactory(parent=procedure_index, title="Botox Injections")
    factories.ProcedurePageFactory(parent=procedure_index, title="Secret Draft", live=False)
    html = soup(client.get(page.url))
    more = labelled(html, "more-procedures")
    assert texts(more.select("li")) == ["Botox Injections", "Joint Injections"]
    assert "Secret Draft" not in html.get_text()


class TestEditorPublishing:
    @pytest.fixture
    def editor(self, django_user_model, home, procedure_index):
        """May edit the site, and publish procedures (granted on their section, as required)."""
        user = django_user_model.objects.create_user("editor", password="pw-for-tests-only")
        group = Group.objects.create(name="Clinic editors")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        for perm, page in (
            ("add_page", home),
            ("change_page", home),
            ("publish_page", procedure_index),
        ):
            GroupPagePermission.objects.create(
                group=group, page=page, permission=Permission.objects.get(codename=perm)
            )
        user.groups.add(group)
        return user

    def form_data(self, page, **changes):
        data = {
            "title": page.title,
            "slug": page.slug,
            "summary": page.summary,
            "kind": page.kind,
            "risks_intro": page.risks_intro,
        }
        for name in (*SECTION_FIELDS, "aftercare_call_us", "aftercare_call_911"):
            data[name] = rich_text(getattr(page, name))
        data.update(changes)
        data["comments"] = inline_formset([])
        return nested_form_data(data)

    def test_editor_opens_the_edit_view_with_a_field_per_section(
        self, client, editor, procedure_index
    ):
        page = factories.ProcedurePageFactory(parent=procedure_index)
        client.force_login(editor)
        response = client.get(f"/admin/pages/{page.id}/edit/")
        assert response.status_code == 200
        form = soup(response)
        for name in SECTION_FIELDS:
            one(form, f'[name="{name}"]')

    def test_publishing_without_preparation_is_refused_on_the_field(
        self, client, editor, procedure_index
    ):
        page = factories.ProcedurePageFactory(parent=procedure_index, title="Nerve Blocks")
        client.force_login(editor)
        data = self.form_data(page, preparation=rich_text(""), title="Nerve Blocks v2")
        data["action-publish"] = "action-publish"
        response = client.post(f"/admin/pages/{page.id}/edit/", data)
        assert response.status_code == 200
        form = soup(response)
        field = one(form, '[name="preparation"]')
        assert field["aria-invalid"] == "true"
        errors = form.find(id=field["aria-describedby"])
        assert "Add the “preparation” section before publishing" in text(errors)
        page.refresh_from_db()
        assert page.title == "Nerve Blocks"

    def test_saving_a_draft_without_preparation_is_allowed(self, client, editor, procedure_index):
        page = factories.ProcedurePageFactory(parent=procedure_index, title="Nerve Blocks")
        client.force_login(editor)
        data = self.form_data(page, preparation=rich_text(""), title="Nerve Blocks v2")
        response = client.post(f"/admin/pages/{page.id}/edit/", data)
        assert response.status_code == 302
        page.refresh_from_db()
        assert page.has_unpublished_changes
        assert page.get_latest_revision_as_object().title == "Nerve Blocks v2"
        assert page.title == "Nerve Blocks"  # the live page is untouched

    def test_publishing_serious_risks_without_the_911_advice_is_refused_keeping_the_edits(
        self, client, editor, procedure_index
    ):
        page = factories.ProcedurePageFactory(
            parent=procedure_index,
            title="Nerve Blocks",
            aftercare_call_911="<ul><li>Your lips swell.</li></ul>",
        )
        client.force_login(editor)
        data = self.form_data(
            page,
            title="Nerve Blocks v2",
            aftercare_call_us=rich_text("<p>The site stays red.</p>"),
            aftercare_call_911=rich_text(""),
        )
        data["action-publish"] = "action-publish"
        response = client.post(f"/admin/pages/{page.id}/edit/", data)
        assert response.status_code == 200
        form = soup(response)
        field = one(form, '[name="aftercare_call_911"]')
        assert field["aria-invalid"] == "true"
        errors = form.find(id=field["aria-describedby"].split()[-1])
        assert text(errors) == (
            "Add “After the procedure, call 911 now if” before publishing: this page lists "
            "serious risks, so patients need to know which signs are an emergency."
        )
        # What the editor typed is still in the form, and the live page is as it was.
        assert one(form, '[name="title"]')["value"] == "Nerve Blocks v2"
        assert "The site stays red." in one(form, '[name="aftercare_call_us"]')["value"]
        page.refresh_from_db()
        assert (page.title, page.aftercare_call_911) == (
            "Nerve Blocks",
            "<ul><li>Your lips swell.</li></ul>",
        )

    def test_a_page_without_serious_risks_publishes_without_the_911_advice(
        self, client, editor, procedure_index
    ):
        page = factories.ProcedurePageFactory(
            parent=procedure_index, title="Nerve Blocks", serious_risks="", aftercare_call_911=""
        )
        client.force_login(editor)
        data = self.form_data(page, title="Nerve Blocks v2", aftercare_call_911=rich_text(""))
        data["action-publish"] = "action-publish"
        response = client.post(f"/admin/pages/{page.id}/edit/", data)
        assert response.status_code == 302
        page.refresh_from_db()
        assert page.title == "Nerve Blocks v2"

    def test_a_draft_may_wait_for_the_911_advice(self, client, editor, procedure_index):
        page = factories.ProcedurePageFactory(parent=procedure_index, title="Nerve Blocks")
        client.force_login(editor)
        data = self.form_data(page, title="Nerve Blocks v2", aftercare_call_911=rich_text(""))
        response = client.post(f"/admin/pages/{page.id}/edit/", data)
        assert response.status_code == 302
        page.refresh_from_db()
        assert page.get_latest_revision_as_object().title == "Nerve Blocks v2"


def test_one_word_for_the_section_in_menu_breadcrumb_title_and_search(
    client, procedure_index, request_page
):
    procedure_index.show_in_menus = True
    procedure_index.save_revision().publish()
    page = factories.ProcedurePageFactory(parent=procedure_index, title="Lumbar Puncture")
    html = soup(client.get(page.url))
    menu_link = one(html, 'nav.main-nav a.menu__link[href="/procedures/"]')
    crumb = one(html, 'nav.breadcrumb a[href="/procedures/"]')
    index_title = text(one(soup(client.get(procedure_index.url)), "h1"))
    assert {text(menu_link), text(crumb), index_title} == {"Procedures"}
    assert ("All procedures", "/procedures/") not in links(html)  # a short list needs no link
