"""Where editors meet the review dates: the dashboard panel and the page explorer's column.

The explorer lists a clinical section's pages with a "Next review due" column:
Wagtail 8 has no hook that adds a column to the explorer, but lets a
`PageViewSet` registered for a page type customise the listing of the
parent pages that allow only that type as children (since Wagtail 7.4). So
each clinical page type gets a `PageViewSet` whose explorer listing is
Wagtail's own with one more column; its other views are Wagtail's defaults.
"""

from django.utils import timezone
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.listing import ExplorableIndexView
from wagtail.admin.viewsets.pages import PageViewSet

from reviews.due import DUE_STATES, State, due_counts, review_settings, state_of
from reviews.governance import clinical_page_models
from reviews.reports import report_url


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
    """The page's next review due date, tagged when never reviewed, overdue or due soon."""

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
        return context


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
