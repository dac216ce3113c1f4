"""`manage.py review_reminders`: each reviewer is emailed once per page and due date, with
titles and admin links only."""

import datetime
import io

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from practice.structured_data import text as plain_text
from reviews.models import ReviewReminder
from tests import factories

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def run(*args):
    out = io.StringIO()
    call_command("review_reminders", *args, stdout=out, stderr=out)
    return out.getvalue()


def admin_link(page):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "wagtailadmin_pages:edit", args=(page.pk,)
    )


@pytest.fixture
def reviewer(django_user_model, physician):
    """Dr. Sader's admin account, linked to his team member page."""
    user = django_user_model.objects.create_user(
        "sader", email="sader@example.test", password="pw-for-tests-only"
    )
    user.groups.add(Group.objects.get(name="Medical reviewers"))
    physician.user = user
    physician.save()
    return user


@pytest.fixture
def pages(procedure_index, physician, reviewer):
    def make(title, due, reviewer=physician):
        return factories.ProcedurePageFactory(
            parent=procedure_index,
            title=title,
            reviewer=reviewer,
            last_reviewed=due - datetime.timedelta(days=365) if due else None,
            next_review_due=due,
        )

    return {
        "overdue": make("Lumbar Puncture", days(-3)),
        "due_soon": make("Trigger Point Injection", days(20)),
        "fresh": make("Nerve Ablation", days(200)),
        "never": make("Botox for Migraine", None, reviewer=None),
    }


def test_reviewer_is_emailed_their_due_pages_once(pages, reviewer):
    output = run()
    run()  # the next day's cron, or a second run today

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["sader@example.test"]
    assert "Lumbar Puncture" in email.body
    assert "Trigger Point Injection" in email.body
    assert admin_link(pages["overdue"]) in email.body
    assert admin_link(pages["due_soon"]) in email.body
    assert "Nerve Ablation" not in email.body
    assert "Botox for Migraine" not in email.body
    assert "Sent 1 reminder email(s) about 2 page(s)" in output
    assert set(ReviewReminder.objects.values_list("page_id", "due_on")) == {
        (pages["overdue"].pk, days(-3)),
        (pages["due_soon"].pk, days(20)),
    }


def test_the_second_run_says_it_sent_nothing_new(pages):
    run()

    output = run()

    assert "Already reminded for the same due date: 2 page(s)" in output
    assert "Sent 0 reminder email(s) about 0 page(s)" in output


def test_email_carries_titles_and_links_and_no_page_text(pages):
    run()

    body = mail.outbox[0].body
    for page in (pages["overdue"], pages["due_soon"]):
        for section in page.sections:
            words = plain_text(section["body"])
            assert words not in body, section["id"]
        assert page.summary not in body
    link_lines = [line.strip() for line in body.splitlines() if "://" in line]
    assert link_lines == [admin_link(pages["overdue"]), admin_link(pages["due_soon"])]


def test_a_page_reviewed_again_is_reminded_for_its_new_due_date(pages):
    run()
    page = pages["overdue"]
    page.last_reviewed = days(-1)
    page.next_review_due = days(10)  # a short interval, due again soon
    page.save()

    run()

    assert len(mail.outbox) == 2
    second = mail.outbox[1].body
    assert "Lumbar Puncture" in second
    assert "Trigger Point Injection" not in second  # same due date as before: not again
    assert ReviewReminder.objects.filter(page=page).count() == 2


def test_a_reviewer_without_a_linked_account_is_named_and_not_emailed(procedure_index, home):
    about = factories.StandardPageFactory(parent=home, title="About", slug="about")
    locum = factories.TeamMemberPageFactory(parent=about, name="Lee Locum", credentials="MD")
    factories.ProcedurePageFactory(
        parent=procedure_index,
        title="Occipital Nerve Block",
        reviewer=locum,
        last_reviewed=days(-370),
        next_review_due=days(-5),
    )

    output = run()

    assert mail.outbox == []
    assert "Not sent: Lee Locum, MD has no linked admin account" in output
    assert "Occipital Nerve Block" in output
    assert not ReviewReminder.objects.exists()  # reminded once the account is linked


def test_a_reviewer_whose_account_has_no_email_is_named(pages, reviewer):
    reviewer.email = ""
    reviewer.save()

    output = run()

    assert mail.outbox == []
    assert "Not sent: Elie Sader, MD's account (sader) has no email address" in output


def test_pages_without_a_reviewer_go_to_the_medical_reviewers(
    pages, reviewer, procedure_index, django_user_model
):
    colleague = django_user_model.objects.create_user(
        "colleague", email="colleague@example.test", password="pw-for-tests-only"
    )
    colleague.groups.add(Group.objects.get(name="Medical reviewers"))
    orphan = factories.ProcedurePageFactory(
        parent=procedure_index,
        title="Spinal Cord Stimulation",
        reviewer=None,
        last_reviewed=days(-400),
        next_review_due=days(-30),
    )

    output = run()

    by_recipient = {email.to[0]: email.body for email in mail.outbox}
    assert set(by_recipient) == {"sader@example.test", "colleague@example.test"}
    # One email each: Dr. Sader's own pages and the page nobody reviews, together.
    assert "Lumbar Puncture" in by_recipient["sader@example.test"]
    assert "Spinal Cord Stimulation" in by_recipient["sader@example.test"]
    assert "Lumbar Puncture" not in by_recipient["colleague@example.test"]
    assert admin_link(orphan) in by_recipient["colleague@example.test"]
    assert "No reviewer: 1 page(s) (Spinal Cord Stimulation)" in output

    run()
    assert len(mail.outbox) == 2


def test_nothing_due_sends_nothing(procedure_index, physician, reviewer):
    factories.ProcedurePageFactory(
        parent=procedure_index,
        reviewer=physician,
        last_reviewed=days(-1),
        next_review_due=days(364),
    )

    output = run()

    assert mail.outbox == []
    assert "No clinical page is overdue or falls due within 30 days" in output


def test_dry_run_sends_and_records_nothing(pages):
    output = run("--dry-run")

    assert mail.outbox == []
    assert not ReviewReminder.objects.exists()
    assert "Would email Elie Sader (sader): Lumbar Puncture; Trigger Point Injection." in output


def test_drafts_never_published_are_not_reminded(procedure_index, physician, reviewer):
    factories.ProcedurePageFactory(
        parent=procedure_index,
        title="Unpublished Block",
        live=False,
        reviewer=physician,
        last_reviewed=days(-400),
        next_review_due=days(-30),
    )

    run()

    assert mail.outbox == []
