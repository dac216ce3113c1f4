"""The practice itself: home, standard pages, team, locations and site settings.

The abstract mixins at the top are shared by the clinical page types of the
other apps (procedures, conditions), which import them from here.
"""

from django.db import models
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

# Rich text for clinical sections: short paragraphs and lists, nothing that
# would break the consistent look of the page.
SECTION_FEATURES = ["bold", "italic", "link", "ul", "ol"]
BODY_FEATURES = ["h2", "h3", "bold", "italic", "link", "ul", "ol", "image"]


class ClinicalReviewMixin(models.Model):
    """Who wrote a clinical page, who reviewed it, and when.

    Provides `author`, `reviewer` (team members), `last_reviewed` and
    `next_review_due`, the panel that edits them, and the byline the page
    shows ("By", "Reviewed by", "Published", "Last reviewed").
    """

    author = models.ForeignKey(
        "practice.TeamMemberPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        "practice.TeamMemberPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The clinician who checked this page for medical accuracy.",
    )
    last_reviewed = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)

    review_panels = [
        MultiFieldPanel(
            [
                FieldPanel("author"),
                FieldPanel("reviewer"),
                FieldPanel("last_reviewed"),
                FieldPanel("next_review_due"),
            ],
            heading="Authorship and medical review",
        )
    ]

    class Meta:
        abstract = True


class HomePage(Page):
    hero_heading = models.CharField(max_length=120)
    hero_text = models.TextField(blank=True)
    intro_heading = models.CharField(max_length=120, blank=True)
    intro_text = RichTextField(features=SECTION_FEATURES, blank=True)
    intro_link = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Usually the physician's profile.",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("hero_heading"), FieldPanel("hero_text")], heading="Hero"),
        MultiFieldPanel(
            [FieldPanel("intro_heading"), FieldPanel("intro_text"), PageChooserPanel("intro_link")],
            heading="Introduction",
        ),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "practice.StandardPage",
        "conditions.ConditionIndexPage",
        "procedures.ProcedureIndexPage",
        "practice.LocationIndexPage",
        "appointments.AppointmentRequestPage",
    ]
    max_count = 1

    search_fields = Page.search_fields + [
        index.SearchField("hero_text"),
        index.SearchField("intro_text"),
    ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = self.get_children().live().public().in_menu()
        return context


class StandardPage(Page):
    """A page of prose: About, Media, Research, Plan your visit."""

    summary = models.TextField(blank=True, help_text="One or two sentences shown in listings.")
    body = RichTextField(features=BODY_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]

    parent_page_types = ["practice.HomePage", "practice.StandardPage", "practice.LocationIndexPage"]
    subpage_types = ["practice.StandardPage", "practice.TeamIndexPage", "practice.TeamMemberPage"]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]


class TeamIndexPage(Page):
    intro = RichTextField(features=SECTION_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["practice.StandardPage"]
    subpage_types = ["practice.TeamMemberPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["members"] = (
            TeamMemberPage.objects.child_of(self).live().public().select_related("photo")
        )
        return context


class TeamMemberPage(Page):
    """A clinician or staff member; also the author and reviewer of clinical pages."""

    name = models.CharField(max_length=120, help_text="As patients should read it, e.g. Elie Sader")
    credentials = models.CharField(max_length=60, blank=True, help_text="e.g. MD, PA-C, RN")
    role = models.CharField(max_length=120, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bio = RichTextField(features=SECTION_FEATURES, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("name"),
        FieldPanel("credentials"),
        FieldPanel("role"),
        FieldPanel("photo"),
        FieldPanel("bio"),
    ]

    parent_page_types = ["practice.StandardPage", "practice.TeamIndexPage"]
    subpage_types = []

    search_fields = Page.search_fields + [
        index.SearchField("name"),
        index.SearchField("role"),
        index.SearchField("bio"),
    ]

    @property
    def display_name(self):
        """Name with credentials, as a byline shows it: "Elie Sader, MD"."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def __str__(self):
        return self.display_name


class LocationIndexPage(Page):
    intro = RichTextField(features=SECTION_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["practice.HomePage"]
    subpage_types = ["practice.LocationPage", "practice.StandardPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["locations"] = LocationPage.objects.child_of(self).live().public()
        return context


class LocationPage(Page):
    """A clinic, or the virtual visit (a location without an address)."""

    summary = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    body = RichTextField(features=SECTION_FEATURES, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("phone"),
        FieldPanel("body"),
    ]

    parent_page_types = ["practice.LocationIndexPage"]
    subpage_types = []

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]


@register_setting(icon="site")
class PracticeSettings(ClusterableModel, BaseSiteSetting):
    """Who the practice is and how to reach it: shown in the header and footer."""

    practice_name = models.CharField(max_length=120, default="Our practice")
    phone = models.CharField(max_length=40, blank=True, help_text="As patients dial it.")
    email = models.EmailField(blank=True)
    footer_blurb = models.TextField(blank=True)
    copyright_holder = models.CharField(max_length=120, blank=True)
    youtube_url = models.URLField("YouTube", blank=True)
    tiktok_url = models.URLField("TikTok", blank=True)
    instagram_url = models.URLField("Instagram", blank=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("practice_name"), FieldPanel("phone"), FieldPanel("email")],
            heading="Contact",
        ),
        MultiFieldPanel(
            [FieldPanel("youtube_url"), FieldPanel("tiktok_url"), FieldPanel("instagram_url")],
            heading="Social media",
        ),
        MultiFieldPanel(
            [FieldPanel("footer_blurb"), FieldPanel("copyright_holder")], heading="Footer"
        ),
        InlinePanel("footer_conditions", heading="Footer: conditions", label="Condition"),
        InlinePanel("footer_services", heading="Footer: services", label="Service"),
    ]

    class Meta:
        verbose_name = "Practice details"

    @property
    def phone_href(self):
        """The phone number as a tel: URI (digits only, US country code)."""
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        if len(digits) == 10:
            digits = "1" + digits
        return f"tel:+{digits}" if digits else ""

    @cached_property
    def footer_condition_links(self):
        return [link.page for link in self.footer_conditions.select_related("page")]

    @cached_property
    def footer_service_links(self):
        return [link.page for link in self.footer_services.select_related("page")]

    @cached_property
    def social_links(self):
        links = [
            ("YouTube", self.youtube_url),
            ("TikTok", self.tiktok_url),
            ("Instagram", self.instagram_url),
        ]
        return [(label, url) for label, url in links if url]


class FooterLink(Orderable):
    """A page an editor chose to show in the footer."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("page")]

    class Meta(Orderable.Meta):
        abstract = True


class FooterConditionLink(FooterLink):
    setting = ParentalKey(PracticeSettings, related_name="footer_conditions")

    panels = [PageChooserPanel("page", page_type="conditions.ConditionPage")]


class FooterServiceLink(FooterLink):
    setting = ParentalKey(PracticeSettings, related_name="footer_services")

    panels = [PageChooserPanel("page", page_type="procedures.ProcedurePage")]
