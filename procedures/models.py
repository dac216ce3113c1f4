"""Procedures: the index and each procedure's page."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.images import get_image_model_string
from wagtail.models import Page, Site
from wagtail.search import index

from pagecache.pages import CachedPageMixin, kept_with_page
from practice import structured_data as schema
from practice.languages import in_language
from practice.models import SECTION_FEATURES, IndexPage, PracticeSettings, SEOMixin
from practice.navigation import children_links, page_links, public
from practice.sections import SectionsMixin
from practice.text import plain_text
from procedures.sections import SECTION_FIELDS, SECTIONS
from reviews.clinical import ClinicalPageForm, ClinicalReviewMixin, ClinicalSectionMixin

DEFAULT_RISKS_INTRO = "Most side effects are mild and go away on their own. They may include:"
# Shown in the page's language (section_body); the help text names it in English.
SERIOUS_RISKS_INTRO = gettext_noop("Rare but serious risks include:")


class ProcedurePageForm(ClinicalPageForm):
    """Says which section is missing when an editor tries to publish without it.

    Wagtail already defers `required` on text fields for drafts; this only
    replaces the generic "This field is required." with a message naming the
    section, so the editor knows what patients would miss.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only pages in the procedure's own language to tick: an English page would
        # otherwise offer "Dolor de cabeza" beside "Headache".
        locale_id = getattr(self.instance, "locale_id", None)
        for name in ("conditions", "locations"):
            field = self.fields.get(name)
            if field is not None and locale_id:
                field.queryset = field.queryset.filter(locale_id=locale_id)
        for name in ProcedurePage.required_sections():
            field = self.fields.get(name)
            if field is not None:
                label = ProcedurePage._meta.get_field(name).verbose_name
                field.error_messages["required"] = self.missing_section_message(label)

    @staticmethod
    def missing_section_message(label):
        return f"Add the “{label}” section before publishing: every procedure page needs it."

    AFTERCARE_911_MESSAGE = (
        "Add “After the procedure, call 911 now if” before publishing: this page lists "
        "serious risks, so patients need to know which signs are an emergency."
    )

    def clean(self):
        cleaned_data = super().clean()
        # An emptied editor can still hold an empty paragraph: that is no section.
        for name in ProcedurePage.required_sections():
            value = cleaned_data.get(name)
            if value and not plain_text(value):
                cleaned_data[name] = ""
                if not self.is_deferred_validation:
                    label = ProcedurePage._meta.get_field(name).verbose_name
                    self.add_error(name, self.missing_section_message(label))
        # Serious risks need the emergency signs after the procedure; a draft may wait.
        if (
            not self.is_deferred_validation
            and plain_text(cleaned_data.get("serious_risks") or "")
            and not plain_text(cleaned_data.get("aftercare_call_911") or "")
        ):
            self.add_error("aftercare_call_911", self.AFTERCARE_911_MESSAGE)
        return cleaned_data


class ProcedureIndexPage(ClinicalSectionMixin, IndexPage):
    """The list of procedures, A to Z.

    Its title ("Procedures") is the one word patients meet for the section:
    the menu, the breadcrumb and the search results all show it.
    """

    parent_page_types = ["practice.HomePage"]
    subpage_types = ["procedures.ProcedurePage"]

    listing_model = "procedures.ProcedurePage"
    # The menu lists them in the same order as this page, "More …" and the request form.
    menu_children_a_to_z = True

    def listing_queryset(self, pages):
        return pages.order_by("title").only(
            "title", "summary", "url_path", "path", "depth", "translation_key"
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # "Self-pay from $X" on the cards of the procedures that publish a price.
        if PracticeSettings.for_request(request).publish_self_pay_prices:
            lowest = self.lowest_prices(request)
            for procedure in context["listing"]:
                procedure.self_pay_from = dollars(lowest.get(procedure.translation_key))
        return context

    # Named anew when what it holds changes: a copy kept by the code before is not read.
    @kept_with_page("self-pay-prices-by-translation")
    def lowest_prices(self, request):
        """{procedure's translation key: its lowest self-pay price}; a price's change purges
        every page. By translation key: a price is the procedure's in every language."""
        rows = SelfPayPrice.objects.values("procedure__translation_key").annotate(
            lowest=models.Min("price_from")
        )
        return {row["procedure__translation_key"]: row["lowest"] for row in rows}


class ProcedurePage(CachedPageMixin, ClinicalReviewMixin, SectionsMixin, SEOMixin, Page):
    """A procedure, in the sections patients ask about, each under its own question."""

    class Kind(models.TextChoices):
        THERAPY = "therapy", "Treatment (injection, block, ablation…)"
        DIAGNOSTIC = "diagnostic", "Diagnostic procedure (e.g. lumbar puncture)"

    summary = models.TextField(
        blank=True, help_text="One sentence for listings and search results."
    )
    name_in_questions = models.CharField(
        "name in questions",
        max_length=255,
        blank=True,
        help_text="How the section headings name the procedure, with “a” or “an” if it "
        "takes one: “an occipital nerve block” gives “What is an occipital nerve block?”. "
        "Empty: the title.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.THERAPY)
    hero_image = models.ForeignKey(
        get_image_model_string(), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    overview = RichTextField("overview", features=SECTION_FEATURES)
    preparation = RichTextField("preparation", features=SECTION_FEATURES)
    reasons = RichTextField("reasons it is performed", features=SECTION_FEATURES)
    during = RichTextField("what happens during it", features=SECTION_FEATURES)
    follow_up = RichTextField("follow-up", features=SECTION_FEATURES)
    risks_intro = models.CharField(
        "lead-in to the common risks",
        max_length=255,
        default=DEFAULT_RISKS_INTRO,
        help_text="The sentence shown before the list of common risks.",
    )
    common_risks = RichTextField("common risks", features=SECTION_FEATURES)
    serious_risks = RichTextField(
        "serious risks",
        features=SECTION_FEATURES,
        blank=True,
        help_text=f"Shown after “{SERIOUS_RISKS_INTRO}”",
    )
    related_tests = RichTextField("related tests", features=SECTION_FEATURES, blank=True)
    aftercare_call_us = RichTextField(
        "after the procedure, call us if",
        features=SECTION_FEATURES,
        blank=True,
        help_text="Signs after the procedure that need a call to the practice.",
    )
    aftercare_call_911 = RichTextField(
        "after the procedure, call 911 now if",
        features=SECTION_FEATURES,
        blank=True,
        help_text="Emergency signs after the procedure. Needed before publishing when "
        "the page lists serious risks. Shown near the top of the page.",
    )
    # The one place both relations are kept: condition and location pages
    # read them back (`condition.procedures`, `location.procedures`).
    conditions = ParentalManyToManyField(
        "conditions.ConditionPage",
        blank=True,
        related_name="procedures",
        help_text="Conditions this procedure treats or helps diagnose. "
        "The condition pages list it under “Treatments we offer”.",
    )
    locations = ParentalManyToManyField(
        "locations.LocationPage",
        blank=True,
        related_name="procedures",
        help_text="Where this procedure is offered. The location pages list it.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("name_in_questions"),
        FieldPanel("kind"),
        FieldPanel("hero_image"),
        FieldPanel("overview"),
        FieldPanel("preparation"),
        FieldPanel("reasons"),
        FieldPanel("during"),
        FieldPanel("follow_up"),
        MultiFieldPanel(
            [FieldPanel("risks_intro"), FieldPanel("common_risks"), FieldPanel("serious_risks")],
            heading="Risks",
        ),
        FieldPanel("related_tests"),
        MultiFieldPanel(
            [FieldPanel("aftercare_call_us"), FieldPanel("aftercare_call_911")],
            heading="When to get help after the procedure",
        ),
        # Ticked, not Ctrl-clicked: a few dozen conditions and a handful of clinics.
        FieldPanel("conditions", widget=forms.CheckboxSelectMultiple),
        FieldPanel("locations", widget=forms.CheckboxSelectMultiple),
        *ClinicalReviewMixin.review_panels,
    ]
    social_image_fallback = "hero_image"
    base_form_class = ProcedurePageForm
    # As a card in the procedures page: its summary, and "Self-pay from $X" if it has a price.
    card_template = "procedures/includes/card.html"

    parent_page_types = ["procedures.ProcedureIndexPage"]
    subpage_types = []

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("risks_intro"),
        *(index.SearchField(name) for name in SECTION_FIELDS),
        index.SearchField("aftercare_call_us"),
        index.SearchField("aftercare_call_911"),
    ]

    page_sections = SECTIONS

    def question_names(self):
        return {**super().question_names(), "name": self.name_in_questions or self.title}

    @property
    def aftercare_heading(self):
        """The "when to get help" cards' heading, in the page's language."""
        return self.ask(_("When should you get help after {name}?"))

    @property
    def aftercare_levels(self):
        """ "When should you get help after it?": call the practice, then call 911 (care cards)."""
        levels = [
            ("call-us", _("Call us if:"), self.aftercare_call_us),
            ("call-911", _("Call 911 now if:"), self.aftercare_call_911),
        ]
        return [
            {"id": key, "heading": heading, "body": body, "call_us": key == "call-us"}
            for key, heading, body in levels
            if plain_text(body)
        ]

    @classmethod
    def required_sections(cls):
        """The section fields a procedure cannot be published without."""
        return [name for name in SECTION_FIELDS if not cls._meta.get_field(name).blank]

    def section_body(self, name):
        """A field's HTML; the risks lists each after its lead-in sentence."""
        html = getattr(self, name)
        if not html:
            return ""
        lead_ins = {"common_risks": self.risks_intro, "serious_risks": gettext(SERIOUS_RISKS_INTRO)}
        if name in lead_ins:
            return f"<p>{escape(lead_ins[name])}</p>{html}"
        return html

    @property
    def schema_type(self):
        return "DiagnosticProcedure" if self.kind == self.Kind.DIAGNOSTIC else "MedicalTherapy"

    def structured_data(self, request, root_url, url):
        """MedicalTherapy for treatments; DiagnosticProcedure (no risk properties) otherwise."""
        node = {
            "@type": self.schema_type,
            "@id": f"{url}#procedure",
            "name": self.title,
            "url": url,
            "description": schema.text(self.overview),
            "preparation": schema.text(self.preparation),
            "howPerformed": schema.text(self.during),
            "followup": schema.text(self.follow_up),
        }
        if self.schema_type == "MedicalTherapy":
            for key, html in (
                ("adverseOutcome", self.common_risks),
                ("seriousAdverseOutcome", self.serious_risks),
            ):
                outcomes = schema.items(html)
                if outcomes:
                    node[key] = [{"@type": "MedicalEntity", "name": name} for name in outcomes]
        return {key: value for key, value in node.items() if value}

    def pages_showing_summary(self):
        """Besides its index and the home page: the pages that list this procedure."""
        return [*self.conditions.all(), *self.locations.all()]

    # Beyond the menu's limit, "More procedures" shows this many related ones.
    related_procedures_shown = 8

    def more_procedures(self, request, condition_ids):
        """The other procedures to list under "More procedures", and whether it is a selection.

        While the section has at most as many procedures as a menu lists, all of
        them, A to Z. Beyond that, a page would carry hundreds of links: up to
        `related_procedures_shown`, those sharing most conditions with this one
        first, then A to Z; the page then links to the whole list.
        """
        limit = getattr(settings, "MENU_CHILDREN_LIMIT", 25)
        parent_path = self.path[: -self.steplen]
        site = Site.find_for_request(request)
        # This page and up to `limit` others, and one more to tell a long list.
        first = children_links(
            ProcedurePage,
            parent_path,
            self.depth,
            site.pk if site else None,
            request,
            limit=limit + 2 if limit else None,
        )
        others = [link for link in first if link.pk != self.pk]
        if not limit or len(others) <= limit:
            return others[:limit] if limit else others, False
        related = (
            public(ProcedurePage.objects.sibling_of(self, inclusive=False).live(), request)
            .only("title", "url_path", "path", "depth")
            .annotate(
                shared=Count("conditions", filter=Q(conditions__in=condition_ids), distinct=True)
            )
            .order_by("-shared", "title")
        )
        return page_links(related[: self.related_procedures_shown], request), True

    def self_pay(self, request):
        """Its self-pay prices, clinic by clinic, unless the practice doesn't publish prices."""
        if not PracticeSettings.for_request(request).publish_self_pay_prices:
            return []
        return self.kept_prices(request)

    @kept_with_page("self-pay-prices-by-translation")
    def kept_prices(self, request):
        """The prices of this procedure in any language (the billing office names one page:
        the Spanish page shows the English page's prices), each clinic in the URL's language
        (`shown_location`), and `includes_lang`: the language the billing office wrote
        "what it includes" in (the site's), when it is not the URL's."""
        prices = list(
            SelfPayPrice.objects.filter(procedure__translation_key=self.translation_key)
            .filter(Q(location=None) | Q(location__live=True))
            .select_related("location")
            # "At every clinic" first on every database (SQLite and PostgreSQL sort NULL apart).
            .order_by(models.F("location__path").asc(nulls_first=True), "price_from")
        )
        clinics = in_language(price.location for price in prices)
        language = translation.get_language() or settings.LANGUAGE_CODE
        for price in prices:
            price.shown_location = clinics[price.location_id] if price.location_id else None
            price.includes_lang = (
                "" if language == settings.LANGUAGE_CODE else settings.LANGUAGE_CODE
            )
        return prices

    @kept_with_page("procedure-links")
    def listed_pages(self, request):
        """The conditions it treats (A to Z) and the clinics that offer it, as the page lists them."""
        fields = ("title", "url_path", "path", "depth")
        return {
            "conditions_treated": list(
                public(self.conditions.live().order_by("title").only(*fields), request)
            ),
            "offered_at": list(
                public(self.locations.live().order_by("path").only(*fields), request)
            ),
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if getattr(request, "is_preview", False):
            # A preview holds the editor's unsaved choices in memory, not in a queryset.
            conditions = [page for page in self.conditions.all() if page.live]
            context["more_procedures"], context["more_is_selection"] = self.more_procedures(
                request, [page.pk for page in conditions]
            )
            context["conditions_treated"] = sorted(conditions, key=lambda p: p.title)
            context["offered_at"] = sorted(
                (page for page in self.locations.all() if page.live), key=lambda p: p.path
            )
            return context
        context["more_procedures"], context["more_is_selection"] = self.more_procedures(
            request, self.conditions.values("pk")
        )
        context.update(self.listed_pages(request))
        context["self_pay_prices"] = self.self_pay(request)
        return context


class SelfPayPrice(models.Model):
    """What a procedure costs a patient who pays without insurance, at one clinic or at every one.

    A snippet (Snippets › Self-pay prices), kept apart from the procedure's
    clinical text: the billing office updates prices without sending the page
    through medical review. None is required; Practice details › "Publish
    self-pay prices" hides them all.
    """

    procedure = models.ForeignKey(
        ProcedurePage, on_delete=models.CASCADE, related_name="self_pay_prices"
    )
    location = models.ForeignKey(
        "locations.LocationPage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="clinic",
        help_text="Leave empty when the price is the same at every clinic.",
    )
    price_from = models.DecimalField("price (or lowest price)", max_digits=8, decimal_places=2)
    price_to = models.DecimalField(
        "highest price",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="For a range; leave empty for one price.",
    )
    includes = models.CharField(
        "what it includes",
        max_length=255,
        help_text="e.g. The visit, the injection and the medicine; not imaging.",
    )
    as_of = models.DateField("price as of")

    panels = [
        FieldPanel("procedure"),
        FieldPanel("location"),
        FieldPanel("price_from"),
        FieldPanel("price_to"),
        FieldPanel("includes"),
        FieldPanel("as_of"),
    ]

    # Shown on the procedure, the procedures page and search: a change purges every page.
    purge_site_on_change = True

    class Meta:
        ordering = ["procedure__title", "price_from"]
        verbose_name = "self-pay price"

    def __str__(self):
        where = self.location.title if self.location_id else "every clinic"
        return f"{self.procedure.title} at {where}: {self.price_label}"

    def clean(self):
        both = self.price_to is not None and self.price_from is not None
        if both and self.price_to < self.price_from:
            raise ValidationError({"price_to": "The highest price can't be below the lowest."})

    @property
    def price_label(self):
        """ "$450" or "$450 to $700", whole dollars without cents."""
        if self.price_to is not None and self.price_to != self.price_from:
            return gettext("%(lowest)s to %(highest)s") % {
                "lowest": dollars(self.price_from),
                "highest": dollars(self.price_to),
            }
        return dollars(self.price_from)


def dollars(amount):
    if amount is None:
        return ""
    if amount == amount.to_integral_value():
        return f"${amount:,.0f}"
    return f"${amount:,.2f}"
