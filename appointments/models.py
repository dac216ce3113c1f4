"""The appointment request form page. The requests it stores are in records.py.

The page's routes hand the request to `appointments.views`; the views, the
form and the notification tasks import the records, never this module.
"""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from appointments import views
from appointments.records import (  # noqa: F401 (the app's models, registered from here)
    AppointmentRequest,
    AppointmentSettings,
    Note,
    StatusChange,
)
from pagecache.pages import UncachedPageMixin
from practice.models import SECTION_FEATURES

DEFAULT_EMERGENCY_NOTICE = (
    "This form is not for emergencies. If you have a medical emergency, call 911."
)


class AppointmentRequestPage(UncachedPageMixin, RoutablePageMixin, Page):
    """Where patients ask for an appointment; the front desk calls them back."""

    intro = RichTextField(features=SECTION_FEATURES, blank=True)
    emergency_notice = models.CharField(
        max_length=255,
        default=DEFAULT_EMERGENCY_NOTICE,
        help_text="Shown prominently above the form.",
    )
    privacy_notice = RichTextField(
        features=SECTION_FEATURES,
        blank=True,
        help_text="How the practice uses what the patient sends. Shown before the form.",
    )
    thank_you = RichTextField(
        "thank-you text",
        features=SECTION_FEATURES,
        blank=True,
        help_text="Shown after a request is sent, with its reference and the call-back promise.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("emergency_notice"),
        FieldPanel("privacy_notice"),
        FieldPanel("thank_you"),
    ]

    parent_page_types = ["practice.HomePage"]
    subpage_types = []
    max_count = 1

    search_fields = Page.search_fields + [index.SearchField("intro")]

    @path("")
    def request_form(self, request):
        """The form: GET shows it, POST stores the request and redirects."""
        return views.request_form(self, request)

    @path("thanks/<str:reference>/<str:code>/")
    def thanks(self, request, reference, code):
        """What happens next, with the reference; nothing the patient typed."""
        return views.thanks(self, request, reference, code)
