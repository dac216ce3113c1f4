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


# Machine translation (reviews.translations): a page whose machine-translated passages
# no person has approved is not published, whichever editor's button or POST asks.


@hooks.register("register_permissions")
def register_approve_translation_permission():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        content_type__app_label="reviews", codename="approve_machine_translation"
    )


@hooks.register("register_log_actions")
def register_translation_log_actions(actions):
    from reviews.translations import APPROVED_ACTION, REFUSED_ACTION

    actions.register_action(APPROVED_ACTION, "Translation approved", "Machine translation approved")
    actions.register_action(
        REFUSED_ACTION,
        "Publishing refused",
        "Publishing refused: machine translation not approved",
    )


def asks_to_publish(request):
    """Whether a POST to the page editor publishes: Wagtail's editor, wagtail-localize's, or an approval."""
    post = request.POST
    return bool(
        post.get("action-publish")
        or post.get("action") == "publish"  # wagtail-localize's translation editor
        or (post.get("action-workflow-action") and post.get("workflow-action-name") == "approve")
    )


def approval_url(page):
    return reverse("reviews_approve_translation", args=(page.pk,))


@hooks.register("before_edit_page")
def refuse_unapproved_machine_translation(request, page):
    """Refuse to publish, and say why; on opening the editor, say what is waiting."""
    from django.shortcuts import redirect

    from reviews.translations import unapproved_machine_segments
    from reviews.views import refused_for_machine_translation

    if request.method == "POST" and asks_to_publish(request):
        if refused_for_machine_translation(request, page):
            return redirect("wagtailadmin_pages:edit", page.pk)
        return None
    waiting = unapproved_machine_segments(page).count()
    if not waiting:
        return None
    button = [messages.button(approval_url(page), "Approve the translation")]
    if request.method == "GET":
        messages.warning(
            request,
            f"{waiting} passage{'s' if waiting != 1 else ''} of this page "
            f"{'were' if waiting != 1 else 'was'} machine-translated. It cannot be published "
            "until a translator or medical reviewer approves the translation.",
            buttons=button,
        )
    return None


@hooks.register("before_edit_page")
def offer_medical_review_of_a_translation(request, page):
    """wagtail-localize's editor has no "Submit": the editor of a translated clinical page
    is offered "Send to medical review" (reviews.views.submit_translation) instead."""
    from reviews.translations import synced_translation

    if request.method != "GET" or not is_clinical(page) or page.workflow_in_progress:
        return
    if page.get_workflow() is None or synced_translation(page) is None:
        return
    if not page.permissions_for_user(request.user).can_submit_for_moderation():
        return
    messages.info(
        request,
        "A translated clinical page is published by its own medical review. When the "
        "translation is ready, send it to the medical reviewers.",
        buttons=[
            messages.button(
                reverse("reviews_submit_translation", args=(page.pk,)), "Send to medical review"
            )
        ],
    )


@hooks.register("register_admin_urls")
def register_translation_urls():
    from django.urls import path

    from reviews.views import approve_translation, submit_translation

    return [
        path(
            "reviews/translation/<int:page_id>/approve/",
            approve_translation,
            name="reviews_approve_translation",
        ),
        path(
            "reviews/translation/<int:page_id>/submit/",
            submit_translation,
            name="reviews_submit_translation",
        ),
    ]


@hooks.register("before_edit_page")
def publish_translation_as_a_review(request, page):
    """ "Publish in Español" in wagtail-localize's editor, by a medical reviewer, is their
    review of the Spanish page, as "Publish" is in Wagtail's editor (record_direct_publish).

    Runs after the machine translation check; a page already in review is approved
    through the review, whose record the plain publish would skip.
    """
    from django.db import transaction
    from django.shortcuts import redirect
    from wagtail_localize.views.edit_translation import edit_translation

    from reviews.stamps import stamp_review
    from reviews.translations import synced_translation

    if request.method != "POST" or request.POST.get("action") != "publish":
        return None
    if not is_clinical(page):
        return None
    translation = synced_translation(page)
    if translation is None:
        return None
    if page.workflow_in_progress:
        messages.error(
            request,
            "Not published: this page is in medical review. Approve it (or request changes) "
            "from “Awaiting your review” on your dashboard.",
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    published_before = page.live_revision_id
    response = edit_translation(request, translation, page)

    def stamp():
        published = type(page.specific).objects.get(pk=page.pk)
        if not published.live or published.live_revision_id == published_before:
            return  # refused, or invalid: nothing was published
        member = linked_team_member(request.user)
        if member is None:
            messages.warning(
                request, f"Published without a medical review stamp. {NOT_LINKED_MESSAGE}"
            )
            return
        stamp_review(published, member, request.user)

    # wagtail-localize publishes once the transaction commits: stamp after it.
    transaction.on_commit(stamp)
    return response


@hooks.register("before_edit_page")
def tell_reviewers_where_to_approve_a_translation(request, page):
    """wagtail-localize's editor has no "Approve": its reviewer is sent to the dashboard's list."""
    from reviews.translations import synced_translation

    if request.method != "GET" or not reviews_it(request.user, page):
        return
    if synced_translation(page) is None:
        return
    messages.info(
        request,
        "The translation editor has no “Approve”: approve this page or request changes "
        "under “Awaiting your review” on your dashboard.",
        buttons=[messages.button(reverse("wagtailadmin_home"), "Dashboard")],
    )


# wagtail-localize's "Sync translated pages", kept to each translated page's own review
# (reviews.views.SyncTranslationsView): at wagtail-localize's own URL, so its buttons and
# links (reversed as "wagtail_localize:update_translations") reach it. Admin URLs resolve
# in hook order: first, before wagtail-localize's (tests/test_translation_review.py checks).
@hooks.register("register_admin_urls", order=-1)
def register_sync_translations_url():
    from django.urls import path

    from reviews.views import SyncTranslationsView

    return [
        path(
            "localize/update/<int:translation_source_id>/",
            SyncTranslationsView.as_view(),
            name="reviews_sync_translations",
        ),
    ]


# The explorer's bulk "Publish" in place of Wagtail's (same action type, registered after
# it): a page whose machine translation waits for approval is left out, and told why.
def register_bulk_publish():
    from reviews.views import PublishRefusingMachineTranslation

    hooks.register("register_bulk_action", PublishRefusingMachineTranslation, order=1)


register_bulk_publish()
