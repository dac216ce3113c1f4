from django.conf import settings
from django.core.checks import Error, register


@register("security", deploy=False)
def dev_skip_only_in_debug(app_configs, **kwargs):
    """staff.E001: the skip of the second factor is for development only."""
    if getattr(settings, "STAFF_DEV_SKIP_SECOND_FACTOR", False) and not settings.DEBUG:
        return [
            Error(
                "DJANGO_DEV_SKIP_SECOND_FACTOR is set while DEBUG is off.",
                hint="Unset DJANGO_DEV_SKIP_SECOND_FACTOR: it is for development only "
                "(and is ignored with debug off).",
                id="staff.E001",
            )
        ]
    return []
