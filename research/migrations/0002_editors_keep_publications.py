"""Editors and Medical reviewers add, correct and remove publications.

Both groups are made by `reviews` 0002; a practice that renamed or removed
one is left as it is. Permissions are made here first (Django makes them only
after every migration has run).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["Editors", "Medical reviewers"]
CODENAMES = ["add_publication", "change_publication", "delete_publication"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("research")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="research", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("research", "0001_publications"),
        ("reviews", "0002_groups_and_medical_review_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
