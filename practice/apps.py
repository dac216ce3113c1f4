from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail import hooks

        from practice import checks  # noqa: F401 (registers the system checks)
        from practice.task_results import TaskResultViewSet

        hooks.register("register_admin_viewset", lambda: TaskResultViewSet("background_tasks"))
