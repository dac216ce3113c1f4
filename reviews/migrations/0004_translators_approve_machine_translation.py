"""Who may approve a machine translation: a "Translators" group, and the medical reviewers.

A page whose passages a machine translated is published only after one of
them approves it (reviews.translations). Translators edit pages (translations
are edited in wagtail-localize's editor, which needs edit permission) but
publish nothing: the permission is theirs to approve the words, not to publish.
"""

from django.db import migrations

TRANSLATORS = "Translators"
REVIEWERS = "Medical reviewers"
CODENAME = "approve_machine_translation"


def set_up(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")

    task_type, _ = ContentType.objects.get_or_create(
        app_label="reviews", model="medicalreviewtask"
    )
    # Made here: Django makes a model's permissions only after all migrations ran.
    approve, _ = Permission.objects.get_or_create(
        content_type=task_type,
        codename=CODENAME,
        defaults={"name": "Can approve a machine translation for publishing"},
    )
    translators, _ = Group.objects.get_or_create(name=TRANSLATORS)
    translators.permissions.add(
        approve,
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
    )
    change_page = Permission.objects.get(
        content_type__app_label="wagtailcore", codename="change_page"
    )
    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is not None:
        GroupPagePermission.objects.get_or_create(
            group=translators, page=root, permission=change_page
        )
    reviewers = Group.objects.filter(name=REVIEWERS).first()
    if reviewers is not None:
        reviewers.permissions.add(approve)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_spanish_reading_target"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="medicalreviewtask",
            options={
                "permissions": [
                    (
                        "approve_machine_translation",
                        "Can approve a machine translation for publishing",
                    )
                ],
                "verbose_name": "medical review task",
                "verbose_name_plural": "medical review tasks",
            },
        ),
        migrations.RunPython(set_up, migrations.RunPython.noop),
    ]
