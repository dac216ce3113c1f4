"""Editors and Medical reviewers keep search synonyms and promoted search results.

Both groups are made by `reviews` 0002; a practice that renamed or removed
one is left as it is. Permissions are made here first (Django makes them only
after every migration has run).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["Editors", "Medical reviewers"]
GRANTS = {
    "sitesearch": ["add_synonym", "change_synonym", "delete_synonym"],
    "wagtailsearchpromotions": [
        "add_searchpromotion",
        "change_searchpromotion",
        "delete_searchpromotion",
    ],
}


def grant(apps, schema_editor):
    for label in GRANTS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = [
        Permission.objects.get(content_type__app_label=label, codename=codename)
        for label, codenames in GRANTS.items()
        for codename in codenames
    ]
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("sitesearch", "0001_initial"),
        ("reviews", "0002_groups_and_medical_review_workflow"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
