"""Where editors meet the review dates: the dashboard panel and the page explorer's column.

The explorer lists a clinical section's pages with a "Next review due" column:
Wagtail 8 has no hook that adds a column to the explorer, but lets a
`PageViewSet` registered for a page type customise the listing of the
parent pages that allow only that type as children (since Wagtail 7.4). So
each clinical page type gets a `PageViewSet` whose explorer listing is
Wagtail's own with one more column; its other views are Wagtail's defaults.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from wagtail.admin import messages
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.listing import ExplorableIndexView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.log_actions import log
from wagtail.models import Page

from reviews.due import DUE_STATES, State, due_counts, review_settings, state_of
from reviews.governance import clinical_page_models
from reviews.reports import report_url
from reviews.translations import (
    APPROVED_ACTION,
    may_approve,
    out_of_date,
    synced_translation,
    unapproved_machine_segments,
)


class ClinicalReviewPanel(Component):
    """Dashboard: how many clinical pages are never reviewed, overdue and due soon."""

    name = "clinical_review_due"
    order = 60
    template_name = "reviews/admin/dashboard_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        counts = due_counts(self.request.user, self.request)
        return {
            "rows": [
                {"state": state, "count": counts[state], "url": report_url(state.value)}
                for state in DUE_STATES
            ],
            "total": sum(counts.values()),
            "report_url": report_url(),
            "due_soon_days": review_settings(self.request).due_soon_days,
        }


class NextReviewDueColumn(Column):
    """The page's next review due date, tagged when never reviewed, overdue or due soon,
    and a translation tagged when its source changed since its review (reviews.translations)."""

    cell_template_name = "reviews/admin/next_review_due_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        days = review_settings(parent_context.get("request")).due_soon_days
        state = state_of(
            instance.last_reviewed, instance.next_review_due, timezone.localdate(), days
        )
        context["state"] = state
        context["state_label"] = state.label if state != State.CURRENT else ""
        context["urgent"] = state == State.OVERDUE
        context["source_changed"] = self.stale_translations(parent_context).get(instance.pk)
        return context

    def stale_translations(self, parent_context):
        """The listing's out-of-date translations, worked out once for all its rows."""
        table = parent_context["table"]
        if not hasattr(table, "stale_translations"):
            table.stale_translations = out_of_date(list(table.data))
        return table.stale_translations


def explorer_columns():
    """Wagtail's explorer columns, with "Next review due" before the status."""
    columns = list(ExplorableIndexView.base_columns)
    at = next(i for i, column in enumerate(columns) if column.name == "status")
    columns.insert(at, NextReviewDueColumn("next_review_due", label="Next review due", width="16%"))
    return columns


def clinical_page_viewsets():
    """One PageViewSet per clinical page type, for its section's explorer listing."""
    return [
        PageViewSet(model=model, columns=explorer_columns()) for model in clinical_page_models()
    ]


def approve_translation(request, page_id):
    """A translator or medical reviewer approves a page's machine translation: the
    passages as the machine wrote them, beside their source, then "Approve"."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    segments = unapproved_machine_segments(page).select_related("translation_of")
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    allowed = may_approve(request.user)
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        count = segments.count()
        if count:
            tools = sorted({segment.tool_name for segment in segments if segment.tool_name})
            log(
                page,
                APPROVED_ACTION,
                user=request.user,
                data={"segments": count, "machine_translators": tools},
            )
            messages.success(
                request, f"Machine translation of “{page.title}” approved: it may be published."
            )
        return redirect(edit_url)
    return TemplateResponse(
        request,
        "reviews/admin/approve_translation.html",
        {"page": page, "segments": segments, "may_approve": allowed, "edit_url": edit_url},
    )


def submit_translation(request, page_id):
    """Sends a synced translation to the medical review from wagtail-localize's editor,
    which has no such button: a revision made from its segments, and the workflow started."""
    page = get_object_or_404(Page, pk=page_id).specific
    translation = synced_translation(page)
    workflow = page.get_workflow()
    if (
        translation is None
        or workflow is None
        or not page.permissions_for_user(request.user).can_submit_for_moderation()
    ):
        raise PermissionDenied
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    if page.workflow_in_progress:
        messages.warning(request, f"“{page.title}” is already in {workflow.name.lower()}.")
        return redirect(edit_url)
    if request.method == "POST":
        # Not wagtail-localize's save_target(publish=False): it writes the translation
        # onto the live page too (wagtail-localize issue 655), before any review. A
        # revision only, as Wagtail's "Submit" saves, which the approval publishes.
        draft = translation.source.get_ephemeral_translated_instance(
            translation.target_locale, fallback=True
        )
        draft.save_revision(user=request.user)
        page.refresh_from_db()
        workflow.start(page, request.user)
        messages.success(request, f"“{page.title}” sent to {workflow.name.lower()}.")
        return redirect(edit_url)
    return TemplateResponse(
        request,
        "reviews/admin/submit_translation.html",
        {"page": page, "workflow": workflow, "edit_url": edit_url},
    )
