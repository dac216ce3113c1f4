"""What the practice decides about staff sign-in, edited in Settings › Staff sign-in."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


@register_setting(icon="lock")
class StaffSecuritySettings(BaseGenericSetting):
    require_second_factor_for_everyone = models.BooleanField(
        default=False,
        help_text="Every staff member must sign in with a second factor, not only "
        "superusers and those who can see appointment requests.",
    )
    administrator_phone = models.CharField(
        max_length=40,
        blank=True,
        help_text="Shown to a person whose sign-in is refused after too many attempts.",
    )

    panels = [FieldPanel("require_second_factor_for_everyone"), FieldPanel("administrator_phone")]

    class Meta:
        verbose_name = "Staff sign-in"
