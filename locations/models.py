"""Where patients are seen: the clinics and the virtual visit, with hours and directions.

The procedures offered at a location are chosen on each procedure
(`ProcedurePage.locations`) and read back here.
"""

from urllib.parse import urlencode

from django import forms
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.images import get_image_model_string
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.search.index import insert_or_update_object

from pagecache.pages import CachedPageMixin, kept_with_page
from practice.languages import in_language
from practice.models import SECTION_FEATURES, IndexPage, SEOMixin, StandardPage
from practice.navigation import at_most, public
from practice.notices import closures_for
from practice.phone import tel_uri
from practice.sections import Section, SectionsMixin


class LocationIndexPage(IndexPage):  # noqa: DJ008 (Page's __str__ is the title)
    """The clinics and the virtual visit, then pages to read before coming (Plan your visit)."""

    parent_page_types = ["practice.HomePage"]
    subpage_types = [
        "locations.LocationPage",
        "locations.PlanYourVisitPage",
        "practice.StandardPage",
    ]

    listing_model = "locations.LocationPage"

    # "Do you take Aetna?" finds the pages that list the plans (reindexed when a plan changes).
    search_fields = IndexPage.search_fields + [index.SearchField("plans_search_text")]

    def plans_search_text(self):
        return plans_search_text(InsurancePlan.objects.all())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["other_pages"] = public(
            StandardPage.objects.child_of(self).live().order_by("path"), request
        )
        context["plan_query"] = plan_filter_words(request)
        context["plans_by_carrier"] = plans_by_carrier(
            self.kept_plans(request), context["plan_query"]
        )
        return context

    @kept_with_page("plans")
    def kept_plans(self, request):
        """Every plan with the clinics that take it; a plan's change purges every page."""
        return every_plan()


class PlanYourVisitPage(StandardPage):  # noqa: DJ008 (Page's __str__ is the title)
    """Plan your visit: what to bring, the plans taken at each clinic, the notices and
    the patient links (portal, forms, bill pay), besides the page's own prose.

    A standard page with more: it lists under the locations page's "Before you
    come" like the others.
    """

    parent_page_types = ["locations.LocationIndexPage"]
    subpage_types = ["practice.StandardPage"]
    max_count = 1

    search_fields = StandardPage.search_fields + [index.SearchField("plans_search_text")]

    class Meta:
        verbose_name = "plan your visit page"

    def plans_search_text(self):
        return plans_search_text(InsurancePlan.objects.all())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["plan_query"] = plan_filter_words(request)
        context["plans_by_carrier"] = plans_by_carrier(
            self.kept_plans(request), context["plan_query"]
        )
        return context

    @kept_with_page("plans")
    def kept_plans(self, request):
        """Every plan with the clinics that take it; a plan's change purges every page."""
        return every_plan()


class LocationPage(CachedPageMixin, SectionsMixin, SEOMixin, Page):  # noqa: DJ008 (Page's __str__ is the title)
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
        get_image_model_string(), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
    parent_page_types = ["locations.LocationIndexPage"]
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
        index.SearchField("plans_search_text"),
    ]

    social_image_fallback = "photo"
    # How the page shows as a card on the locations page: address and contact.
    card_template = "locations/includes/card.html"
    # The practical sections under the hours, each under its heading; "more
    # information" (body) follows them without one.
    page_sections = (
        Section("video-visits", _("How do video visits work?"), ("video_instructions",)),
        Section("directions", _("Directions"), ("directions",)),
        Section("parking", _("Parking"), ("parking",)),
        Section("transit", _("Public transit"), ("transit",)),
    )

    def plans_search_text(self):
        return plans_search_text(self.insurance_plans.all()) if self.pk else ""

    def pages_showing_summary(self):
        """Besides its index and the home page: the procedures offered here list it."""
        return list(self.procedures.all())

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

    @property
    def phone_href(self):
        return tel_uri(self.phone)

    @cached_property
    def weekly_hours(self):
        """Monday to Sunday, each with its opening times (none: closed that day)."""
        by_day = {day: [] for day, _ in OpeningHours.Weekday.choices}
        for row in self.opening_hours.all():
            if row.opens and row.closes:
                by_day[row.weekday].append(row)
        return [
            {
                "day": label,  # schema.org's English day name (the JSON-LD's dayOfWeek)
                "name": DAY_NAMES[day],  # what patients read, in the page's language
                "weekday": day,
                "times": sorted(by_day[day], key=lambda r: r.opens),
            }
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
        closures = closures_for(request, self.pk, self.translation_key)
        if closures:
            # Closed all day: schema.org's opens and closes both at midnight.
            node["specialOpeningHoursSpecification"] = [
                {
                    "@type": "OpeningHoursSpecification",
                    "opens": "00:00",
                    "closes": "00:00",
                    "validFrom": closure.first_day.isoformat(),
                    "validThrough": closure.until_day.isoformat(),
                    "description": closure.reason,
                }
                for closure in closures
            ]
        network_ids = [plan.network_id for plan in self.kept_plans(request) if plan.network_id]
        if network_ids:
            node["healthPlanNetworkId"] = network_ids
        return node

    @kept_with_page("plans")
    def kept_plans(self, request):
        """The plans taken here, with their clinicians; a plan's change purges every page.

        Plans name the clinic's page in the settings' language: a translation of
        it lists the same plans.
        """
        return list(
            InsurancePlan.objects.filter(locations__translation_key=self.translation_key)
            .distinct()
            .prefetch_related("team_members")
            .order_by("carrier", "name")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["closures"] = closures_for(request, self.pk, self.translation_key)
        context["plan_query"] = plan_filter_words(request)
        context["plans"] = self.kept_plans(request)
        context["plans_by_carrier"] = plans_by_carrier(context["plans"], context["plan_query"])
        # Declared on the procedure (ProcedurePage.locations), read back here.
        context["procedures"], context["more_procedures"] = at_most(
            public(
                self.procedures.live().order_by("title").only("title", "url_path", "path", "depth"),
                request,
            )
        )
        return context


# The days as the hours table names them in the page's language (the model's labels
# stay English: schema.org's dayOfWeek and the admin).
DAY_NAMES = {
    0: _("Monday"),
    1: _("Tuesday"),
    2: _("Wednesday"),
    3: _("Thursday"),
    4: _("Friday"),
    5: _("Saturday"),
    6: _("Sunday"),
}


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


class InsurancePlan(ClusterableModel):
    """A health plan the practice takes part in, at which clinics (New York PHL §24: published).

    A snippet (Snippets › Insurance plans): editors keep the list; the clinics'
    pages and the locations page show it grouped by carrier. Saving or
    deleting one purges every page (`purge_site_on_change`): plans show on
    several pages, and they change rarely.
    """

    carrier = models.CharField(max_length=120, help_text="e.g. Aetna, Medicare, NY Medicaid")
    name = models.CharField(
        "plan or network",
        max_length=160,
        blank=True,
        help_text="e.g. Open Access Managed Choice, Part B. Leave empty for every plan of the "
        "carrier.",
    )
    network_id = models.CharField(
        "network identifier",
        max_length=80,
        blank=True,
        help_text="The carrier's identifier of the network, if it publishes one (schema.org "
        "healthPlanNetworkId).",
    )
    locations = ParentalManyToManyField(
        "locations.LocationPage",
        related_name="insurance_plans",
        blank=True,
        verbose_name="taken at",
        help_text="The clinics (and the virtual visit) where this plan is taken.",
    )
    team_members = ParentalManyToManyField(
        "team.TeamMemberPage",
        related_name="insurance_plans",
        blank=True,
        verbose_name="only by",
        help_text="Optional: the clinicians in the plan's network, if not all of them.",
    )
    not_accepting_new_patients = models.BooleanField(
        "not accepting new patients on this plan", default=False
    )
    last_checked = models.DateField(
        null=True, blank=True, help_text="When the front desk last confirmed it with the carrier."
    )

    panels = [
        FieldPanel("carrier"),
        FieldPanel("name"),
        FieldPanel("network_id"),
        FieldPanel("locations", widget=forms.CheckboxSelectMultiple),
        FieldPanel("team_members", widget=forms.CheckboxSelectMultiple),
        FieldPanel("not_accepting_new_patients"),
        FieldPanel("last_checked"),
    ]

    search_fields = [index.SearchField("carrier"), index.SearchField("name")]

    purge_site_on_change = True

    class Meta:
        ordering = ["carrier", "name"]
        verbose_name = "insurance plan"

    def __str__(self):
        return f"{self.carrier} — {self.name}" if self.name else self.carrier

    @property
    def full_name(self):
        return str(self)


def plans_search_text(plans):
    """What site search reads of the plans a page lists: "do you take aetna" finds it."""
    names = [str(plan) for plan in plans]
    if not names:
        return ""
    return "Insurance plans we take and accept: " + "; ".join(names) + "."


def reindex_pages_listing_plans(**kwargs):
    """A plan saved, deleted or taken at other clinics: the pages listing plans are indexed again."""
    pages = [
        *LocationIndexPage.objects.all(),
        *PlanYourVisitPage.objects.all(),
        *LocationPage.objects.all(),
    ]
    for page in pages:
        insert_or_update_object(page)


def every_plan():
    return list(
        InsurancePlan.objects.prefetch_related("locations", "team_members").order_by(
            "carrier", "name"
        )
    )


def plans_by_carrier(plans, query=""):
    """[(carrier, [plans])] in order, keeping the plans whose carrier or name holds every word.

    Each plan's `shown_locations`: the live clinics that take it, each in the URL's
    language where it is translated (a plan names the English clinic pages).
    """
    words = query.lower().split()
    groups = {}
    for plan in plans:
        haystack = f"{plan.carrier} {plan.name}".lower()
        if all(word in haystack for word in words):
            groups.setdefault(plan.carrier, []).append(plan)
    shown = [plan for group in groups.values() for plan in group]
    clinics = in_language(
        {location for plan in shown for location in plan.locations.all() if location.live}
    )
    for plan in shown:
        plan.shown_locations = [
            clinics[location.pk] for location in plan.locations.all() if location.live
        ]
    return list(groups.items())


def plan_filter_words(request):
    """The filter's words from ?plan=, trimmed (a plain GET form: it works without JavaScript)."""
    return " ".join(request.GET.get("plan", "").split())[:80] if request is not None else ""
