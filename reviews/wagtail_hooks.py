"""Admin wiring for clinical review: history entries, publishing outside the
workflow, and the message an unlinked reviewer sees."""

from wagtail import hooks
from wagtail.admin import messages
from wagtail.log_actions import log

from reviews.governance import is_clinical
from reviews.models import NOT_LINKED_MESSAGE, MedicalReviewTask, linked_team_member


@hooks.register("register_log_actions")
def register_review_log_actions(actions):
    actions.register_action("reviews.stamp", "Medical review", "Medical review recorded")
    actions.register_action(
        "reviews.no_clinical_change",
        "No clinical change",
        "Published with no clinical change: review dates kept",
    )


def record_direct_publish(request, page):
    """A reviewer publishing outside the workflow: a review, unless marked "no clinical change"."""
    from reviews.stamps import stamp_review

    if not request.POST.get("action-publish") or not is_clinical(page):
        return
    page = page.specific
    page.refresh_from_db()
    if not page.live or page.go_live_at:  # scheduled: stamped by nobody until it goes live
        return
    if request.POST.get("no_clinical_change"):
        log(
            page,
            "reviews.no_clinical_change",
            user=request.user,
            revision=page.live_revision,
            data={"revision": page.live_revision_id},
        )
        return
    member = linked_team_member(request.user)
    if member is None:
        messages.warning(request, f"Published without a medical review stamp. {NOT_LINKED_MESSAGE}")
        return
    stamp_review(page, member, request.user)


hooks.register("after_edit_page", record_direct_publish)
hooks.register("after_create_page", record_direct_publish)


@hooks.register("before_edit_page")
def tell_unlinked_reviewers(request, page):
    """A reviewer whose account is not linked is told why "Approve" is missing, and how to fix it."""
    if request.method != "GET":
        return
    task = page.current_workflow_task
    if task is None or not isinstance(task.specific, MedicalReviewTask):
        return
    task = task.specific
    if task.get_actions(page, request.user) and linked_team_member(request.user) is None:
        messages.warning(request, NOT_LINKED_MESSAGE)


# The "Clinical review due" report, its dashboard panel, and the explorer's "Next review due".


@hooks.register("register_admin_urls")
def register_review_report_urls():
    from django.urls import path

    from reviews.reports import ClinicalReviewDueView

    return [
        path(
            "reports/clinical-review-due/",
            ClinicalReviewDueView.as_view(),
            name="reviews_clinical_review_due",
        ),
        path(
            "reports/clinical-review-due/results/",
            ClinicalReviewDueView.as_view(results_only=True),
            name="reviews_clinical_review_due_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_review_report_menu_item():
    from django.urls import reverse

    from practice.editor_reports import EditorsReportMenuItem

    return EditorsReportMenuItem(
        "Clinical review due",
        reverse("reviews_clinical_review_due"),
        name="clinical-review-due",
        icon_name="doc-full",
        order=650,
    )


@hooks.register("construct_homepage_panels")
def add_clinical_review_panel(request, panels):
    from practice.editor_reports import edits_pages
    from reviews.views import ClinicalReviewPanel

    if edits_pages(request.user):
        panels.append(ClinicalReviewPanel(request))


@hooks.register("register_admin_viewset")
def register_clinical_page_listings():
    from reviews.views import clinical_page_viewsets

    return clinical_page_viewsets()
