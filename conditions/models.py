"""Conditions the practice treats: the A-to-Z index and each condition's page."""

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from pagecache.pages import CachedPageMixin, kept_with_page
from practice import structured_data as schema
from practice.languages import in_language, page_language
from practice.models import SECTION_FEATURES, IndexPage, SEOMixin
from practice.navigation import at_most, public
from practice.sections import Section, SectionsMixin
from practice.text import plain_text
from reviews.clinical import ClinicalReviewMixin, ClinicalSectionMixin


class ConditionIndexPage(ClinicalSectionMixin, IndexPage):
    """The conditions the practice treats, A to Z."""

    parent_page_types = ["practice.HomePage"]
    subpage_types = ["conditions.ConditionPage"]

    listing_model = "conditions.ConditionPage"
    # The menu lists them in the same order as this page, "More …" and the request form.
    menu_children_a_to_z = True

    def listing_queryset(self, pages):
        return pages.order_by("title").only("title", "summary", "url_path", "path", "depth")


class ConditionPage(CachedPageMixin, ClinicalReviewMixin, SectionsMixin, SEOMixin, Page):
    """A condition, in the questions patients ask, with the treatments we offer for it.

    The treatments are not chosen here: each procedure names the conditions
    it treats (ProcedurePage.conditions) and this page reads them back.
    """

    summary = models.TextField(
        blank=True, help_text="One sentence for listings and search results."
    )
    name_in_questions = models.CharField(
        "name in questions",
        max_length=255,
        blank=True,
        help_text="How “What is …?” names one case of the condition, with “a” or “an” if it "
        "takes one: “a headache”, “low back pain”. Empty: the title.",
    )
    general_name = models.CharField(
        "name in general",
        max_length=255,
        blank=True,
        help_text="How the other headings name the condition in general: “headaches” gives "
        "“What causes headaches?”. Empty: the name in questions.",
    )
    overview = RichTextField(features=SECTION_FEATURES)
    symptoms = RichTextField(features=SECTION_FEATURES, blank=True)
    causes = RichTextField(features=SECTION_FEATURES, blank=True)
    diagnosis = RichTextField(features=SECTION_FEATURES, blank=True)
    treatment = RichTextField(features=SECTION_FEATURES, blank=True)
    see_a_doctor = RichTextField(
        "see a doctor soon if",
        features=SECTION_FEATURES,
        blank=True,
        help_text="Signs that need an appointment in the coming days.",
    )
    urgent_care = RichTextField(
        "get urgent care today if",
        features=SECTION_FEATURES,
        blank=True,
        help_text="Signs that need to be seen today (urgent care or same-day visit).",
    )
    call_911 = RichTextField(
        "call 911 if",
        features=SECTION_FEATURES,
        blank=True,
        help_text="Emergency signs. Shown near the top of the page, after the first section.",
    )
    related_conditions = ParentalManyToManyField(
        "conditions.ConditionPage", blank=True, symmetrical=False, related_name="+"
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("name_in_questions"), FieldPanel("general_name")],
            heading="Names in the section headings",
        ),
        FieldPanel("overview"),
        FieldPanel("symptoms"),
        FieldPanel("causes"),
        FieldPanel("diagnosis"),
        FieldPanel("treatment"),
        MultiFieldPanel(
            [FieldPanel("see_a_doctor"), FieldPanel("urgent_care"), FieldPanel("call_911")],
            heading="When to get help",
        ),
        FieldPanel("related_conditions"),
        *ClinicalReviewMixin.review_panels,
    ]
    parent_page_types = ["conditions.ConditionIndexPage"]
    subpage_types = []

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("overview"),
        index.SearchField("symptoms"),
        index.SearchField("causes"),
        index.SearchField("diagnosis"),
        index.SearchField("treatment"),
        index.SearchField("see_a_doctor"),
        index.SearchField("urgent_care"),
        index.SearchField("call_911"),
    ]

    # Each under its question, in reading order; empty ones left out. {name}
    # is one case ("a headache"), {general} the condition at large ("headaches").
    page_sections = (
        Section("overview", _("What is {name}?"), ("overview",), _("What is it?")),
        Section(
            "symptoms",
            _("What are the symptoms of {general}?"),
            ("symptoms",),
            _("What are the symptoms?"),
        ),
        Section("causes", _("What causes {general}?"), ("causes",), _("What causes it?")),
        Section(
            "diagnosis", _("How is {name} diagnosed?"), ("diagnosis",), _("How is it diagnosed?")
        ),
        Section("treatment", _("How is {name} treated?"), ("treatment",), _("How is it treated?")),
    )

    def question_names(self):
        name = self.name_in_questions or self.title
        return {**super().question_names(), "name": name, "general": self.general_name or name}

    @property
    def care_heading(self):
        """The "when to get help" panel's heading, in the page's language."""
        return self.ask(_("When should you get help for {general}?"))

    @property
    def treatments_heading(self):
        """The heading over the procedures that name this condition."""
        return self.ask(_("Treatments we offer for {general}"))

    @cached_property
    def care_levels(self):
        """The "when to get help" panel, least to most urgent, in the NHS care-card manner.

        Without the emergency level: "Call 911 now if" shows near the top of the
        page (`emergency_levels`), where a patient in trouble sees it first.
        """
        levels = [
            ("see-a-doctor", _("See a doctor soon if:"), self.see_a_doctor),
            ("urgent-care", _("Get urgent care today if:"), self.urgent_care),
        ]
        return [
            {"id": key, "heading": heading, "body": body}
            for key, heading, body in levels
            if plain_text(body)
        ]

    @cached_property
    def emergency_levels(self):
        """The "Call 911 now if" care card, shown after the first section."""
        if not plain_text(self.call_911):
            return []
        return [{"id": "call-911", "heading": _("Call 911 now if:"), "body": self.call_911}]

    more_treatments = False  # set by treatments(): the list was cut at the menu's limit

    def treatments(self, request=None):
        """The live procedures that name this condition, A to Z (fetched once per page).

        At most as many as a menu lists; `more_treatments` then says there are
        more, and the page links to all services.
        """
        if not hasattr(self, "_treatments"):
            self._treatments, self.more_treatments = at_most(
                public(
                    self.procedures.live()
                    .order_by("title")
                    .only("title", "summary", "kind", "url_path", "path", "depth"),
                    request,
                )
            )
        return self._treatments

    def pages_showing_summary(self):
        """Besides its index and the home page: the procedures that list this condition."""
        return list(self.procedures.all())

    def structured_data(self, request, root_url, url):
        node = {
            "@type": "MedicalCondition",
            "@id": f"{url}#condition",
            "name": self.title,
            "url": url,
            "description": schema.text(self.overview),
        }
        symptoms = schema.items(self.symptoms)
        if symptoms:
            node["signOrSymptom"] = [{"@type": "MedicalSymptom", "name": s} for s in symptoms]
        treatments = [
            {
                "@type": "MedicalTherapy",
                "@id": f"{schema.absolute(p.get_url(request), root_url)}#procedure",
                "name": p.title,
                "url": schema.absolute(p.get_url(request), root_url),
            }
            for p in self.treatments(request)
            if p.kind == "therapy"
        ]
        if treatments:
            node["possibleTreatment"] = treatments
        return node

    # Named anew when what it holds changes: a copy kept by the code before is not read.
    @kept_with_page("condition-listings")
    def listed_pages(self, request):
        """The treatments (and whether there are more), the related conditions and our
        physicians' publications it lists (a publication saved, deleted or relinked purges
        the page: `Publication.pages_showing_it`)."""
        return {
            "publications": list(self.publications.all()),
            "treatments": (self.treatments(request), self.more_treatments),
            "related": self.related_in_own_language(request),
        }

    def related_in_own_language(self, request):
        """The related conditions, A to Z, each in this page's language where it is translated.

        A translation's relations may name the English pages (Wagtail's copy for
        translation and wagtail-localize's sync keep the source's): the Spanish
        page links the Spanish ones. One not translated yet is linked in English,
        marked as English (`link_lang`), as the menus link an untranslated section.
        """
        fields = ("title", "url_path", "path", "depth", "locale_id", "translation_key")
        related = public(self.related_conditions.live().only(*fields), request)
        shown = in_language(related, page_language(self), request)
        return sorted(
            {page.pk: page for page in shown.values() if page.pk != self.pk}.values(),
            key=lambda page: page.title,
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        listed = self.listed_pages(request)
        # The JSON-LD's possibleTreatment reads them too.
        self._treatments, self.more_treatments = listed["treatments"]
        context["treatments"] = self._treatments
        context["related"] = listed["related"]
        context["publications"] = listed["publications"]
        return context
