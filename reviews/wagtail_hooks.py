"""Admin wiring for clinical review: history entries, publishing outside the
workflow, what a medical reviewer is offered and told, and the message an
unlinked reviewer sees."""

from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin import messages
from wagtail.log_actions import log

from reviews.governance import is_clinical
from reviews.models import NOT_LINKED_MESSAGE, MedicalReviewTask, linked_team_member


@hooks.register("insert_global_admin_css")
def review_panels_css():
    """The review panels' lists and the reading grades' disclosure, clickable on a locked page."""
    return format_html('<link rel="stylesheet" href="{}">', static("reviews/admin.css"))


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


def medical_review_task(page):
    """The page's current task if it is a medical review, else None."""
    task = page.current_workflow_task
    if task is None or not isinstance(task.specific, MedicalReviewTask):
        return None
    return task.specific


def reviews_it(user, page):
    """Whether `user` is one of the page's medical reviewers right now (the task offers them actions)."""
    task = medical_review_task(page)
    return task is not None and bool(task.get_actions(page, user))


@hooks.register("before_edit_page")
def tell_unlinked_reviewers(request, page):
    """A reviewer whose account is not linked is told why "Approve" is missing, and how to fix it."""
    if request.method != "GET" or not reviews_it(request.user, page):
        return
    if linked_team_member(request.user) is None:
        messages.warning(request, NOT_LINKED_MESSAGE)


@hooks.register("before_edit_page")
def show_reviewers_what_changed(request, page):
    """The reviewer opening a page in review is pointed to what changed since it was published."""
    if request.method != "GET" or not reviews_it(request.user, page):
        return
    if not page.live or page.live_revision_id is None:
        messages.info(
            request,
            "Waiting for your medical review. This page has never been published: "
            "review all of it.",
        )
        return
    compare = reverse(
        "wagtailadmin_pages:revisions_compare",
        args=(page.id, "live", page.get_latest_revision().id),
    )
    messages.info(
        request,
        "Waiting for your medical review. See what changed since the published page "
        "before you approve it.",
        buttons=[messages.button(compare, "What changed", new_window=True)],
    )


# Publish, Unpublish and Cancel workflow are hidden from a page's medical reviewer while
# it is in review: "Publish" beside "Approve and publish" did the same to the page but
# skipped the review's record. What they need: save their edits, request changes (with
# a comment: MedicalReviewTask), approve. Editors, reviewers of pages not in review,
# and superusers (who may need to unpublish at once), keep Wagtail's menu.
HIDDEN_FROM_REVIEWERS = {"action-publish", "action-unpublish", "action-cancel-workflow"}


@hooks.register("construct_page_action_menu")
def keep_reviewers_to_the_review(menu_items, request, context):
    page = context.get("page")
    if page is None or page.pk is None or request.user.is_superuser:
        return
    if not reviews_it(request.user, page):
        return
    menu_items[:] = [item for item in menu_items if item.name not in HIDDEN_FROM_REVIEWERS]


def confirm_approval(request, page):
    """After "Approve and publish" in the editor: what happened, and when the next review falls due."""
    if not request.POST.get("action-workflow-action"):
        return
    if request.POST.get("workflow-action-name") != "approve" or not is_clinical(page):
        return
    page = page.specific
    page.refresh_from_db()
    if not page.live or page.workflow_in_progress or page.next_review_due is None:
        return
    messages.success(
        request,
        f"“{page.title}” approved and published; next review due "
        f"{page.next_review_due:%b} {page.next_review_due.day}, {page.next_review_due.year}.",
    )


hooks.register("after_edit_page", confirm_approval)


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
