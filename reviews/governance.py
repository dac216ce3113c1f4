"""Which page types are clinical, and what a clinical section of the tree gets.

A clinical section's index (e.g. /procedures/) carries the "Medical review"
workflow and grants the task's groups publish permission there, as rows a
practice can change in Settings › Workflows and Settings › Groups.
"""

from django.apps import apps
from django.contrib.auth.models import Permission
from wagtail.models import GroupPagePermission, Workflow, WorkflowPage

from reviews.clinical import ClinicalReviewMixin, ClinicalSectionMixin

WORKFLOW_NAME = "Medical review"


def clinical_page_models():
    """Every page type that carries review stamps (procedures, conditions, any later one)."""
    return [model for model in apps.get_models() if issubclass(model, ClinicalReviewMixin)]


def is_clinical(page):
    return isinstance(page.specific, ClinicalReviewMixin)


def is_clinical_section(page):
    return isinstance(page, ClinicalSectionMixin)


def medical_review_workflow():
    from reviews.models import MedicalReviewTask

    tasks = MedicalReviewTask.objects.filter(active=True)
    return (
        Workflow.objects.filter(active=True, workflow_tasks__task__in=tasks).order_by("pk").first()
    )


def govern_section(index_page):
    """Put a clinical section under medical review: its workflow and its reviewers' publish right."""
    workflow = medical_review_workflow()
    if workflow is None:
        return
    WorkflowPage.objects.get_or_create(page=index_page, defaults={"workflow": workflow})
    publish = Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page")
    for workflow_task in workflow.workflow_tasks.select_related("task"):
        for group in getattr(workflow_task.task.specific, "groups", None).all():
            GroupPagePermission.objects.get_or_create(
                group=group, page=index_page, permission=publish
            )
