from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Staff accounts"

    def ready(self):
        from staff import checks, signals  # noqa: F401
