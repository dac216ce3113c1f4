from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class StaffConfig(AppConfig):
    # Two configs live here: this one is what "staff" in INSTALLED_APPS means.
    default = True
    name = "staff"
    verbose_name = "Staff accounts"

    def ready(self):
        from staff import checks, signals  # noqa: F401


class StaffUsersConfig(WagtailUsersAppConfig):
    """Wagtail's users app with the users list that shows second-factor status (staff/users.py)."""

    user_viewset = "staff.users.UserViewSet"
