from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from practice.models import SECTION_FEATURES, ClinicalReviewMixin


class ConditionIndexPage(Page):
    """The conditions the practice treats, A to Z."""

    intro = RichTextField(features=SECTION_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["practice.HomePage"]
    subpage_types = ["conditions.ConditionPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["conditions"] = (
            ConditionPage.objects.child_of(self).live().public().order_by("title")
        )
        return context


class ConditionPage(ClinicalReviewMixin, Page):
    summary = models.TextField(
        blank=True, help_text="One sentence for listings and search results."
    )
    overview = RichTextField(features=SECTION_FEATURES)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("overview"),
        *ClinicalReviewMixin.review_panels,
    ]

    parent_page_types = ["conditions.ConditionIndexPage"]
    subpage_types = []

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("overview"),
    ]
