"""The editor's content checks run in the browser: the userbar on the live site and the
Checks panel beside the editor's preview find an empty heading and a picture without
alt text, and nothing on the demo's own pages; on a clinical page the Checks panel's
Readability is the Reading level panel's verdict."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from playwright.sync_api import Page, expect
from wagtail.models import GroupPagePermission, Site

from locations.models import LocationPage
from practice.models import StandardPage
from procedures.models import ProcedurePage
from team.models import TeamMemberPage
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "checks-editor-pw-2026"
# axe-core runs once per page load; on a slow machine it takes a few seconds.
CHECKS_TIMEOUT_MS = 20_000


@pytest.fixture
def editor(demo, django_user_model):
    """A member of staff who may use the admin and edit the site's pages.

    The rights are granted here rather than through the "Editors" group: a
    database emptied by an earlier transactional test may hold that group
    without the permissions its migration gave it.
    """
    group = Group.objects.create(name="Checks editors")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    for codename in ("add_page", "change_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=Site.objects.get(is_default_site=True).root_page,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    user = django_user_model.objects.create_user("checks-editor", "ce@example.test", PASSWORD)
    user.groups.add(group)
    return user


def sign_in(page, live_server, user):
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


@pytest.fixture
def blocked(page):
    """What the browser refused to run under the Content-Security-Policy."""
    refused = []
    page.on("console", lambda msg: "Content Security" in msg.text and refused.append(msg.text))
    return refused


def userbar_checks(page, url):
    """Open `url`, wait for the userbar's checker, and return the issues it lists."""
    page.goto(url)
    count = page.locator("wagtail-userbar [data-content-checker-count]").first
    expect(count).to_have_text(re.compile(r"^\d+$"), timeout=CHECKS_TIMEOUT_MS)
    page.locator("wagtail-userbar #wagtail-userbar-trigger").click()
    page.locator("wagtail-userbar #checker-trigger").click()
    dialog = page.locator("wagtail-userbar #checker-results")
    expect(dialog).to_be_visible()
    names = dialog.locator("[data-content-checker-name]").all_text_contents()
    assert int(count.text_content()) == len(names)
    return names


def test_the_userbar_finds_an_empty_heading_and_nothing_on_the_demo_pages(
    page: Page, live_server, editor, blocked
):
    page.set_viewport_size(DESKTOP)
    about = StandardPage.objects.get(slug="about")
    careless = factories.StandardPageFactory(
        parent=about,
        title="Parking",
        slug="parking",
        body="<h2>Where to park</h2><p>Behind the clinic.</p><h2></h2><p>Bring a coin.</p>",
    )
    careless.save_revision().publish()
    sign_in(page, live_server, editor)

    assert userbar_checks(page, live_server.url + careless.url) == ["Empty heading found"]

    # A procedure, a portrait and a clinic photo, as the demo publishes them.
    physician = TeamMemberPage.objects.get(slug="meet-dr-sader")
    clinic = LocationPage.objects.filter(photo__isnull=False).first()
    for clean in ("/procedures/lumbar-puncture/", physician.url, clinic.url):
        assert userbar_checks(page, live_server.url + clean) == [], clean
    assert blocked == []  # signed in, the userbar's scripts are allowed to run


def test_the_checks_panel_finds_a_picture_without_alt_text_in_the_preview(
    page: Page, live_server, editor
):
    page.set_viewport_size(DESKTOP)
    member = TeamMemberPage.objects.get(slug="meet-dr-sader")
    undescribed = factories.ImageFactory(title="New headshot", description="")
    member.photo = undescribed
    member.save_revision()  # a draft: publishing it would be refused
    sign_in(page, live_server, editor)

    page.goto(f"{live_server.url}/admin/pages/{member.id}/edit/")
    page.get_by_role("button", name="Toggle checks").click()
    panel = page.locator("[data-side-panel='checks']")
    expect(panel.locator("[data-content-checker-count]").first).to_have_text(
        "1", timeout=CHECKS_TIMEOUT_MS
    )
    expect(panel.locator("[data-content-checker-name]")).to_have_text(["Image without alt text"])


HARD_TEXT = (
    "Preoperative anticoagulation management necessitates individualized multidisciplinary "
    "consultation regarding thromboembolic complications and perioperative hemorrhagic "
    "considerations."
)


def test_reading_level_opens_with_a_click_and_agrees_with_the_checks_panel(
    page: Page, live_server, editor, django_user_model
):
    """On a page locked by someone else (as in review) Wagtail makes panel content
    unclickable; the section grades still open with the mouse, keep their bullets, and the
    Checks panel's Readability gives the Reading level panel's verdict, not Wagtail's own."""
    page.set_viewport_size(DESKTOP)
    procedure = ProcedurePage.objects.get(slug="lumbar-puncture")
    draft = procedure.get_latest_revision_as_object()
    draft.preparation = f"<p>{HARD_TEXT}</p>"
    draft.save_revision()
    colleague = django_user_model.objects.create_superuser("colleague", "c@example.test", "x-pw-1")
    ProcedurePage.objects.filter(pk=procedure.pk).update(
        locked=True, locked_by=colleague, locked_at=timezone.now()
    )
    sign_in(page, live_server, editor)

    page.goto(f"{live_server.url}/admin/pages/{procedure.id}/edit/")
    reading_level = page.locator(".reading-grades")
    expect(reading_level.locator(".reading-grades__verdict")).to_contain_text(
        "Readability: Above target."
    )
    sections = reading_level.locator(".reading-grades__sections")
    expect(sections).to_be_hidden()
    reading_level.get_by_text("Grade of each section").click()
    expect(sections).to_be_visible()
    expect(sections.locator("li").first).to_have_css("list-style-type", "disc")
    # The hard section is among those above the target (the demo's others may be too).
    expect(
        reading_level.locator(
            ".reading-grades__above li", has_text="How do you prepare for a lumbar puncture?"
        )
    ).to_have_count(1)

    page.get_by_role("button", name="Toggle checks").click()
    checks = page.locator("[data-side-panel='checks']")
    expect(checks.locator("[data-content-word-count]")).to_have_text(
        re.compile(r"^\d+$"), timeout=CHECKS_TIMEOUT_MS
    )  # the preview has been read: Wagtail's script has run
    expect(checks.locator("[data-reading-level-verdict]")).to_have_text("Above target")
    expect(checks).not_to_contain_text("Good")
