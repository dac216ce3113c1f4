"""Groups and the medical review workflow, in place of Wagtail's stock moderation.

- "Moderators" becomes "Medical reviewers"; "Editors" stays. Both may add,
  edit and publish across the tree; a site-wide publish right does not reach
  clinical pages (reviews.clinical.ClinicalPagePermissionTester): only a publish
  right granted on a clinical section does, and the reviewers get it there.
- Wagtail's "Moderators approval" workflow (every page, on the root) is
  switched off; the "Medical review" workflow (one task, approved by Medical
  reviewers) is attached to each clinical section: now to the existing ones,
  later by `reviews.signals` as sections are created.
"""

from django.db import migrations

EDITORS = "Editors"
REVIEWERS = "Medical reviewers"
STOCK_MODERATORS = "Moderators"
STOCK_WORKFLOW = "Moderators approval"
WORKFLOW = "Medical review"
CLINICAL_SECTIONS = [("procedures", "procedureindexpage"), ("conditions", "conditionindexpage")]
EVERYWHERE = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


def set_up(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    Task = apps.get_model("wagtailcore", "Task")
    MedicalReviewTask = apps.get_model("reviews", "MedicalReviewTask")

    reviewers = Group.objects.filter(name=STOCK_MODERATORS).first()
    if reviewers is not None:
        reviewers.name = REVIEWERS
        reviewers.save()
    else:
        reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    editors, _ = Group.objects.get_or_create(name=EDITORS)

    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    page_permissions = {
        codename: Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        for codename in EVERYWHERE
    }
    root = Page.objects.filter(depth=1).order_by("path").first()
    for group in (editors, reviewers):
        group.permissions.add(access_admin)
        if root is not None:
            for permission in page_permissions.values():
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root, permission=permission
                )

    # Wagtail's stock workflow sent every page to "Moderators": switched off.
    for workflow in Workflow.objects.filter(name=STOCK_WORKFLOW):
        WorkflowPage.objects.filter(workflow=workflow).delete()
        workflow.active = False
        workflow.save()
        Task.objects.filter(workflow_tasks__workflow=workflow).update(active=False)

    task_type, _ = ContentType.objects.get_or_create(
        app_label="reviews", model="medicalreviewtask"
    )
    task = MedicalReviewTask.objects.create(name=WORKFLOW, content_type=task_type, active=True)
    task.groups.set([reviewers])
    workflow = Workflow.objects.create(name=WORKFLOW, active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)

    for app_label, model in CLINICAL_SECTIONS:
        section_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        for section in Page.objects.filter(content_type=section_type):
            WorkflowPage.objects.get_or_create(page=section, defaults={"workflow": workflow})
            GroupPagePermission.objects.get_or_create(
                group=reviewers, page=section, permission=page_permissions["publish_page"]
            )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("procedures", "0003_review_interval_and_reading_grade"),
        ("conditions", "0003_review_interval_and_reading_grade"),
    ]

    operations = [migrations.RunPython(set_up, migrations.RunPython.noop)]
