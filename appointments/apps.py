from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "appointments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from appointments import notices  # noqa: F401 - registers the deploy check
