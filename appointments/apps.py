from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "appointments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from appointments import (
            notices,  # noqa: F401 - registers the deploy check
            views,
        )
        from practice import csrf

        # A post the CSRF check refuses comes back as the form, with what was typed.
        csrf.register(views.reshow_after_csrf_failure)
