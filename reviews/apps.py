from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Clinical review"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from reviews import signals  # noqa: F401 (connects the workflow's receivers)
