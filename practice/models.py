"""What every page of the site shares, and the practice's own pages.

The abstract SEO mixin and the abstract index page are used by the page
types of the other apps (what makes a page clinical is in `reviews.clinical`). This app imports none of them:
where it must name their models it does so by "app.Model" string.
"""

from django.apps import apps
from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.utils import translation
from django.utils.functional import cached_property
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.images import get_image_model_string
from wagtail.models import Orderable, Page, Site
from wagtail.search import index

from pagecache import versions
from pagecache.pages import CachedPageMixin, kept_with_page

# The site's image model is declared in practice.images; imported here so Django finds it.
from practice.images import PatientPageForm, SiteImage, SiteRendition  # noqa: F401

# The language assistance taglines are declared in practice.language_access; imported here so
# Django finds them.
from practice.language_access import LanguageTagline  # noqa: F401
from practice.languages import in_language, page_language
from practice.navigation import public

# Notices and closures are declared in practice.notices; imported here so Django finds them.
from practice.notices import Closure, SiteNotice, in_page_language  # noqa: F401
from practice.phone import tel_uri
from practice.text import plain_text

# Rich text for clinical sections: short paragraphs and lists, nothing that
# would break the consistent look of the page.
SECTION_FEATURES = ["bold", "italic", "link", "ul", "ol"]
BODY_FEATURES = ["h2", "h3", "bold", "italic", "link", "ul", "ol", "image"]


def lines(text):
    """The non-empty lines of a one-item-per-line text field."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SEOMixin(models.Model):
    """What search engines and link previews show for a page.

    Adds `social_image` (the Open Graph picture) to the Promote tab, and
    `meta_description`: the editor's search description, falling back to the
    page's summary. Without a social image the page's own picture
    (`social_image_fallback` names the field) is used, then the site's default.
    """

    social_image = models.ForeignKey(
        get_image_model_string(),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown when the page is shared. Without it, the page's own photo is used.",
    )

    promote_panels = Page.promote_panels + [FieldPanel("social_image")]
    social_image_fallback = None
    # Publishing refuses pictures that say nothing to patients (practice.images).
    base_form_class = PatientPageForm

    class Meta:
        abstract = True

    @property
    def meta_description(self):
        text = self.search_description or getattr(self, "summary", "") or ""
        return plain_text(text)

    def get_social_image(self):
        if self.social_image_id:
            return self.social_image
        if self.social_image_fallback and getattr(self, f"{self.social_image_fallback}_id"):
            return getattr(self, self.social_image_fallback)
        return None


class IndexPage(CachedPageMixin, SEOMixin, Page):
    """A section's landing page: an introduction, then its pages as cards.

    Subclasses name the page type they list (`listing_model`) and may narrow
    the query (`listing_queryset`); the template shows `listing` through
    `components/page_list.html`.
    """

    intro = RichTextField(features=SECTION_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    max_count = 1

    listing_model = None  # "app.Model" of the child pages listed

    class Meta:
        abstract = True

    def listing_queryset(self, pages):
        return pages.order_by("path")

    def listing(self, request=None):
        pages = apps.get_model(self.listing_model).objects.child_of(self).live()
        return public(self.listing_queryset(pages), request)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Pages of cards, so an index of a thousand procedures stays light.
        paginator = Paginator(self.listing(request), settings.INDEX_PAGE_SIZE)
        page_obj = paginator.get_page(request.GET.get("page"))
        context["listing"] = page_obj.object_list
        context["page_obj"] = page_obj if paginator.num_pages > 1 else None
        return context


class HomePage(CachedPageMixin, SEOMixin, Page):  # noqa: DJ008 (Page's __str__ is the title)
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
        help_text="Usually the physician's profile. The link reads as the page's title.",
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

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "practice.StandardPage",
        "practice.NondiscriminationNoticePage",
        "conditions.ConditionIndexPage",
        "procedures.ProcedureIndexPage",
        "locations.LocationIndexPage",
        "appointments.AppointmentRequestPage",
        "newsletter.NewsletterIndexPage",
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

    # Publishing any page purges the home page: what it lists is kept until then.
    @kept_with_page("home-links")
    def listed_pages(self, request):
        """The featured conditions and services and the clinics, as the home page lists them."""
        location_model = apps.get_model("locations.LocationPage")
        return {
            "featured_conditions": self.featured_pages("featured_conditions"),
            "featured_services": self.featured_pages("featured_services"),
            "locations": list(
                public(location_model.objects.descendant_of(self).live().order_by("path"), request)
            ),
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self.listed_pages(request))
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
        """The live pages editors chose for a home page list, in their order, in one query
        (and one more for their translations).

        Cards show the page's search description, which lives on the base page
        row, so no query per page type is needed.

        A translated home page lists each chosen page in its own language where it
        is translated (its copy of the links names the English pages); one not
        translated yet is listed in English, marked as such (`link_lang`).
        """
        links = getattr(self, relation).filter(page__live=True).select_related("page")
        return list(in_language((link.page for link in links), page_language(self)).values())


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


class StandardPage(CachedPageMixin, SEOMixin, Page):  # noqa: DJ008 (Page's __str__ is the title)
    """A page of prose: About, Media, Research, Plan your visit. Lists its own sub-pages."""

    summary = models.TextField(blank=True, help_text="One or two sentences shown in listings.")
    body = RichTextField(features=BODY_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]

    parent_page_types = [
        "practice.HomePage",
        "practice.StandardPage",
        "locations.LocationIndexPage",
    ]
    subpage_types = ["practice.StandardPage", "team.TeamIndexPage", "team.TeamMemberPage"]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    def policy(self, request):
        """This page's role in the site's settings: "privacy", "accessibility" or None.

        The practice's privacy notice and accessibility statement are standard
        pages chosen in Settings › Practice details. Each then ends with what
        must never disagree with the site itself, read from the settings: how
        long the website keeps what it collects, and how to reach the practice.
        A translation of the chosen page has the same role (the settings name
        the English page).
        """
        if request is None:
            return None
        practice = PracticeSettings.for_request(request)  # read once per request
        for role, chosen in (
            ("privacy", practice.privacy_page),
            ("accessibility", practice.accessibility_page),
        ):
            if chosen is not None and (
                chosen.pk == self.pk or chosen.translation_key == self.translation_key
            ):
                return role
        return None

    def get_template(self, request, *args, **kwargs):
        policy = self.policy(request)
        if policy:
            return f"practice/{policy}_page.html"
        return super().get_template(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Specific pages, so each card can show its own summary (a query per page type).
        context["children"] = public(self.get_children().live(), request).specific()
        if self.policy(request) == "privacy":
            context["retention"] = retention_periods()
        return context


class NondiscriminationNoticePage(CachedPageMixin, SEOMixin, Page):  # noqa: DJ008
    """The Section 1557 notice of nondiscrimination, in the parts the 2024 rule asks for.

    What the practice writes is in four required parts; the page puts each
    under its heading, then adds what must never disagree with the settings:
    the Section 1557 coordinator's contact (Settings › Practice details) and
    the language assistance taglines (Snippets), each in its own language.
    """

    summary = models.TextField(blank=True, help_text="One or two sentences shown in listings.")
    statement = RichTextField(
        features=SECTION_FEATURES,
        help_text="That the practice complies with federal civil rights laws and does not "
        "discriminate on the basis of race, color, national origin (including language), "
        "age, disability or sex, nor exclude people or treat them differently because of it.",
    )
    free_help = RichTextField(
        "free aids and language help",
        features=SECTION_FEATURES,
        help_text="The free aids and services for people with disabilities (sign language "
        "interpreters, large print, audio, accessible electronic formats) and the free "
        "language help (qualified interpreters, information in other languages), and how "
        "to ask for them.",
    )
    grievance = RichTextField(
        "how to file a grievance",
        features=SECTION_FEATURES,
        help_text="How to file a grievance with the practice (in person, by mail, phone or "
        "email) and that the coordinator can help. The coordinator's contact from "
        "Settings › Practice details is shown after it.",
    )
    civil_rights_complaint = RichTextField(
        "complaints to HHS",
        features=SECTION_FEATURES,
        help_text="How to file a civil rights complaint with the U.S. Department of Health "
        "and Human Services, Office for Civil Rights: its portal "
        "(ocrportal.hhs.gov), mail address, phone 1-800-368-1019 and TDD 1-800-537-7697.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("statement"),
        FieldPanel("free_help"),
        FieldPanel("grievance"),
        FieldPanel("civil_rights_complaint"),
    ]

    parent_page_types = ["practice.HomePage"]
    subpage_types = []
    # One per language: the Spanish notice sits under the Spanish home page.
    max_count_per_parent = 1

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("statement"),
        index.SearchField("free_help"),
        index.SearchField("grievance"),
        index.SearchField("civil_rights_complaint"),
    ]

    class Meta:
        verbose_name = "nondiscrimination notice"


def retention_periods():
    """How long the website keeps what it collects, in days: the purge commands' own settings."""
    return {
        "appointment_days": settings.APPOINTMENT_RETENTION_DAYS,
        "appointment_spam_days": settings.APPOINTMENT_SPAM_RETENTION_DAYS,
        "newsletter_pending_days": settings.NEWSLETTER_PENDING_DAYS,
        "search_terms_days": settings.SEARCH_TERMS_RETENTION_DAYS,
    }


def chosen_page(verbose_name, help_text=""):
    """A page an editor chooses in the settings; choosing none, or deleting it, leaves it empty."""
    return models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=verbose_name,
        help_text=help_text,
    )


@register_setting(icon="site")
class PracticeSettings(ClusterableModel, BaseSiteSetting):
    """Who the practice is and how to reach it: shown in the header and footer."""

    practice_name = models.CharField(max_length=120, default="Our practice")
    phone = models.CharField(max_length=40, blank=True, help_text="As patients dial it.")
    email = models.EmailField(blank=True)
    footer_blurb = models.TextField(blank=True)
    # What editors type for patients has a field per language here (see practice.notices).
    footer_blurb_es = models.TextField(
        "footer blurb in Spanish",
        blank=True,
        help_text="Shown on the Spanish pages. Left empty, they show the English blurb.",
    )
    copyright_holder = models.CharField(max_length=120, blank=True)
    youtube_url = models.URLField("YouTube", blank=True)
    tiktok_url = models.URLField("TikTok", blank=True)
    instagram_url = models.URLField("Instagram", blank=True)
    accessibility_page = chosen_page(
        "accessibility statement",
        "A standard page, linked from every page's footer. It ends with how to ask "
        "for help or another format: the phone and email above.",
    )
    privacy_page = chosen_page(
        "privacy notice",
        "A standard page, linked from every page's footer. It ends with how long "
        "the website keeps appointment requests and newsletter addresses (from the "
        "site's configuration, so it always matches) and how to reach you.",
    )

    # The notices a US practice must post prominently, linked from every footer
    # (HIPAA's Notice of Privacy Practices, the No Surprises Act's Good Faith
    # Estimate notice, Section 1557's nondiscrimination notice).
    privacy_practices_page = chosen_page(
        "Notice of Privacy Practices",
        "The practice's HIPAA notice itself (not the website's privacy page).",
    )
    good_faith_estimate_page = chosen_page(
        "Good Faith Estimate notice",
        "“You have the right to receive a Good Faith Estimate”, from the CMS model notice.",
    )
    nondiscrimination_page = chosen_page(
        "nondiscrimination notice",
        "The Section 1557 notice: also where the footer's “Language assistance” link goes.",
    )
    # Section 1557: the person who takes grievances, named on the nondiscrimination notice.
    section_1557_coordinator_name = models.CharField("name", max_length=120, blank=True)
    section_1557_coordinator_title = models.CharField(
        "title",
        max_length=120,
        blank=True,
        help_text="“Section 1557 Coordinator”, “Practice manager”.",
    )
    section_1557_coordinator_title_es = models.CharField(
        "title in Spanish",
        max_length=120,
        blank=True,
        help_text="Shown on the Spanish notice. Left empty, it shows the English title.",
    )
    section_1557_coordinator_phone = models.CharField("phone", max_length=40, blank=True)
    section_1557_coordinator_email = models.EmailField("email", blank=True)
    section_1557_coordinator_address = models.TextField(
        "postal address", blank=True, help_text="Where a grievance can be mailed, one line each."
    )

    # Plain links to the practice's own systems (the EHR's portal, bill pay, the
    # telehealth platform): nothing of theirs loads on our pages.
    patient_portal_url = models.URLField("patient portal", blank=True)
    bill_pay_url = models.URLField("online bill pay", blank=True)
    telehealth_url = models.URLField(
        "telehealth join page", blank=True, help_text="Where patients join a video visit."
    )
    new_patient_forms = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="new-patient forms",
        help_text="A PDF uploaded in Documents, linked from every page's footer.",
    )

    # No Surprises Act: prices are optional to publish; a practice that doesn't turns them off.
    publish_self_pay_prices = models.BooleanField(
        "publish self-pay prices",
        default=True,
        help_text="Shows the self-pay prices entered on procedure pages, on those pages and on "
        "the procedures page. Turn off if the practice doesn't publish prices.",
    )

    # The footer links to these on every page: fetched with the settings, no query of their own.
    select_related = [
        "accessibility_page",
        "privacy_page",
        "privacy_practices_page",
        "good_faith_estimate_page",
        "nondiscrimination_page",
        "new_patient_forms",
    ]

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
            [
                FieldPanel("footer_blurb"),
                FieldPanel("footer_blurb_es"),
                FieldPanel("copyright_holder"),
            ],
            heading="Footer",
        ),
        MultiFieldPanel(
            [
                PageChooserPanel("accessibility_page", "practice.StandardPage"),
                PageChooserPanel("privacy_page", "practice.StandardPage"),
            ],
            heading="Accessibility and privacy",
        ),
        MultiFieldPanel(
            [
                PageChooserPanel("privacy_practices_page"),
                PageChooserPanel("good_faith_estimate_page"),
                PageChooserPanel("nondiscrimination_page", "practice.NondiscriminationNoticePage"),
            ],
            heading="Notices to patients",
            help_text="Linked from every page's footer.",
        ),
        MultiFieldPanel(
            [
                FieldPanel("section_1557_coordinator_name"),
                FieldPanel("section_1557_coordinator_title"),
                FieldPanel("section_1557_coordinator_title_es"),
                FieldPanel("section_1557_coordinator_phone"),
                FieldPanel("section_1557_coordinator_email"),
                FieldPanel("section_1557_coordinator_address"),
            ],
            heading="Section 1557 coordinator",
            help_text="Who takes grievances about discrimination or language help: named on "
            "the nondiscrimination notice.",
        ),
        MultiFieldPanel(
            [
                FieldPanel("patient_portal_url"),
                FieldPanel("bill_pay_url"),
                FieldPanel("telehealth_url"),
                FieldPanel("new_patient_forms"),
            ],
            heading="Patient links",
            help_text="Linked from every page's footer.",
        ),
        FieldPanel("publish_self_pay_prices", heading="Self-pay prices"),
        InlinePanel(
            "footer_links",
            heading="Footer links",
            label="Link",
            help_text="Conditions and services to list in the footer, in this order.",
        ),
    ]

    class Meta:
        verbose_name = "Practice details"

    @classmethod
    def for_request(cls, request):
        """The practice's details for the site of `request`, read once per change of the site.

        Every page shows them (header, footer, JSON-LD): kept in the shared cache
        with the menus until a setting or a page the footer names changes. The
        admin's settings form reads the database itself (`for_site`).
        """
        attr_name = cls.get_cache_attr_name()
        if hasattr(request, attr_name):
            return getattr(request, attr_name)
        site = Site.find_for_request(request)
        if site is None:
            return super().for_request(request)
        details = versions.per_site_version(
            "practice-settings", site.pk, lambda: cls.for_site(site)
        )
        details._request = request
        setattr(request, attr_name, details)
        return details

    @property
    def phone_href(self):
        return tel_uri(self.phone)

    @property
    def footer_blurb_shown(self):
        """The footer's blurb in the page's language: {"text", "lang"} (practice.notices)."""
        return in_page_language(self.footer_blurb, self.footer_blurb_es)

    @property
    def coordinator_title_shown(self):
        """The coordinator's title in the page's language: {"text", "lang"} (practice.notices)."""
        return in_page_language(
            self.section_1557_coordinator_title, self.section_1557_coordinator_title_es
        )

    @property
    def coordinator_phone_href(self):
        return tel_uri(self.section_1557_coordinator_phone)

    @property
    def coordinator_address_lines(self):
        return lines(self.section_1557_coordinator_address)

    def footer_links_for(self, request):
        """The footer's chosen live pages as (column, title, url, lang), kept until the site changes.

        Every page shows the footer: it is built once per change of the site
        (a setting saved, a title or a page's publishing), not on every render,
        and per language: the settings choose English pages, and a Spanish
        page's footer links their Spanish translations where they exist (`lang`:
        the language of a link left in another language than the URL's, or "").
        """

        def build():
            links = list(self.footer_links.select_related("page").filter(page__live=True))
            shown = in_language(link.page for link in links)
            language = translation.get_language() or settings.LANGUAGE_CODE
            found = []
            for link in links:
                page = shown[link.page.pk]
                lang = page_language(page)
                found.append(
                    (
                        link.column,
                        page.title,
                        page.get_url(request),
                        "" if lang == language else lang,
                    )
                )
            return found

        return versions.per_site_version("footer-links", self.site_id, build)

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
