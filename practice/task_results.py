"""Background work in the admin (Settings › Background tasks): what ran, what failed, retry.

A read-only list of django-tasks-db's results for superusers: the task's
name, its status, how many tries it took and the error's class. Never its
arguments or return value: a task's arguments are ids today, but the list
must not become a way to read what a task was given. A failed task can be
queued again with the same arguments.
"""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet


def task_label(result):
    """ "appointments.tasks.notify_front_desk" -> "Notify front desk"."""
    name = result.task_path.rsplit(".", 1)[-1]
    return name.replace("_", " ").capitalize()


def tries(result):
    """Which try this row is: our tasks re-queue themselves with `attempt`, an int."""
    kwargs = (result.args_kwargs or {}).get("kwargs") or {}
    attempt = kwargs.get("attempt", 1)
    return attempt if isinstance(attempt, int) else 1


def error_class(result):
    return result.exception_class_path.rsplit(".", 1)[-1] if result.exception_class_path else ""


class TaskResultFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=TaskResultStatus.choices, empty_label="All")

    class Meta:
        model = DBTaskResult
        fields = ["status"]


class RetryColumn(Column):
    """A "Retry" button on failed tasks."""

    cell_template_name = "practice/admin/retry_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["failed"] = instance.status == TaskResultStatus.FAILED
        context["retry_url"] = reverse("background_tasks:retry", args=(instance.pk,))
        context["csrf_token"] = parent_context.get("csrf_token")
        return context


class TaskResultIndexView(generic.IndexView):
    default_ordering = "-enqueued_at"

    @property
    def columns(self):
        return [
            Column("task", label="Task", accessor=task_label),
            Column("status", label="Status", accessor="get_status_display", sort_key="status"),
            Column("tries", label="Try", accessor=tries),
            Column("error", label="Error", accessor=error_class),
            Column("enqueued_at", label="Queued", sort_key="enqueued_at"),
            Column("finished_at", label="Finished", sort_key="finished_at"),
            RetryColumn("retry", label="Retry"),
        ]


class TaskResultViewSet(ModelViewSet):
    model = DBTaskResult
    icon = "cogs"
    menu_label = "Background tasks"
    add_to_settings_menu = True
    url_prefix = "background-tasks"
    index_view_class = TaskResultIndexView
    filterset_class = TaskResultFilterSet
    inspect_view_enabled = True
    inspect_view_fields = [
        "status",
        "task_path",
        "queue_name",
        "enqueued_at",
        "started_at",
        "finished_at",
        "run_after",
        "exception_class_path",
    ]
    list_per_page = 50
    form_fields = []

    def get_urlpatterns(self):
        keep = {"index", "index_results", "inspect"}
        patterns = [pattern for pattern in super().get_urlpatterns() if pattern.name in keep]
        return patterns + [path("<str:pk>/retry/", retry, name="retry")]

    def get_common_view_kwargs(self, **kwargs):
        # Read-only: nothing is added, edited or deleted by hand.
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "edit_url_name": None, "delete_url_name": None, **kwargs}
        )


@require_POST
def retry(request, pk):
    """Queue a failed task again with the same arguments (ids), as a new try."""
    if not request.user.is_superuser:
        raise PermissionDenied
    result = get_object_or_404(DBTaskResult, pk=pk, status=TaskResultStatus.FAILED)
    arguments = result.args_kwargs or {}
    kwargs = {key: value for key, value in (arguments.get("kwargs") or {}).items()}
    kwargs.pop("attempt", None)  # a retry by hand starts its tries afresh
    result.task.enqueue(*arguments.get("args", []), **kwargs)
    messages.success(request, f"“{task_label(result)}” is queued again.")
    return redirect(reverse("background_tasks:index"))
