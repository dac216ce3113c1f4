from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate
        from wagtail import hooks

        from practice import checks  # noqa: F401 (registers the system checks)
        from practice.siteaddress import give_the_site_its_address

        post_migrate.connect(give_the_site_its_address, sender=self)

        from practice.task_results import TaskResultViewSet

        hooks.register("register_admin_viewset", lambda: TaskResultViewSet("background_tasks"))
