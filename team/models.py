"""The people of the practice: the team page and each member's profile.

A team member is also the author and reviewer of clinical pages
(`reviews.clinical.ClinicalReviewMixin` names this model by string).
"""

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.images import get_image_model_string
from wagtail.models import Orderable, Page
from wagtail.search import index

from pagecache.pages import CachedPageMixin
from practice import structured_data as schema
from practice.models import SECTION_FEATURES, IndexPage, SEOMixin, lines
from team.npi import validate_npi


class TeamIndexPage(IndexPage):  # noqa: DJ008 (Page's __str__ is the title)
    """Meet the team: every member as a card with portrait and role."""

    parent_page_types = ["practice.StandardPage"]
    subpage_types = ["team.TeamMemberPage"]

    listing_model = "team.TeamMemberPage"

    def listing_queryset(self, pages):
        return pages.order_by("path").select_related("photo").prefetch_related("photo__renditions")


class TeamMemberPage(CachedPageMixin, SEOMixin, Page):
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
        get_image_model_string(), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    specialties = models.TextField(blank=True, help_text="One per line.")
    board_certifications = models.TextField(blank=True, help_text="One per line.")
    education = models.TextField(blank=True, help_text="One per line: degrees and training.")
    languages = models.TextField(blank=True, help_text="Languages spoken, one per line.")
    memberships = models.TextField(
        "professional memberships",
        blank=True,
        help_text="One per line, e.g. American Academy of Neurology.",
    )
    npi = models.CharField(
        "NPI number",
        max_length=10,
        blank=True,
        validators=[validate_npi],
        help_text="The ten-digit National Provider Identifier, from the NPI Registry.",
    )
    bio = RichTextField(features=SECTION_FEATURES, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="admin account",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="team_member_page",
        help_text="For a clinician who reviews clinical pages: the account they sign in "
        "with. Their approval then stamps pages “Reviewed by” this person.",
    )

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
                FieldPanel("memberships"),
                FieldPanel("npi"),
            ],
            heading="Qualifications",
        ),
        InlinePanel(
            "hospital_affiliations",
            heading="Hospital affiliations",
            label="Affiliation",
            help_text="New York law asks the practice to publish its physicians' hospital "
            "affiliations.",
        ),
        FieldPanel("user", permission="superuser"),
    ]
    parent_page_types = ["practice.StandardPage", "team.TeamIndexPage"]
    subpage_types = []

    search_fields = Page.search_fields + [
        index.SearchField("name"),
        index.SearchField("role"),
        index.SearchField("specialties"),
        index.SearchField("bio"),
    ]

    social_image_fallback = "photo"
    # A member's name shows in the bylines of clinical pages: a change purges every page.
    purge_site_on_publish = True
    # How the page shows as a card in listings (the team page, About's sub-pages).
    card_template = "team/includes/card.html"

    schema_page_type = "ProfilePage"

    def __str__(self):
        return self.display_name

    @property
    def summary(self):
        return self.role

    @property
    def request_query(self):
        """What "Request appointment" carries into the form: this person, preselected."""
        return f"physician={self.pk}"

    def structured_data(self, request, root_url, url):
        node = {
            **schema.person(self, root_url, request),
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
        affiliations = self.affiliations
        if affiliations:
            node["hospitalAffiliation"] = [
                {"@type": "Hospital", "name": row.hospital, **({"url": row.url} if row.url else {})}
                for row in affiliations
            ]
        if lines(self.memberships):
            node["memberOf"] = [
                {"@type": "Organization", "name": name} for name in lines(self.memberships)
            ]
        if self.npi:
            node["identifier"] = {
                "@type": "PropertyValue",
                "propertyID": "NPI",
                "value": self.npi,
            }
        if lines(self.board_certifications):
            node["hasCredential"] = [
                {"@type": "EducationalOccupationalCredential", "name": name}
                for name in lines(self.board_certifications)
            ]
        return node

    @cached_property
    def affiliations(self):
        """The hospital affiliations, read once for the profile and its JSON-LD."""
        return list(self.hospital_affiliations.all())

    @property
    def qualifications(self):
        """The lists shown under the bio, each with its heading; empty ones left out."""
        sections = [
            (_("Specialties"), lines(self.specialties)),
            (_("Board certifications"), lines(self.board_certifications)),
            (_("Education and training"), lines(self.education)),
            (_("Languages"), lines(self.languages)),
            (_("Professional memberships"), lines(self.memberships)),
        ]
        return [(heading, items) for heading, items in sections if items]

    @property
    def display_name(self):
        """Name with credentials, as a byline shows it: "Elie Sader, MD"."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class HospitalAffiliation(Orderable):
    """A hospital where the team member has privileges, and their role there."""

    member = ParentalKey(TeamMemberPage, related_name="hospital_affiliations")
    hospital = models.CharField(max_length=160)
    role = models.CharField(max_length=120, blank=True, help_text="e.g. Attending physician")
    url = models.URLField("hospital's website", blank=True)

    panels = [FieldPanel("hospital"), FieldPanel("role"), FieldPanel("url")]

    def __str__(self):
        return f"{self.hospital} ({self.role})" if self.role else self.hospital
