"""Every picture a patient sees says what it shows, and only staff get the editor's userbar.

Images carry a description (their alt text) or a "decorative" mark (empty alt);
publishing a page with a picture that has neither is refused, naming it, while
drafts still save. Rich-text images carry their own alt text. Anonymous pages
carry no admin code; signed-in staff get the userbar with the site's checks.
"""

import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import get_page_models
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from practice.images import PatientPageForm
from practice.middleware import PUBLIC_CONTENT_SECURITY_POLICY
from practice.models import BODY_FEATURES, SEOMixin
from practice.wagtail_hooks import PatientContentChecker
from procedures.models import ProcedurePage
from procedures.sections import SECTION_FIELDS
from tests import factories

pytestmark = pytest.mark.django_db

CHECKED_RULES = {"heading-order", "empty-heading", "link-name", "image-alt", "alt-text-quality"}


@pytest.fixture
def superuser(django_user_model, home):
    return django_user_model.objects.create_superuser("boss", "boss@example.test", "pw-boss-1")


@pytest.fixture
def editor(django_user_model, home):
    user = django_user_model.objects.create_user("ed", "ed@example.test", "pw-editor-1")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.id,))


def procedure_form(page, **changes):
    page = page.get_latest_revision_as_object()
    data = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "kind": page.kind,
        "risks_intro": page.risks_intro,
        "hero_image": page.hero_image_id or "",
    }
    for name in (*SECTION_FIELDS, "aftercare_call_us", "aftercare_call_911"):
        data[name] = rich_text(getattr(page, name))
    data.update(changes)
    data["comments"] = inline_formset([])
    return nested_form_data(data)


def standard_form(page, **changes):
    page = page.get_latest_revision_as_object()
    data = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "body": rich_text(page.body, features=BODY_FEATURES),
    }
    data.update(changes)
    data["comments"] = inline_formset([])
    return nested_form_data(data)


def post(client, page, data, action=None):
    if action:
        data[action] = "1"
    return client.post(edit_url(page), data)


def errors(response):
    """The messages the edit view shows by its fields."""
    return [error.get_text(" ", strip=True) for error in soup(response).select(".error-message")]


@pytest.fixture
def procedure(procedure_index):
    return factories.ProcedurePageFactory(
        parent=procedure_index, title="Occipital Nerve Block", slug="occipital-nerve-block"
    )


@pytest.fixture
def about(home):
    return factories.StandardPageFactory(parent=home, title="About", slug="about")


class TestPublishingNeedsDescribedPictures:
    def test_an_undescribed_hero_image_is_refused_by_name_and_the_draft_still_saves(
        self, client, superuser, procedure
    ):
        door = factories.ImageFactory(title="Clinic front door", description="")
        client.force_login(superuser)

        response = post(
            client, procedure, procedure_form(procedure, hero_image=door.pk), "action-publish"
        )

        assert response.status_code == 200
        [message] = [e for e in errors(response) if "Clinic front door" in e]
        assert message.startswith("The image “Clinic front door” has no description")
        assert "or mark it decorative, before publishing" in message
        procedure.refresh_from_db()
        assert procedure.hero_image_id is None  # the live page is as it was

        draft = post(client, procedure, procedure_form(procedure, hero_image=door.pk))
        assert draft.status_code == 302
        procedure.refresh_from_db()
        assert procedure.has_unpublished_changes
        assert procedure.get_latest_revision_as_object().hero_image_id == door.pk
        assert procedure.hero_image_id is None

    def test_submitting_for_review_is_refused_too(self, client, editor, procedure):
        door = factories.ImageFactory(title="Clinic front door", description="")
        client.force_login(editor)
        response = post(
            client, procedure, procedure_form(procedure, hero_image=door.pk), "action-submit"
        )
        assert response.status_code == 200
        assert any("“Clinic front door” has no description" in e for e in errors(response))
        procedure.refresh_from_db()
        assert not procedure.workflow_in_progress

    def test_a_described_hero_image_publishes_and_its_description_is_the_alt_text(
        self, client, superuser, procedure
    ):
        door = factories.ImageFactory(
            title="IMG_2231", description="The clinic's front door, with a ramp to its left."
        )
        client.force_login(superuser)
        response = post(
            client, procedure, procedure_form(procedure, hero_image=door.pk), "action-publish"
        )
        assert response.status_code == 302
        client.logout()

        img = soup(client.get(procedure.url)).select_one("main img.hero-image")
        assert img["alt"] == "The clinic's front door, with a ramp to its left."

    def test_a_decorative_image_publishes_with_empty_alt_text(self, client, superuser, procedure):
        texture = factories.ImageFactory(
            title="Soft blue texture", description="", is_decorative=True
        )
        client.force_login(superuser)
        response = post(
            client, procedure, procedure_form(procedure, hero_image=texture.pk), "action-publish"
        )
        assert response.status_code == 302
        client.logout()

        img = soup(client.get(procedure.url)).select_one("main img.hero-image")
        assert img["alt"] == ""

    def test_the_social_image_is_not_shown_on_the_page_and_needs_no_description(
        self, client, superuser, procedure
    ):
        share = factories.ImageFactory(title="Share card", description="")
        client.force_login(superuser)
        data = procedure_form(procedure, social_image=share.pk)
        assert post(client, procedure, data, "action-publish").status_code == 302

    @pytest.mark.parametrize("kind", ["location", "team member"])
    def test_every_page_type_with_a_photo_refuses_an_undescribed_one(
        self, client, superuser, home, about, kind
    ):
        photo = factories.ImageFactory(title="Waiting room", description="")
        if kind == "location":
            index = factories.LocationIndexPageFactory(parent=home, slug="locations")
            page = factories.LocationPageFactory(parent=index, title="Stamford", slug="stamford")
            fields = {"summary": page.summary, "opening_hours": inline_formset([])}
        else:
            page = factories.TeamMemberPageFactory(parent=about, name="Elie Sader")
            fields = {"name": page.name, "hospital_affiliations": inline_formset([])}
        data = nested_form_data(
            {
                "title": page.title,
                "slug": page.slug,
                "photo": photo.pk,
                "comments": inline_formset([]),
                **fields,
            }
        )
        client.force_login(superuser)

        response = post(client, page, dict(data), "action-publish")
        assert response.status_code == 200
        assert any("“Waiting room” has no description" in e for e in errors(response))

        photo.description = "Chairs by a window in the waiting room."
        photo.save()
        assert post(client, page, dict(data), "action-publish").status_code == 302


class TestRichTextImages:
    @pytest.fixture
    def parking_map(self):
        # The image itself is undescribed: in rich text, the embed's own alt text counts.
        return factories.ImageFactory(title="Parking map", description="")

    def body(self, image, alt=None):
        alt_attr = "" if alt is None else f' alt="{alt}"'
        return (
            "<p>Where to park.</p>"
            f'<embed embedtype="image" format="fullwidth" id="{image.pk}"{alt_attr}/>'
        )

    def test_an_image_with_alt_text_publishes_with_it(self, client, superuser, about, parking_map):
        client.force_login(superuser)
        data = standard_form(
            about,
            body=rich_text(
                self.body(parking_map, "Map: the car park is behind the clinic."),
                features=BODY_FEATURES,
            ),
        )
        assert post(client, about, data, "action-publish").status_code == 302
        client.logout()
        img = soup(client.get(about.url)).select_one("main img")
        assert img["alt"] == "Map: the car park is behind the clinic."

    def test_an_image_marked_decorative_publishes_with_empty_alt(
        self, client, superuser, about, parking_map
    ):
        client.force_login(superuser)
        data = standard_form(
            about, body=rich_text(self.body(parking_map, ""), features=BODY_FEATURES)
        )
        assert post(client, about, data, "action-publish").status_code == 302
        client.logout()
        assert soup(client.get(about.url)).select_one("main img")["alt"] == ""

    def test_an_image_without_alt_text_is_refused_by_name(
        self, client, superuser, about, parking_map
    ):
        client.force_login(superuser)
        data = standard_form(about, body=rich_text(self.body(parking_map), features=BODY_FEATURES))
        response = post(client, about, dict(data), "action-publish")
        assert response.status_code == 200
        assert any(
            e.startswith("The image “Parking map” in “Body” has no alt text")
            for e in errors(response)
        )
        assert post(client, about, dict(data)).status_code == 302  # the draft saves


class TestAltTextComesFromTheImage:
    def test_portrait_and_clinic_photo_read_their_descriptions(self, client, home, about):
        portrait = factories.ImageFactory(
            title="sader.jpg", description="Dr. Elie Sader, smiling, in a white coat."
        )
        member = factories.TeamMemberPageFactory(parent=about, name="Elie Sader", photo=portrait)
        index = factories.LocationIndexPageFactory(parent=home, slug="locations")
        clinic = factories.LocationPageFactory(
            parent=index, photo=factories.ImageFactory(description="The clinic's entrance.")
        )

        assert soup(client.get(member.url)).select_one("main picture img")["alt"] == (
            "Dr. Elie Sader, smiling, in a white coat."
        )
        assert soup(client.get(clinic.url)).select_one("main picture img")["alt"] == (
            "The clinic's entrance."
        )

    def test_an_undescribed_picture_has_no_alt_for_the_checks_to_find_never_its_title(
        self, client, about
    ):
        photo = factories.ImageFactory(title="IMG_2231.jpg", description="")
        member = factories.TeamMemberPageFactory(parent=about, photo=photo)
        img = soup(client.get(member.url)).select_one("main picture img")
        assert not img.has_attr("alt")
        assert "IMG_2231" not in client.get(member.url).content.decode()

    def test_a_team_card_leaves_the_portrait_to_the_name_beside_it(self, client, about):
        team = factories.TeamIndexPageFactory(parent=about, slug="team")
        factories.TeamMemberPageFactory(
            parent=team, name="Avery Sample", photo=factories.ImageFactory()
        )
        card = soup(client.get(team.url)).select_one("main .card--person")
        assert card.select_one("img")["alt"] == ""
        assert "Avery Sample" in card.get_text()

    def test_the_image_library_offers_the_decorative_mark(self, admin_client, home):
        image = factories.ImageFactory()
        form = soup(admin_client.get(reverse("wagtailimages:edit", args=(image.pk,))))
        assert form.select_one('input[type="checkbox"][name="is_decorative"]') is not None
        assert get_image_model()._meta.label == "practice.SiteImage"


class TestTheUserbarIsForStaffOnly:
    def test_anonymous_pages_are_the_same_bytes_every_time_and_carry_no_admin_code(
        self, client, procedure
    ):
        first = client.get(procedure.url)
        second = client.get(procedure.url)
        assert first.status_code == second.status_code == 200
        assert first.content == second.content
        html = first.content.decode()
        for admin_code in ("wagtail-userbar", "userbar", "wagtailadmin", "checker-axe"):
            assert admin_code not in html
        assert first["Content-Security-Policy"] == PUBLIC_CONTENT_SECURITY_POLICY

    def test_a_signed_in_editor_gets_the_userbar_with_the_sites_checks(
        self, client, editor, procedure
    ):
        client.force_login(editor)
        response = client.get(procedure.url)
        page = soup(response)
        assert page.select_one("wagtail-userbar") is not None
        assert "Content-Security-Policy" not in response  # the userbar's scripts may run
        config = json.loads(page.select_one("#checker-axe-configuration").string)
        assert config["context"]["include"] == ["main"]
        assert set(config["options"]["runOnly"]) == CHECKED_RULES
        assert "image-alt" in config["messages"]

    def test_the_editors_checks_panel_runs_the_same_checks(self, client, superuser, about):
        client.force_login(superuser)
        page = soup(client.get(edit_url(about)))
        config = json.loads(page.select_one("#checker-axe-configuration").string)
        assert config["context"]["include"] == PatientContentChecker.axe_include
        assert set(config["options"]["runOnly"]) == CHECKED_RULES

        # The preview beside the editor carries the (hidden) userbar whose checker the panel runs.
        preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=(about.id,))
        assert client.post(preview_url, standard_form(about)).json()["is_valid"]
        preview = soup(client.get(preview_url, {"in_preview_panel": "true"}))
        assert preview.select_one("wagtail-userbar") is not None
        config = json.loads(preview.select_one("#checker-axe-configuration").string)
        assert set(config["options"]["runOnly"]) == CHECKED_RULES


def test_every_public_page_type_uses_the_form_that_checks_pictures():
    public_types = [model for model in get_page_models() if issubclass(model, SEOMixin)]
    assert ProcedurePage in public_types
    for model in public_types:
        assert issubclass(model.get_edit_handler().get_form_class(), PatientPageForm), model
