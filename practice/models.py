"""The practice itself: home, standard pages, team, locations and site settings.

The abstract mixins at the top are shared by the clinical page types of the
other apps (procedures, conditions), which import them from here.
"""

from urllib.parse import urlencode

from django.db import models
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from practice import structured_data as schema
from practice.navigation import public

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

    @cached_property
    def byline(self):
        """Author and reviewer, fetched together (often the same person)."""
        ids = {self.author_id, self.reviewer_id} - {None}
        people = TeamMemberPage.objects.in_bulk(ids) if ids else {}
        return {"author": people.get(self.author_id), "reviewer": people.get(self.reviewer_id)}


class SEOMixin(models.Model):
    """What search engines and link previews show for a page.

    Adds `social_image` (the Open Graph picture) and `meta_description`: the
    editor's search description, falling back to the page's summary. Without
    a social image the page's own picture (`social_image_fallback` names the
    field) is used, then the site's default picture.
    """

    social_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown when the page is shared. Without it, the page's own photo is used.",
    )

    social_image_fallback = None
    seo_panels = [FieldPanel("social_image")]

    class Meta:
        abstract = True

    @property
    def meta_description(self):
        text = self.search_description or getattr(self, "summary", "") or ""
        return " ".join(strip_tags(text).split())

    def get_social_image(self):
        if self.social_image_id:
            return self.social_image
        if self.social_image_fallback and getattr(self, f"{self.social_image_fallback}_id"):
            return getattr(self, self.social_image_fallback)
        return None


def lines(text):
    """The non-empty lines of a one-item-per-line text field."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class HomePage(SEOMixin, Page):  # noqa: DJ008 (Page's __str__ is the title)
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
        InlinePanel("featured_conditions", heading="Featured conditions", label="Condition"),
        InlinePanel("featured_services", heading="Featured services", label="Service"),
    ]
    promote_panels = Page.promote_panels + SEOMixin.seo_panels

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

    def route(self, request, path_components):
        """Find a page below the home page by its URL path in one lookup.

        Wagtail walks the tree one level at a time (two queries a level); a
        procedure two levels down is found here in two queries. Paths that
        match no page exactly (routes a page defines itself) take Wagtail's walk.
        """
        if len(path_components) > 1:
            url_path = f"{self.url_path}{'/'.join(path_components)}/"
            page = Page.objects.filter(url_path=url_path).first()
            if page is not None:
                if not page.live:
                    raise Http404
                return page.specific.route(request, [])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["featured_conditions"] = self.featured_pages("featured_conditions")
        context["featured_services"] = self.featured_pages("featured_services")
        context["locations"] = public(
            LocationPage.objects.descendant_of(self).live().order_by("path"), request
        )
        return context

    def structured_data(self, request, root_url, url):
        practice = PracticeSettings.for_request(request)
        node = {
            "@type": "MedicalOrganization",
            "@id": f"{url}#organization",
            "name": practice.practice_name,
            "url": url,
        }
        if practice.phone:
            node["telephone"] = practice.phone
        if practice.email:
            node["email"] = practice.email
        if practice.social_links:
            node["sameAs"] = [link for _, link in practice.social_links]
        return node

    def featured_pages(self, relation):
        """The live pages editors chose for a home page list, in their order, in one query.

        Cards show the page's search description, which lives on the base page
        row, so no query per page type is needed.
        """
        links = getattr(self, relation).filter(page__live=True).select_related("page")
        return [link.page for link in links]


class HomeFeaturedLink(Orderable):
    """A page editors chose to feature on the home page."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")

    class Meta(Orderable.Meta):
        abstract = True


class HomeFeaturedCondition(HomeFeaturedLink):
    home = ParentalKey(HomePage, related_name="featured_conditions")

    panels = [PageChooserPanel("page", page_type="conditions.ConditionPage")]


class HomeFeaturedService(HomeFeaturedLink):
    home = ParentalKey(HomePage, related_name="featured_services")

    panels = [PageChooserPanel("page", page_type="procedures.ProcedurePage")]


class StandardPage(SEOMixin, Page):  # noqa: DJ008 (Page's __str__ is the title)
    """A page of prose: About, Media, Research, Plan your visit."""

    summary = models.TextField(blank=True, help_text="One or two sentences shown in listings.")
    body = RichTextField(features=BODY_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    promote_panels = Page.promote_panels + SEOMixin.seo_panels

    parent_page_types = ["practice.HomePage", "practice.StandardPage", "practice.LocationIndexPage"]
    subpage_types = ["practice.StandardPage", "practice.TeamIndexPage", "practice.TeamMemberPage"]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]


class TeamIndexPage(SEOMixin, Page):  # noqa: DJ008 (Page's __str__ is the title)
    intro = RichTextField(features=SECTION_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    promote_panels = Page.promote_panels + SEOMixin.seo_panels

    parent_page_types = ["practice.StandardPage"]
    subpage_types = ["practice.TeamMemberPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["members"] = public(
            TeamMemberPage.objects.child_of(self)
            .live()
            .select_related("photo")
            .prefetch_related("photo__renditions"),
            request,
        )
        return context


class TeamMemberPage(SEOMixin, Page):
    """A clinician or staff member; also the author and reviewer of clinical pages."""

    name = models.CharField(max_length=120, help_text="As patients should read it, e.g. Elie Sader")
    credentials = models.CharField(max_length=60, blank=True, help_text="e.g. MD, PA-C, RN")
    role = models.CharField(max_length=120, blank=True)
    is_physician = models.BooleanField(
        "physician",
        default=False,
        help_text="Describes this person to search engines as a physician.",
    )
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    specialties = models.TextField(blank=True, help_text="One per line.")
    board_certifications = models.TextField(blank=True, help_text="One per line.")
    education = models.TextField(blank=True, help_text="One per line: degrees and training.")
    languages = models.TextField(blank=True, help_text="Languages spoken, one per line.")
    bio = RichTextField(features=SECTION_FEATURES, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("name"),
        FieldPanel("credentials"),
        FieldPanel("role"),
        FieldPanel("is_physician"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        MultiFieldPanel(
            [
                FieldPanel("specialties"),
                FieldPanel("board_certifications"),
                FieldPanel("education"),
                FieldPanel("languages"),
            ],
            heading="Qualifications",
        ),
    ]
    promote_panels = Page.promote_panels + SEOMixin.seo_panels

    parent_page_types = ["practice.StandardPage", "practice.TeamIndexPage"]
    subpage_types = []

    search_fields = Page.search_fields + [
        index.SearchField("name"),
        index.SearchField("role"),
        index.SearchField("specialties"),
        index.SearchField("bio"),
    ]

    social_image_fallback = "photo"

    schema_page_type = "ProfilePage"

    def __str__(self):
        return self.display_name

    @property
    def summary(self):
        return self.role

    def structured_data(self, request, root_url, url):
        node = {
            **schema.person(self, root_url),
            "@id": f"{url}#person",
            "url": url,
            "description": schema.text(self.bio)[:300],
        }
        if self.role and not self.is_physician:  # a Physician is a business: no job title
            node["jobTitle"] = self.role
        if lines(self.specialties):
            node["knowsAbout"] = lines(self.specialties)
        if lines(self.languages):
            node["knowsLanguage"] = lines(self.languages)
        if lines(self.board_certifications):
            node["hasCredential"] = [
                {"@type": "EducationalOccupationalCredential", "name": name}
                for name in lines(self.board_certifications)
            ]
        return node

    @property
    def qualifications(self):
        """The lists shown under the bio, each with its heading; empty ones left out."""
        sections = [
            ("Specialties", lines(self.specialties)),
            ("Board certifications", lines(self.board_certifications)),
            ("Education and training", lines(self.education)),
            ("Languages", lines(self.languages)),
        ]
        return [(heading, items) for heading, items in sections if items]

    @property
    def display_name(self):
        """Name with credentials, as a byline shows it: "Elie Sader, MD"."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class LocationIndexPage(SEOMixin, Page):  # noqa: DJ008 (Page's __str__ is the title)
    intro = RichTextField(features=SECTION_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    promote_panels = Page.promote_panels + SEOMixin.seo_panels

    parent_page_types = ["practice.HomePage"]
    subpage_types = ["practice.LocationPage", "practice.StandardPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["locations"] = public(LocationPage.objects.child_of(self).live(), request)
        context["other_pages"] = public(
            StandardPage.objects.child_of(self).live().order_by("path"), request
        )
        return context


class LocationPage(SEOMixin, Page):  # noqa: DJ008 (Page's __str__ is the title)
    """A clinic, or the virtual visit (a location without an address).

    The procedures offered here are chosen on each procedure and read back
    through `procedures`.
    """

    summary = models.TextField(blank=True, help_text="One or two sentences shown in listings.")
    street = models.CharField(
        max_length=120, blank=True, help_text="Leave the address empty for the virtual visit."
    )
    city = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=40, blank=True, help_text="Two letters, e.g. CT")
    postal_code = models.CharField(max_length=20, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    fax = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    hours_note = models.CharField(
        "note on hours",
        max_length=255,
        blank=True,
        help_text="Holidays and other exceptions, shown under the opening hours.",
    )
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    directions = RichTextField(features=SECTION_FEATURES, blank=True)
    parking = RichTextField(features=SECTION_FEATURES, blank=True)
    transit = RichTextField("public transit", features=SECTION_FEATURES, blank=True)
    video_instructions = RichTextField(
        "how video visits work",
        features=SECTION_FEATURES,
        blank=True,
        help_text="For the virtual visit: what patients need and how they join.",
    )
    body = RichTextField("more information", features=SECTION_FEATURES, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("photo"),
        MultiFieldPanel(
            [
                FieldPanel("street"),
                FieldPanel("city"),
                FieldPanel("state"),
                FieldPanel("postal_code"),
            ],
            heading="Address",
        ),
        MultiFieldPanel(
            [FieldPanel("phone"), FieldPanel("fax"), FieldPanel("email")], heading="Contact"
        ),
        InlinePanel(
            "opening_hours",
            heading="Opening hours",
            label="Opening hours",
            help_text="One row per day the location is open; days without a row show as closed.",
        ),
        FieldPanel("hours_note"),
        FieldPanel("directions"),
        FieldPanel("parking"),
        FieldPanel("transit"),
        FieldPanel("video_instructions"),
        FieldPanel("body"),
    ]
    promote_panels = Page.promote_panels + SEOMixin.seo_panels

    parent_page_types = ["practice.LocationIndexPage"]
    subpage_types = []

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("city"),
        index.SearchField("street"),
        index.SearchField("directions"),
        index.SearchField("parking"),
        index.SearchField("transit"),
        index.SearchField("video_instructions"),
        index.SearchField("body"),
    ]

    social_image_fallback = "photo"

    @property
    def is_virtual(self):
        return not self.street

    @property
    def address_lines(self):
        locality = " ".join(part for part in (self.state, self.postal_code) if part)
        second = ", ".join(part for part in (self.city, locality) if part)
        return [line for line in (self.street, second) if line]

    @property
    def map_url(self):
        """A plain link to the address on a map: nothing third-party loads on our page."""
        if self.is_virtual:
            return ""
        query = urlencode({"api": 1, "query": ", ".join(self.address_lines)})
        return f"https://www.google.com/maps/search/?{query}"

    @staticmethod
    def tel_href(number):
        digits = "".join(ch for ch in number if ch.isdigit())
        if len(digits) == 10:
            digits = "1" + digits
        return f"tel:+{digits}" if digits else ""

    @property
    def phone_href(self):
        return self.tel_href(self.phone)

    @cached_property
    def weekly_hours(self):
        """Monday to Sunday, each with its opening times (none: closed that day)."""
        by_day = {day: [] for day, _ in OpeningHours.Weekday.choices}
        for row in self.opening_hours.all():
            if row.opens and row.closes:
                by_day[row.weekday].append(row)
        return [
            {"day": label, "weekday": day, "times": sorted(by_day[day], key=lambda r: r.opens)}
            for day, label in OpeningHours.Weekday.choices
        ]

    def structured_data(self, request, root_url, url):
        node = {
            "@type": "MedicalClinic",
            "@id": f"{url}#clinic",
            "name": self.title,
            "url": url,
        }
        if self.summary:
            node["description"] = self.summary
        for key, value in (
            ("telephone", self.phone),
            ("faxNumber", self.fax),
            ("email", self.email),
        ):
            if value:
                node[key] = value
        if not self.is_virtual:
            node["address"] = {
                "@type": "PostalAddress",
                "streetAddress": self.street,
                "addressLocality": self.city,
                "addressRegion": self.state,
                "postalCode": self.postal_code,
                "addressCountry": "US",
            }
            node["hasMap"] = self.map_url
        node["openingHoursSpecification"] = [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": f"https://schema.org/{day['day']}",
                "opens": period.opens.strftime("%H:%M"),
                "closes": period.closes.strftime("%H:%M"),
            }
            for day in self.weekly_hours
            for period in day["times"]
        ]
        return node

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Declared on the procedure (ProcedurePage.locations), read back here.
        context["procedures"] = public(
            self.procedures.live().order_by("title").only("title", "url_path", "path", "depth"),
            request,
        )
        return context


class OpeningHours(Orderable):
    """One opening period of a location on one weekday."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    location = ParentalKey(LocationPage, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    panels = [FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")]

    class Meta(Orderable.Meta):
        verbose_name = "opening hours"
        verbose_name_plural = "opening hours"

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


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
        InlinePanel(
            "footer_links",
            heading="Footer links",
            label="Link",
            help_text="Conditions and services to list in the footer, in this order.",
        ),
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
    def _footer_links(self):
        return list(self.footer_links.select_related("page").filter(page__live=True))

    @property
    def footer_condition_links(self):
        return [link.page for link in self._footer_links if link.column == "conditions"]

    @property
    def footer_service_links(self):
        return [link.page for link in self._footer_links if link.column == "services"]

    @cached_property
    def social_links(self):
        links = [
            ("YouTube", self.youtube_url),
            ("TikTok", self.tiktok_url),
            ("Instagram", self.instagram_url),
        ]
        return [(label, url) for label, url in links if url]


class FooterLink(Orderable):
    """A page an editor chose to show in one of the footer's link columns."""

    class Column(models.TextChoices):
        CONDITIONS = "conditions", "Conditions"
        SERVICES = "services", "Services"

    setting = ParentalKey(PracticeSettings, related_name="footer_links")
    column = models.CharField(max_length=20, choices=Column.choices)
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("column"), PageChooserPanel("page")]


class NewsletterSubscriber(models.Model):
    """Someone who asked for the practice's newsletter, with when they agreed to it."""

    email = models.EmailField(unique=True)
    consented_at = models.DateTimeField(
        help_text="When the subscriber ticked the consent box on the sign-up form."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "newsletter subscriber"

    def __str__(self):
        return self.email
