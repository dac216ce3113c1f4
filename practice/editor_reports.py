"""Admin reports for the people who write the site: who may see them, and the refusal others get.

Both the clinical review report and the search terms report are for anyone
who edits pages (superusers, Editors, Medical reviewers); staff without page
permissions (the front desk) get a plain 403, not Wagtail's redirect to the
dashboard, because hiding a menu item is no check.
"""

from django.template.response import TemplateResponse
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies.pages import PagePermissionPolicy

PAGE_EDIT_ACTIONS = ["change", "publish"]


def edits_pages(user):
    """Admin access and a change or publish permission somewhere in the page tree."""
    return (
        user.is_active
        and user.has_perm("wagtailadmin.access_admin")
        and PagePermissionPolicy().user_has_any_permission(user, PAGE_EDIT_ACTIONS)
    )


class EditorsReportMenuItem(MenuItem):
    """Shown in the Reports menu only to those who may open the report."""

    def is_shown(self, request):
        return edits_pages(request.user)


class EditorsOnlyMixin:
    """For a report view: refuse outright anyone who does not edit pages."""

    report_name = ""  # as the refusal names it, e.g. "the search terms report"

    def dispatch(self, request, *args, **kwargs):
        if not edits_pages(request.user):
            return TemplateResponse(
                request,
                "practice/admin/editors_only.html",
                {"report_name": self.report_name},
                status=403,
            )
        return super().dispatch(request, *args, **kwargs)
