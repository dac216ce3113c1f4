from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from practice.models import SECTION_FEATURES


class AppointmentRequestPage(Page):
    """Where patients ask for an appointment."""

    intro = RichTextField(features=SECTION_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["practice.HomePage"]
    subpage_types = []
    max_count = 1
