"""Clinical governance: who may publish clinical pages, the medical review workflow, and the
review stamps it leaves on the page, in the admin and on the public page."""

import datetime
import json

import pytest
from bs4 import BeautifulSoup
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry, Workflow
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from procedures.sections import SECTION_FIELDS
from reviews.models import ClinicalReviewSettings
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def make_user(django_user_model, username, group=None, **extra):
    user = django_user_model.objects.create_user(
        username, email=f"{username}@example.test", password="pw-for-tests-only", **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(django_user_model, home):
    return make_user(django_user_model, "editor", "Editors")


@pytest.fixture
def reviewer(django_user_model, physician):
    """A medical reviewer whose account is linked to Dr. Sader's team page."""
    user = make_user(django_user_model, "reviewer", "Medical reviewers")
    physician.user = user
    physician.save_revision().publish()
    return user


@pytest.fixture
def unlinked_reviewer(django_user_model, home):
    return make_user(django_user_model, "locum", "Medical reviewers")


@pytest.fixture
def front_desk(django_user_model, home):
    return make_user(django_user_model, "desk", "Front desk")


@pytest.fixture
def superuser(django_user_model, home):
    return django_user_model.objects.create_superuser("boss", "boss@example.test", "pw-boss-1")


@pytest.fixture
def procedure(procedure_index, physician):
    return factories.ProcedurePageFactory(
        parent=procedure_index,
        title="Occipital Nerve Block",
        slug="occipital-nerve-block",
        author=physician,
        reviewer=None,
        last_reviewed=None,
        next_review_due=None,
    )


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.id,))


def edit_form(page, **changes):
    """The editor's form as posted from the edit view, with `changes` applied."""
    page = page.get_latest_revision_as_object()
    data = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "kind": page.kind,
        "risks_intro": page.risks_intro,
        "review_interval_months": page.review_interval_months or "",
    }
    for name in (*SECTION_FIELDS, "aftercare_call_us", "aftercare_call_911"):
        data[name] = rich_text(getattr(page, name))
    data.update(changes)
    data["comments"] = inline_formset([])
    return nested_form_data(data)


def post_edit(client, page, *, action=None, **changes):
    data = edit_form(page, **changes)
    if action:
        data[action] = "1"
    return client.post(edit_url(page), data)


def submit_for_review(client, editor, page):
    client.force_login(editor)
    response = post_edit(client, page, action="action-submit", summary="Now with more detail.")
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.workflow_in_progress
    return page.current_workflow_task_state


def approve(client, user, page, task_state):
    client.force_login(user)
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.id, "approve", task_state.id))
    return client.post(url, {"comment": ""})


def json_ld(client, page):
    soup = BeautifulSoup(client.get(page.url).content, "html.parser")
    graph = json.loads(soup.select_one('script[type="application/ld+json"]').string)["@graph"]
    return next(node for node in graph if node["@type"] == "MedicalWebPage")


def byline(client, page):
    soup = BeautifulSoup(client.get(page.url).content, "html.parser")
    terms = soup.select("dl.byline dt")
    return {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True) for dt in terms
    }


class TestEditorsSubmitReviewersPublish:
    def test_an_editor_cannot_publish_a_procedure(self, client, editor, procedure):
        client.force_login(editor)
        response = post_edit(client, procedure, action="action-publish", summary="Changed.")

        assert response.status_code == 302  # saved as a draft instead
        procedure.refresh_from_db()
        assert procedure.summary != "Changed."
        assert procedure.has_unpublished_changes
        assert not procedure.permissions_for_user(editor).can_publish()

    def test_the_editor_is_offered_submit_and_not_publish(self, client, editor, procedure):
        client.force_login(editor)
        soup = BeautifulSoup(client.get(edit_url(procedure)).content, "html.parser")
        actions = {button.get("name") for button in soup.select("button[name^=action-]")}
        assert "action-submit" in actions
        assert "action-publish" not in actions

    def test_an_editor_still_publishes_non_clinical_pages(self, client, editor, home):
        about = factories.StandardPageFactory(parent=home, title="About", slug="about")
        assert about.permissions_for_user(editor).can_publish()
        assert home.permissions_for_user(editor).can_publish()

    def test_an_editor_cannot_create_and_publish_a_procedure_in_one_go(
        self, editor, procedure_index
    ):
        assert not procedure_index.permissions_for_user(editor).can_publish_subpage()

    def test_submitting_starts_the_medical_review(self, client, editor, procedure):
        task_state = submit_for_review(client, editor, procedure)
        assert task_state.task.name == "Medical review"
        assert procedure.get_workflow() == Workflow.objects.get(name="Medical review")

    def test_the_reviewers_approval_publishes_and_stamps_the_page(
        self, client, editor, reviewer, physician, procedure
    ):
        task_state = submit_for_review(client, editor, procedure)
        response = approve(client, reviewer, procedure, task_state)
        assert response.status_code == 302

        procedure.refresh_from_db()
        today = TODAY()
        assert procedure.summary == "Now with more detail."  # published
        assert procedure.reviewer_id == physician.pk
        assert procedure.last_reviewed == today
        assert procedure.next_review_due == today + relativedelta(months=12)

        client.logout()
        shown = byline(client, procedure)
        assert shown["Reviewed by"] == "Elie Sader, MD"
        assert shown["Last reviewed"] == today.strftime("%b ") + _ordinal(today) + today.strftime(
            ", %Y"
        )
        assert "Next review due" in shown
        node = json_ld(client, procedure)
        assert node["lastReviewed"] == today.isoformat()
        assert node["reviewedBy"]["name"] == "Elie Sader, MD"
        due = (today + relativedelta(months=12)).isoformat()
        assert due in node["disambiguatingDescription"]

    def test_the_stamps_survive_the_next_edit_and_publish(
        self, client, editor, reviewer, procedure
    ):
        """Publishing restores a page from its revision: the stamps must be in it."""
        approve(client, reviewer, procedure, submit_for_review(client, editor, procedure))
        client.force_login(editor)
        post_edit(client, procedure, summary="An editor's later draft.")
        approve(client, reviewer, procedure, submit_for_review(client, editor, procedure))
        procedure.refresh_from_db()
        assert procedure.last_reviewed == TODAY()
        assert procedure.reviewer is not None

    def test_a_page_may_ask_for_a_shorter_review_interval(
        self, client, editor, reviewer, procedure
    ):
        procedure.review_interval_months = 6
        procedure.save_revision().publish()
        approve(client, reviewer, procedure, submit_for_review(client, editor, procedure))
        procedure.refresh_from_db()
        assert procedure.next_review_due == TODAY() + relativedelta(months=6)

    def test_the_practice_sets_the_review_interval(self, client, editor, reviewer, procedure):
        ClinicalReviewSettings.objects.update_or_create(
            site=procedure.get_site(), defaults={"review_interval_months": 24}
        )
        approve(client, reviewer, procedure, submit_for_review(client, editor, procedure))
        procedure.refresh_from_db()
        assert procedure.next_review_due == TODAY() + relativedelta(months=24)


class TestUnlinkedReviewer:
    def test_approval_is_refused_and_the_page_stays_in_review(
        self, client, editor, unlinked_reviewer, procedure
    ):
        task_state = submit_for_review(client, editor, procedure)
        approve(client, unlinked_reviewer, procedure, task_state)

        procedure.refresh_from_db()
        assert procedure.workflow_in_progress
        assert procedure.last_reviewed is None
        assert procedure.summary != "Now with more detail."

    def test_the_editor_says_how_to_link_the_account(
        self, client, editor, unlinked_reviewer, procedure
    ):
        submit_for_review(client, editor, procedure)
        client.force_login(unlinked_reviewer)
        soup = BeautifulSoup(client.get(edit_url(procedure)).content, "html.parser")
        messages = soup.select_one(".messages").get_text(" ", strip=True)
        assert "not linked to a team member page" in messages
        assert "Admin account" in messages
        actions = {
            button.get("data-workflow-action-name") or button.get("value")
            for button in soup.select("[name=workflow-action-name], [data-workflow-action-name]")
        }
        assert "approve" not in actions


class TestPublishingOutsideTheWorkflow:
    def test_no_clinical_change_keeps_the_dates_and_says_so(self, client, reviewer, procedure):
        reviewed = TODAY() - datetime.timedelta(days=100)
        procedure.last_reviewed = reviewed
        procedure.next_review_due = reviewed + relativedelta(months=12)
        procedure.save_revision().publish()

        client.force_login(reviewer)
        response = post_edit(
            client,
            procedure,
            action="action-publish",
            summary="Fixed a typo.",
            no_clinical_change="on",
        )
        assert response.status_code == 302

        procedure.refresh_from_db()
        assert procedure.summary == "Fixed a typo."
        assert procedure.last_reviewed == reviewed
        entry = PageLogEntry.objects.filter(page=procedure, action="reviews.no_clinical_change")
        assert entry.exists()
        history = client.get(reverse("wagtailadmin_pages:history", args=(procedure.id,)))
        assert "no clinical change" in history.content.decode()

    def test_a_reviewers_own_publish_is_a_review(self, client, reviewer, physician, procedure):
        client.force_login(reviewer)
        post_edit(client, procedure, action="action-publish", summary="Reviewed and updated.")
        procedure.refresh_from_db()
        assert procedure.last_reviewed == TODAY()
        assert procedure.reviewer_id == physician.pk

    def test_editors_cannot_type_the_review_stamps(self, client, editor, procedure):
        client.force_login(editor)
        post_edit(client, procedure, last_reviewed="2020-01-01", summary="Draft.")
        draft = procedure.get_latest_revision_as_object()
        assert draft.last_reviewed is None
        soup = BeautifulSoup(client.get(edit_url(procedure)).content, "html.parser")
        assert soup.select_one('[name="last_reviewed"]') is None

    def test_a_superuser_may_correct_them(self, client, superuser, procedure):
        client.force_login(superuser)
        soup = BeautifulSoup(client.get(edit_url(procedure)).content, "html.parser")
        assert soup.select_one('[name="last_reviewed"]') is not None


class TestPermissionMatrix:
    """Who may do what: anonymous, editor, reviewer, front desk, superuser."""

    @pytest.fixture
    def people(self, editor, reviewer, front_desk, superuser):
        return {
            "editor": editor,
            "reviewer": reviewer,
            "front desk": front_desk,
            "superuser": superuser,
        }

    EXPECTED = {
        #              edit a procedure, publish it, see requests
        "anonymous": (False, False, False),
        "editor": (True, False, False),
        "reviewer": (True, True, False),
        "front desk": (False, False, True),
        "superuser": (True, True, True),
    }

    def can(self, client, user, procedure):
        client.logout()
        if user is not None:
            client.force_login(user)
        edit = client.get(edit_url(procedure)).status_code == 200
        requests = client.get(reverse("appointment_requests:index")).status_code == 200
        publish = user is not None and procedure.permissions_for_user(user).can_publish()
        return (edit, publish, requests)

    def test_matrix(self, client, people, procedure):
        actual = {"anonymous": self.can(client, None, procedure)}
        for name, user in people.items():
            actual[name] = self.can(client, user, procedure)
        assert actual == self.EXPECTED


class TestEditingComforts:
    @pytest.mark.parametrize(
        "make_page",
        [
            lambda home, index: factories.ProcedurePageFactory(parent=index),
            lambda home, index: factories.StandardPageFactory(parent=home),
        ],
        ids=["procedure", "standard page"],
    )
    def test_revisions_can_be_compared(self, client, superuser, procedure_index, make_page):
        page = make_page(procedure_index.get_parent(), procedure_index)
        first = page.save_revision()
        page.title = "A new title"
        second = page.save_revision()
        client.force_login(superuser)
        url = reverse("wagtailadmin_pages:revisions_compare", args=(page.id, first.id, second.id))
        response = client.get(url)
        assert response.status_code == 200
        assert "A new title" in response.content.decode()

    def test_a_scheduled_change_goes_live_when_publish_scheduled_runs(self, procedure):
        procedure.save_revision().publish()
        procedure.refresh_from_db()
        draft = procedure.get_latest_revision_as_object()
        draft.summary = "Scheduled change."
        draft.go_live_at = timezone.now() + datetime.timedelta(hours=1)
        revision = draft.save_revision()
        revision.publish()  # with a go-live date this schedules the revision
        procedure.refresh_from_db()
        assert procedure.summary != "Scheduled change."

        # An hour passes: the go-live time is now in the past.
        revision.refresh_from_db()
        past = timezone.now() - datetime.timedelta(minutes=1)
        revision.approved_go_live_at = past
        revision.content["go_live_at"] = past.isoformat()
        revision.save(update_fields=["approved_go_live_at", "content"])
        call_command("publish_scheduled")
        procedure.refresh_from_db()
        assert procedure.summary == "Scheduled change."


def _ordinal(day):
    n = day.day
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class TestAddingClinicalPages:
    def test_the_add_form_opens_for_an_editor_and_a_superuser(
        self, client, editor, superuser, procedure_index
    ):
        url = reverse(
            "wagtailadmin_pages:add", args=("procedures", "procedurepage", procedure_index.id)
        )
        for user in (editor, superuser):
            client.force_login(user)
            assert client.get(url).status_code == 200


def test_an_editor_previews_a_procedure_with_its_conditions(client, editor, procedure):
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(procedure.id,))
    data = edit_form(procedure, title="Previewed Nerve Block")
    assert client.post(url, data).json()["is_valid"]
    page = BeautifulSoup(client.get(url).content, "html.parser")
    assert page.select_one("main h1").get_text(strip=True) == "Previewed Nerve Block"


def menu(client, user, page):
    """The labels of what the edit view's action menu offers `user` (buttons and links)."""
    client.force_login(user)
    soup = BeautifulSoup(client.get(edit_url(page)).content, "html.parser")
    items = soup.select_one("footer").select("button, a")
    return {" ".join(item.get_text().split()) for item in items} - {"More actions"}


REVIEW_CHOICES = {"Request changes", "Approve and Publish", "Approve with comment and Publish"}


def shown_messages(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [" ".join(li.get_text().split()) for li in soup.select(".messages li")]


class TestWhatTheReviewerSees:
    def test_the_reviewer_is_offered_the_review_not_publish_or_unpublish(
        self, client, editor, reviewer, procedure
    ):
        procedure.save_revision().publish()
        submit_for_review(client, editor, procedure)

        offered = menu(client, reviewer, procedure)

        assert offered == {"Save draft", *REVIEW_CHOICES}
        # The editor who submitted it may still take it back.
        offered = menu(client, editor, procedure)
        assert "Cancel workflow" in offered
        assert not offered & REVIEW_CHOICES

    def test_a_superuser_keeps_the_whole_menu(self, client, editor, superuser, procedure):
        procedure.save_revision().publish()
        submit_for_review(client, editor, procedure)

        offered = menu(client, superuser, procedure)

        # (Not linked to a team member page: offered "Request changes", not "Approve".)
        assert offered >= {"Publish", "Unpublish", "Request changes"}

    def test_out_of_review_the_reviewer_publishes_as_before(self, client, reviewer, procedure):
        procedure.save_revision().publish()

        offered = menu(client, reviewer, procedure)

        assert {"Publish", "Unpublish"} <= offered
        assert not offered & REVIEW_CHOICES

    def test_the_reviewer_is_linked_to_what_changed_since_publishing(
        self, client, editor, reviewer, procedure
    ):
        procedure.save_revision().publish()
        submit_for_review(client, editor, procedure)
        procedure.refresh_from_db()

        client.force_login(reviewer)
        soup = BeautifulSoup(client.get(edit_url(procedure)).content, "html.parser")
        link = next(a for a in soup.select(".messages a") if "What changed" in a.get_text())
        message = " ".join(link.find_parent("li").get_text().split())
        assert message.startswith("Waiting for your medical review. See what changed")
        compare = reverse(
            "wagtailadmin_pages:revisions_compare",
            args=(procedure.id, "live", procedure.latest_revision_id),
        )
        assert link["href"] == compare
        diff = client.get(compare)
        assert diff.status_code == 200
        assert "Now with more detail." in diff.content.decode()

    def test_a_page_never_published_is_reviewed_whole(self, client, editor, reviewer, procedure):
        submit_for_review(client, editor, procedure)

        client.force_login(reviewer)
        messages = shown_messages(client.get(edit_url(procedure)))
        assert (
            "Waiting for your medical review. This page has never been published: "
            "review all of it." in messages
        )

    def test_approving_says_when_the_next_review_is_due(self, client, editor, reviewer, procedure):
        submit_for_review(client, editor, procedure)
        client.force_login(reviewer)
        data = edit_form(procedure)
        data["action-workflow-action"] = "1"
        data["workflow-action-name"] = "approve"

        response = client.post(edit_url(procedure), data, follow=True)

        due = TODAY() + relativedelta(months=12)
        assert (
            f"“Occipital Nerve Block” approved and published; next review due "
            f"{due:%b} {due.day}, {due.year}." in shown_messages(response)
        ), shown_messages(response)

    def test_requesting_changes_needs_a_comment(self, client, editor, reviewer, procedure):
        task_state = submit_for_review(client, editor, procedure)
        client.force_login(reviewer)
        url = reverse(
            "wagtailadmin_pages:workflow_action", args=(procedure.id, "reject", task_state.id)
        )

        # As the "Request changes" dialog posts it.
        refused = client.post(url, {"comment": ""}, headers={"x-requested-with": "XMLHttpRequest"})
        task_state.refresh_from_db()
        assert task_state.status == "in_progress"
        assert "Say what needs to change" in refused.content.decode()

        client.post(url, {"comment": "Say how long the numbness lasts."})
        task_state.refresh_from_db()
        assert task_state.status == "rejected"
        assert task_state.comment == "Say how long the numbness lasts."

    def test_wagtail_says_medical_review_not_moderation(self, client, editor, reviewer, procedure):
        client.force_login(editor)
        data = edit_form(procedure, summary="Now with more detail.")
        data["action-submit"] = "1"
        response = client.post(edit_url(procedure), data, follow=True)

        assert shown_messages(response)[0].startswith(
            "Page 'Occipital Nerve Block' has been submitted for medical review."
        )
        for user in (editor, reviewer):
            client.force_login(user)
            page = client.get(edit_url(procedure)).content.decode()
            assert "In medical review" in page
            assert "moderation" not in page.lower()

    def test_the_reviewers_email_links_to_what_changed(
        self, client, editor, reviewer, procedure, mailoutbox
    ):
        procedure.save_revision().publish()
        submit_for_review(client, editor, procedure)
        procedure.refresh_from_db()

        (email,) = [message for message in mailoutbox if reviewer.email in message.to]
        compare = reverse(
            "wagtailadmin_pages:revisions_compare",
            args=(procedure.id, "live", procedure.latest_revision_id),
        )
        line = next(line for line in email.body.splitlines() if line.startswith("What changed"))
        assert line.startswith("What changed since the published page: ")
        assert line.endswith(compare)
        assert "submitted for Medical review" in email.subject
        assert "moderation" not in (email.subject + email.body).lower()
