"""What a patient sees on a procedure page, and what an editor may publish."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from appointments.models import AppointmentRequestPage
from conditions.models import ConditionIndexPage, ConditionPage
from locations.models import LocationIndexPage, LocationPage
from practice.models import HomePage, StandardPage
from procedures.models import ProcedureIndexPage, ProcedurePage
from procedures.sections import SECTION_FIELDS
from team.models import TeamIndexPage, TeamMemberPage
from tests import factories

pytestmark = pytest.mark.django_db

QUESTIONS = [
    "What is {t}?",
    "How do you prepare for {t}?",
    "Why is {t} performed?",
    "What can you expect during {t}?",
    "What is the follow-up like for {t}?",
    "What are the potential risks for {t}?",
    "Are there related tests to {t}?",
]


def h2_texts(html):
    return [
        re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)
    ]


class TestTreeRules:
    def test_home_takes_the_sections_of_the_site(self):
        assert set(HomePage.allowed_subpage_models()) == {
            StandardPage,
            ConditionIndexPage,
            ProcedureIndexPage,
            LocationIndexPage,
            AppointmentRequestPage,
        }

    def test_procedures_live_only_under_the_procedure_index(self):
        assert ProcedurePage.allowed_parent_page_models() == [ProcedureIndexPage]
        assert ProcedureIndexPage.allowed_subpage_models() == [ProcedurePage]
        assert ProcedurePage.allowed_subpage_models() == []

    def test_conditions_locations_and_team_keep_their_place(self):
        assert ConditionPage.allowed_parent_page_models() == [ConditionIndexPage]
        assert LocationPage.allowed_parent_page_models() == [LocationIndexPage]
        assert set(TeamMemberPage.allowed_parent_page_models()) == {StandardPage, TeamIndexPage}
        assert TeamIndexPage.allowed_subpage_models() == [TeamMemberPage]

    def test_a_procedure_cannot_be_created_under_the_home_page(self, home):
        assert not ProcedurePage.can_create_at(home)
        assert ProcedureIndexPage.can_create_at(home)

    def test_only_one_home_and_one_procedure_index(self, procedure_index):
        assert not ProcedureIndexPage.can_create_at(procedure_index.get_parent())


def test_each_section_is_rendered_under_its_question_in_order(client, procedure_index):
    page = factories.ProcedurePageFactory(parent=procedure_index, title="Occipital Nerve Block")
    html = client.get(page.url).content.decode()

    headings = h2_texts(html)
    expected = [q.format(t="Occipital Nerve Block") for q in QUESTIONS]
    assert [h for h in headings if h in expected] == expected
    assert html.count("<h1") == 1
    for section in ("Bring your medication list.", "To relieve pain.", "You lie on your side."):
        assert section in html
    # the serious risks follow their own lead-in, in their own list
    risks = html.split("What are the potential risks for Occipital Nerve Block?")[1]
    lead_in = risks.index("Rare but serious risks include:")
    assert risks.index("Soreness where the needle went in.") < lead_in < risks.index("Infection.")
    assert page.risks_intro in risks


def test_empty_optional_sections_are_left_out_with_their_heading(client, procedure_index):
    page = factories.ProcedurePageFactory(
        parent=procedure_index, title="Knee Injection", related_tests="", serious_risks=""
    )
    html = client.get(page.url).content.decode()
    assert "Are there related tests to Knee Injection?" not in html
    assert "Rare but serious risks include:" not in html
    assert "What are the potential risks for Knee Injection?" in html


def test_breadcrumb_byline_and_request_link(client, procedure_index, physician, request_page):
    page = factories.ProcedurePageFactory(
        parent=procedure_index,
        title="Lumbar Puncture",
        slug="lumbar-puncture",
        author=physician,
        reviewer=physician,
        first_published_at=datetime.datetime(2026, 9, 1, 12, tzinfo=datetime.UTC),
    )
    html = client.get(page.url).content.decode()
    crumbs = re.search(r'<nav class="breadcrumb".*?</nav>', html, re.S).group(0)
    assert re.findall(r">([^<>]+)</(?:a|span)>", crumbs) == [
        "Home",
        "Procedures",
        "Lumbar Puncture",
    ]
    assert 'href="/request-appointment/?procedure=lumbar-puncture"' in html
    byline = re.search(r'<dl class="byline">.*?</dl>', html, re.S).group(0)
    for label in ("By", "Reviewed by", "Published", "Last reviewed"):
        assert f"<dt>{label}</dt>" in byline
    assert "Elie Sader, MD" in byline
    assert "Sep 30th, 2026" in byline
    assert "Sep 1st, 2026" in byline


def test_more_procedures_lists_the_other_live_procedures(client, procedure_index):
    page = factories.ProcedurePageFactory(parent=procedure_index, title="Nerve Blocks")
    other = factories.ProcedurePageFactory(parent=procedure_index, title="Joint Injections")
    draft = factories.ProcedurePageFactory(parent=procedure_index, title="Secret Draft", live=False)
    html = client.get(page.url).content.decode()
    more = html.split('id="more-procedures"')[1]
    assert other.title in more
    assert "Secret Draft" not in html
    assert more.count("Nerve Blocks") == 0
    assert draft.title not in more


class TestEditorPublishing:
    @pytest.fixture
    def editor(self, django_user_model, procedure_index):
        """Someone allowed to publish procedures: publish granted on the procedures section."""
        user = django_user_model.objects.create_user("editor", password="pw-for-tests-only")
        group = Group.objects.create(name="Clinic editors")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        for perm in ("add_page", "change_page", "publish_page"):
            GroupPagePermission.objects.create(
                group=group,
                page=procedure_index,
                permission=Permission.objects.get(codename=perm),
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
            "last_reviewed": "2026-09-30",
        }
        for name in SECTION_FIELDS:
            data[name] = rich_text(getattr(page, name))
        data.update(changes)
        data["comments"] = inline_formset([])
        return nested_form_data(data)

    def test_editor_opens_the_edit_view(self, client, editor, procedure_index):
        page = factories.ProcedurePageFactory(parent=procedure_index)
        client.force_login(editor)
        response = client.get(f"/admin/pages/{page.id}/edit/")
        assert response.status_code == 200
        assert 'name="preparation"' in response.content.decode()

    def test_publishing_without_preparation_is_refused_on_the_field(
        self, client, editor, procedure_index
    ):
        page = factories.ProcedurePageFactory(parent=procedure_index, title="Nerve Blocks")
        client.force_login(editor)
        data = self.form_data(page, preparation=rich_text(""), title="Nerve Blocks v2")
        data["action-publish"] = "action-publish"
        response = client.post(f"/admin/pages/{page.id}/edit/", data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Add the “preparation” section before publishing" in html
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


def test_search_fields_cover_title_and_every_section():
    indexed = {f.field_name for f in ProcedurePage.search_fields}
    assert {
        "title",
        "overview",
        "preparation",
        "reasons",
        "during",
        "follow_up",
        "common_risks",
        "serious_risks",
        "related_tests",
    } <= indexed
