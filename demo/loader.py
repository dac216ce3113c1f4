"""Builds the reference practice's demo site from the JSON files in demo/content/.

Every page is found by its slug under its parent before it is created, so
running the loader again creates nothing twice. Pages are published through
revisions, as an editor would publish them.
"""

import contextlib
import datetime
import io
import json
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site

from appointments.models import AppointmentRequestPage
from appointments.records import AppointmentSettings
from conditions.models import ConditionIndexPage, ConditionPage
from locations.models import (
    InsurancePlan,
    LocationIndexPage,
    LocationPage,
    OpeningHours,
    PlanYourVisitPage,
)
from practice.models import (
    FooterLink,
    HomeFeaturedCondition,
    HomeFeaturedService,
    HomePage,
    LanguageTagline,
    NondiscriminationNoticePage,
    PracticeSettings,
    StandardPage,
)
from practice.notices import Closure, SiteNotice
from practice.sections import section_fields
from press.models import MediaItem, MediaPage
from procedures.models import ProcedureIndexPage, ProcedurePage, SelfPayPrice
from research.models import Publication, ResearchPage
from team.models import HospitalAffiliation, TeamIndexPage, TeamMemberPage

# (carrier, plan or network, network id, clinic slug or "all", not accepting new patients)
DEMO_PLANS = [
    ("Aetna", "Open Access Managed Choice", "", "all", False),
    ("Anthem Blue Cross Blue Shield", "Century Preferred PPO", "", "greenwich-stamford-ct", False),
    ("Medicare", "Part B", "", "all", False),
    ("NY Medicaid", "", "", "nyc-carroll-gardens", True),
    ("UnitedHealthcare", "Choice Plus", "", "nyc-carroll-gardens", False),
]

# (procedure slug, clinic slug or None for every clinic, lowest, highest or None, what it includes)
DEMO_PRICES = [
    ("occipital-nerve-block", None, "350", None, "The visit, the injection and the medicine."),
    (
        "trigger-point-injections",
        "greenwich-stamford-ct",
        "225",
        "300",
        "The visit and up to four injection sites.",
    ),
    (
        "trigger-point-injections",
        "nyc-carroll-gardens",
        "250",
        "325",
        "The visit and up to four injection sites.",
    ),
    (
        "lumbar-puncture",
        "greenwich-stamford-ct",
        "650",
        None,
        "The procedure and the laboratory's basic tests; not imaging.",
    ),
]

# Plain links to the practice's own systems; the practice puts its own addresses here.
DEMO_PATIENT_LINKS = {
    "patient_portal_url": "https://portal.example.org/",
    "bill_pay_url": "https://pay.example.org/",
    "telehealth_url": "https://video.example.org/join",
}

# After the CMS model notice ("Right to Receive a Good Faith Estimate of Expected Charges").
GOOD_FAITH_ESTIMATE_NOTICE = {
    "title": "You have the right to receive a Good Faith Estimate",
    "summary": "If you don't have insurance or you are not using insurance, you can ask us "
    "for a Good Faith Estimate of what your care will cost.",
    "body": [
        {
            "heading": None,
            "paragraphs": [
                "You have the right to receive a “Good Faith Estimate” explaining how much your "
                "medical care will cost.",
                "Under the law, health care providers need to give patients who don't have "
                "insurance or who are not using insurance an estimate of the bill for medical "
                "items and services.",
            ],
            "bullets": [
                "You have the right to receive a Good Faith Estimate for the total expected "
                "cost of any non-emergency items or services. This includes related costs like "
                "medical tests, prescription drugs, equipment, and hospital fees.",
                "Make sure your health care provider gives you a Good Faith Estimate in "
                "writing at least 1 business day before your medical service or item. You can "
                "also ask your health care provider, and any other provider you choose, for a "
                "Good Faith Estimate before you schedule an item or service.",
                "If you receive a bill that is at least $400 more than your Good Faith "
                "Estimate, you can dispute the bill.",
                "Make sure to save a copy or picture of your Good Faith Estimate.",
            ],
        },
        {
            "heading": "Questions",
            "paragraphs": [
                "For questions or more information about your right to a Good Faith Estimate, "
                "visit www.cms.gov/nosurprises or call 1-800-985-3059.",
            ],
            "bullets": [],
        },
    ],
}

DEMO_DIR = Path(__file__).resolve().parent / "content"
# Demo users, one per role; each password from its variable or generated and printed once.
DEMO_USERS = [
    ("editor", "Editors", "DEMO_EDITOR_PASSWORD"),
    ("reviewer", "Medical reviewers", "DEMO_REVIEWER_PASSWORD"),
    ("frontdesk", "Front desk", "DEMO_FRONTDESK_PASSWORD"),
]
# Review ages (days before today) that make the "Clinical review due" report
# useful: a few pages overdue, a few due soon, the rest fresh. Cycled by page.
REVIEW_AGES_DAYS = [400, 60, 30, 350, 90, 45, 120, 380, 20, 75, 355, 15]
REVIEW_INTERVAL = relativedelta(months=12)
FOOTER_CONDITIONS = ["headache", "low-back-pain", "neck-pain"]
# A to Z by title, as the menu and every other list of procedures.
FOOTER_SERVICES = [
    "botox-injections",
    "joint-injections",
    "nerve-blocks",
    "spinal-injections",
    "trigger-point-injections",
]
HOME_CONDITIONS = ["headache", "low-back-pain", "neck-pain", "occipital-neuralgia"]
HOME_SERVICES = ["botox-for-chronic-migraine", "epidural-steroid-injection", "nerve-blocks"]
# Placeholder colours: dark enough for white initials at AA contrast.
PORTRAIT_COLOURS = ["#0b5563", "#6b3fa0", "#8a4b08", "#2f5d1e"]


def placeholder_image(title, text, size, colour, description):
    """An image drawn with Pillow (no downloads), found by title so it is made only once.

    `description` says what the picture really shows (a placeholder, not a
    photograph): it is the alt text patients' screen readers read out.
    """
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    picture = PILImage.new("RGB", size, colour)
    draw = ImageDraw.Draw(picture)
    font_size = size[1] // 4
    try:
        from PIL import ImageFont

        font = ImageFont.load_default(size=font_size)
    except (TypeError, OSError):  # Pillow without FreeType: the small bitmap font
        font = None
    box = draw.textbbox((0, 0), text, font=font)
    position = ((size[0] - (box[2] - box[0])) / 2, (size[1] - (box[3] - box[1])) / 2)
    draw.text(position, text, fill="#ffffff", font=font)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower())
    return Image.objects.create(
        title=title, file=ImageFile(buffer, name=f"{slug}.jpg"), description=description
    )


def first_sentence(text):
    """Up to the first full stop that ends a word (not the one in "Dr.")."""
    return re.split(r"(?<=[a-z]{2}\.)\s", text, maxsplit=1)[0]


def initials(name):
    return "".join(part[0] for part in name.split()[:2]).upper()


def read(name):
    return json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))


def paragraphs(items):
    return "".join(f"<p>{escape(text)}</p>" for text in items)


def bullets(items):
    if not items:
        return ""
    return "<ul>" + "".join(f"<li>{escape(text)}</li>" for text in items) + "</ul>"


def sections_html(sections):
    """Standard-page body from [{heading, paragraphs, bullets}]."""
    html = []
    for section in sections:
        if section.get("heading"):
            html.append(f"<h2>{escape(section['heading'])}</h2>")
        html.append(paragraphs(section.get("paragraphs", [])))
        html.append(bullets(section.get("bullets", [])))
    return "".join(html)


# The clinical fields outside the section spec, and where the English demo JSON keeps
# each (the Spanish JSON names them as the page does).
CARE_FIELDS = {
    ProcedurePage: {
        "aftercare_call_us": ("aftercare", "call_us"),
        "aftercare_call_911": ("aftercare", "call_911"),
    },
    ConditionPage: {
        "see_a_doctor": ("when_to_get_help", "see_a_doctor"),
        "urgent_care": ("when_to_get_help", "urgent_care"),
        "call_911": ("when_to_get_help", "call_911"),
    },
}


def clinical_fields(model, data):
    """A procedure's or condition's section fields from its demo JSON, read from its spec.

    Every field the page type's `page_sections` names (procedures/sections.py,
    ConditionPage.page_sections), as the importer reads them, plus its "when to
    get help" fields: a section added to the spec is loaded in both languages,
    and a JSON entry without it fails here instead of loading a page without it.
    The overview is paragraphs; every other section is a list.
    """
    fields = {}
    for name in section_fields(model.page_sections):
        fields[name] = paragraphs(data[name]) if name == "overview" else bullets(data[name])
    for name, (group, key) in CARE_FIELDS[model].items():
        fields[name] = bullets(data[name] if name in data else data[group].get(key, []))
    if model is ProcedurePage:
        fields["risks_intro"] = data["risks_intro"]
    return fields


def review_dates(number):
    """Last reviewed and next review due for the demo's `number`th clinical page."""
    reviewed = timezone.localdate() - datetime.timedelta(
        days=REVIEW_AGES_DAYS[number % len(REVIEW_AGES_DAYS)]
    )
    return {"last_reviewed": reviewed, "next_review_due": reviewed + REVIEW_INTERVAL}


@dataclass
class DemoLoader:
    created: list = field(default_factory=list)
    existing: int = 0
    # (username, password or None when it came from the environment), for users made this run.
    new_users: list = field(default_factory=list)

    def child(self, parent, model, slug, **fields):
        """The live child of `parent` with `slug`, created and published if missing."""
        page = parent.get_children().filter(slug=slug).specific().first()
        if page is not None:
            self.existing += 1
            return page
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
        self.created.append(page)
        return page

    @transaction.atomic
    def load(self):
        site_data = read("site.json")
        home = self.home(site_data)
        self.practice_settings(site_data, home)

        about = self.standard_page(home, "about", site_data["standard_pages"]["about"])
        team = {}
        physician_data, *staff_data = site_data["team"]
        team[physician_data["slug"]] = self.team_member(
            about, physician_data, show_in_menus=True, is_physician=True
        )
        team_index = self.child(
            about,
            TeamIndexPage,
            "team",
            title="Meet The Team",
            show_in_menus=True,
            intro="<p>The people who will look after you, from your first call to your follow-up.</p>",
        )
        for number, member in enumerate(staff_data, start=1):
            team[member["slug"]] = self.team_member(team_index, member, colour_index=number)
        self.media(about, site_data["standard_pages"]["media"])
        research = self.research_page(about, site_data["standard_pages"]["research"])
        physician = team[physician_data["slug"]]
        if home.intro_link_id is None:
            home.intro_link = physician
            home.save_revision().publish()

        conditions = self.conditions(home, physician)
        procedures = self.procedures(home, physician, conditions)
        locations = self.locations(home, site_data)
        self.link_new_pages(conditions, procedures, locations)
        if research is not None:
            self.publications(physician, conditions, procedures)
        self.request_page(home, site_data["request_appointment"])
        self.appointment_settings(home, site_data["practice"])
        self.policy_pages(home, site_data["policies"])
        self.language_access(home)
        self.plans_and_credentials(physician, locations)
        # Read again: the revision published there carries its NPI and affiliations, and
        # publishing this copy again (demo_users) must not take them away.
        physician = TeamMemberPage.objects.get(pk=physician.pk)
        self.self_pay_prices(procedures, locations)
        self.closure_and_notice(locations)
        self.patient_links(home)
        self.footer_links(home, conditions, procedures)
        self.home_features(home, conditions, procedures)
        self.demo_users(physician)
        self.search_synonyms_and_promotions(home)
        self.spanish(home, physician)
        self.spanish_request_page(home)
        return self

    def demo_users(self, physician):
        """An editor, a medical reviewer (linked to the physician's page) and the front desk.

        Each password comes from its environment variable, or is generated and
        kept in `new_users` for the command to print once.
        """
        User = get_user_model()
        for username, group_name, variable in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            chosen = os.environ.get(variable)
            password = chosen or secrets.token_urlsafe(12)
            user = User.objects.create_user(
                username, email=f"{username}@example.test", password=password
            )
            group = Group.objects.filter(name=group_name).first()
            if group is not None:  # a practice may have renamed or removed it
                user.groups.add(group)
            self.new_users.append(
                {
                    "username": username,
                    "group": group_name,
                    "variable": variable,
                    "password": None if chosen else password,
                }
            )
            if username == "reviewer" and physician.user_id is None:
                # Their approval stamps "Reviewed by" the physician.
                physician.user = user
                physician.save_revision().publish()

    def home(self, site_data):
        site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
        root = Page.get_first_root_node() or self.tree_root()
        home = HomePage.objects.first()
        if home is None:
            data = site_data["home"]
            home = HomePage(
                title=site_data["practice"]["name"],
                slug="home-page",
                hero_heading=data["hero_heading"],
                hero_text=data["hero_text"],
                intro_heading=data["intro_heading"],
                intro_text=paragraphs([data["intro_text"]]),
                search_description=site_data["practice"]["footer_blurb"],
            )
            root.add_child(instance=home)
            home.save_revision().publish()
            self.created.append(home)
        else:
            self.existing += 1
        if site is None:
            site = Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True
            )
        if site.root_page_id != home.id:
            old_root = site.root_page
            site.root_page = home
            site.site_name = site_data["practice"]["name"]
            site.save()
            # Wagtail's placeholder "Welcome" page is replaced, never user content.
            if type(old_root.specific) is Page and not old_root.get_children().exists():
                old_root.delete()
        return home

    def translate(self, page, locale, publish=True, **fields):
        """`page`'s translation into `locale`, made from a copy of it if missing.

        Wagtail's copy for translation links the two (their translation_key), so
        the language switcher goes between them and wagtail-localize can take
        the translation over; the review stamps are not copied
        (reviews.clinical.REVIEW_STAMP_FIELDS): the Spanish page's are its own.
        Returns the page and whether it was made now; `publish=False` leaves a
        new one as a draft (a clinical page goes through its medical review).
        """
        existing = page.get_translation_or_none(locale)
        if existing is not None:
            self.existing += 1
            return existing.specific, False
        translated = page.copy_for_translation(locale)
        for name, value in fields.items():
            setattr(translated, name, value)
        translated.save()
        revision = translated.save_revision()
        if publish:
            revision.publish()
        self.created.append(translated)
        return translated, True

    def spanish(self, home, physician):
        """The Spanish site: the home page, the sections, Plan Your Visit, the clinics and
        the virtual visit, procedures and conditions, the policies and the notice.

        Written for this project (demo/content/es.json), not machine-translated;
        a practice has its translator check them. Each is a translation of its
        English page, so the switcher pairs them. The Spanish clinical pages
        are reviewed on their own, through the Medical review workflow
        (`medical_review`): their stamps are never the English pages'.
        """
        data = read("es.json")
        spanish, _ = Locale.objects.get_or_create(language_code="es")
        home_data = data["home"]
        home_es, _ = self.translate(
            home,
            spanish,
            slug=home_data["slug"],
            hero_heading=home_data["hero_heading"],
            hero_text=home_data["hero_text"],
            intro_heading=home_data["intro_heading"],
            intro_text=paragraphs([home_data["intro_text"]]),
            search_description=home_data["search_description"],
        )
        sections = {}
        for key, model in (
            ("procedures_index", ProcedureIndexPage),
            ("conditions_index", ConditionIndexPage),
            ("locations_index", LocationIndexPage),
        ):
            index = model.objects.child_of(home).first()
            if index is not None:
                sections[key], _ = self.translate(index, spanish, **data[key])
        if "locations_index" in sections:
            self.spanish_locations(home, spanish, data)
        self.spanish_policies(home, spanish, data["policies"])
        self.spanish_notice(home, spanish)
        # In the order the English loader makes them: conditions, then the procedures
        # that name them (each relation goes to the Spanish page where there is one:
        # linked once all are made, so a condition names those made after it too).
        made = []
        for model, key in (
            (ConditionPage, "conditions_index"),
            (ProcedurePage, "procedures_index"),
        ):
            if key not in sections:
                continue
            group = "conditions" if model is ConditionPage else "procedures"
            for slug, page_data in data[group].items():
                source = model.objects.filter(slug=slug, locale__language_code="en").first()
                if source is None:
                    continue
                translated, created = self.translate(
                    source,
                    spanish,
                    publish=False,
                    title=page_data["title"],
                    slug=page_data["slug"],
                    name_in_questions=page_data.get("name_in_questions", ""),
                    # Never the English page's ("headaches"): empty, the Spanish name.
                    **(
                        {"general_name": page_data.get("general_name", "")}
                        if model is ConditionPage
                        else {}
                    ),
                    summary=page_data["summary"],
                    search_description=page_data["summary"],
                    **clinical_fields(model, page_data),
                )
                if created:
                    made.append((translated, source))
        for translated, source in made:
            self.link_translations(translated, source, spanish)
            self.medical_review(translated, physician)
        return home_es

    @staticmethod
    def in_spanish(pages, spanish):
        """The Spanish translations of `pages` (those that have one)."""
        keys = [page.translation_key for page in pages]
        return list(
            Page.objects.filter(translation_key__in=keys, locale=spanish)
            .specific()
            .order_by("path")
        )

    def link_translations(self, translated, source, spanish):
        """A Spanish clinical page names the Spanish conditions and clinics, not the English.

        Wagtail's copy keeps the English page's relations, which would list the
        Spanish page on English pages (a condition's treatments, a clinic's procedures).
        """
        if isinstance(translated, ProcedurePage):
            translated.conditions = self.in_spanish(source.conditions.all(), spanish)
            translated.locations = self.in_spanish(source.locations.all(), spanish)
        else:
            translated.related_conditions = self.in_spanish(
                source.related_conditions.all(), spanish
            )
        translated.save()
        translated.save_revision()

    def medical_review(self, page, physician):
        """Submit `page` for medical review as the demo editor; the demo reviewer approves it.

        As on the English site: approving publishes the page and stamps the
        reviewer (the physician, whose page the reviewer's account is linked to)
        and the dates (reviews.signals). Without the demo users or the workflow
        (a practice removed them), the page is published with the physician's stamps.
        """
        User = get_user_model()
        editor = User.objects.filter(username="editor").first()
        reviewer = User.objects.filter(username="reviewer").first()
        workflow = page.get_workflow()
        if editor is None or reviewer is None or workflow is None:
            page.reviewer = physician
            for name, value in review_dates(0).items():
                setattr(page, name, value)
            page.save_revision().publish()
            return
        with _without_workflow_emails():
            workflow.start(page, editor)
            state = page.current_workflow_task_state
            state.task.specific.on_action(state, reviewer, "approve")

    def spanish_locations(self, home, spanish, data):
        """The clinics, the virtual visit and Plan Your Visit, below the Spanish Locations."""
        index = LocationIndexPage.objects.child_of(home).first()
        for slug, page_data in data["locations"].items():
            source = LocationPage.objects.child_of(index).filter(slug=slug).first()
            if source is None:
                continue
            self.translate(
                source,
                spanish,
                title=page_data["title"],
                slug=page_data["slug"],
                summary=page_data["summary"],
                search_description=page_data["summary"],
                hours_note=page_data["hours_note"],
                directions=paragraphs([page_data["directions"]]) if page_data["directions"] else "",
                parking=paragraphs([page_data["parking"]]) if page_data["parking"] else "",
                transit=paragraphs([page_data["transit"]]) if page_data["transit"] else "",
                video_instructions=bullets(page_data["video_instructions"]),
            )
        visit = PlanYourVisitPage.objects.child_of(index).first()
        if visit is not None:
            visit_data = data["plan_your_visit"]
            self.translate(
                visit,
                spanish,
                title=visit_data["title"],
                slug=visit_data["slug"],
                summary=visit_data["summary"],
                search_description=visit_data["summary"],
                body=sections_html(visit_data["body"]),
            )

    def spanish_policies(self, home, spanish, data):
        """The accessibility statement and the privacy notice in Spanish (the settings name
        the English pages; the footer links each page's translation)."""
        for key in ("accessibility", "privacy"):
            source = StandardPage.objects.child_of(home).filter(slug=key).first()
            if source is None:
                continue
            page_data = data[key]
            body = sections_html(page_data["body"])
            notice = source.get_children().filter(slug="notice-of-privacy-practices").first()
            if key == "privacy" and notice is not None:
                # The Notice of Privacy Practices itself is not translated: its link says so.
                link = escape(page_data["notice_link"])
                body += f'<p><a linktype="page" id="{notice.id}">{link}</a></p>'
            self.translate(
                source,
                spanish,
                title=page_data["title"],
                slug=page_data["slug"],
                summary=page_data["summary"],
                search_description=page_data["summary"],
                body=body,
            )

    def language_access(self, home):
        """The Section 1557 nondiscrimination notice, its coordinator in the settings, and the
        language assistance taglines, each flagged as not yet checked by a translator."""
        data = read("language_access.json")
        notice = data["notice"]
        page = self.child(
            home,
            NondiscriminationNoticePage,
            notice["slug"],
            title=notice["title"],
            summary=notice["summary"],
            search_description=notice["summary"],
            statement=notice["statement"],
            free_help=notice["free_help"],
            grievance=notice["grievance"],
            civil_rights_complaint=notice["civil_rights_complaint"],
            show_in_menus=False,
        )
        settings = PracticeSettings.objects.get(site__root_page=home)
        if settings.nondiscrimination_page_id is None:
            settings.nondiscrimination_page = page
        if not settings.section_1557_coordinator_name:
            for key, value in data["coordinator"].items():
                setattr(settings, f"section_1557_coordinator_{key}", value)
        settings.save()
        if not LanguageTagline.objects.exists():
            for order, tagline in enumerate(data["taglines"]):
                LanguageTagline.objects.create(
                    **tagline, sort_order=order, checked_by_translator=False
                )

    def spanish_notice(self, home, spanish):
        source = NondiscriminationNoticePage.objects.child_of(home).first()
        if source is None:
            return
        notice = read("language_access.json")["notice_es"]
        self.translate(
            source,
            spanish,
            title=notice["title"],
            slug=notice["slug"],
            summary=notice["summary"],
            search_description=notice["summary"],
            statement=notice["statement"],
            free_help=notice["free_help"],
            grievance=notice["grievance"],
            civil_rights_complaint=notice["civil_rights_complaint"],
        )

    @staticmethod
    def tree_root():
        """The page tree's root, the root collection and the locale, as Wagtail's migrations make them.

        Only an emptied database lacks them (e.g. after a transactional test's flush).
        """
        language = get_supported_content_language_variant(django_settings.LANGUAGE_CODE)
        Locale.objects.get_or_create(language_code=language)
        if Collection.get_first_root_node() is None:
            Collection.add_root(name="Root")
        return Page.add_root(instance=Page(title="Root", slug="root"))

    def practice_settings(self, site_data, home):
        site = Site.objects.get(root_page=home)
        data = site_data["practice"]
        settings, created = PracticeSettings.objects.get_or_create(site=site)
        if created or not settings.phone:
            for key in (
                "practice_name",
                "phone",
                "email",
                "footer_blurb",
                "copyright_holder",
                "youtube_url",
                "tiktok_url",
                "instagram_url",
            ):
                setattr(settings, key, data["name" if key == "practice_name" else key])
            # Written for the project, as the Spanish pages are (a translator checks it).
            settings.footer_blurb_es = (
                "Neurología y tratamiento del dolor de cabeza, de los nervios, los músculos y "
                "la columna, con clínicas en Stamford y Brooklyn y visitas por video. Nos "
                "tomamos el tiempo de escucharle, le explicamos sus opciones con claridad y "
                "hacemos un plan con usted."
            )
            settings.save()

    def standard_page(self, parent, slug, data, **extra):
        return self.child(
            parent,
            StandardPage,
            slug,
            title=data["title"],
            summary=data.get("summary", ""),
            search_description=data.get("summary", ""),
            body=sections_html(data.get("body", [])),
            show_in_menus=True,
            **extra,
        )

    def media(self, about, data):
        """The Media page and its items (demo/content/media.json): thumbnails drawn, nothing fetched."""
        if (
            about.get_children()
            .filter(slug="media")
            .exclude(content_type__model="mediapage")
            .exists()
        ):
            return None  # a site loaded before the Media page existed keeps its page
        page = self.child(
            about,
            MediaPage,
            "media",
            title=data["title"],
            search_description=data["summary"],
            intro=paragraphs([data["summary"]]),
            show_in_menus=True,
        )
        for number, item in enumerate(read("media.json")["items"]):
            if MediaItem.objects.filter(url=item["url"]).exists():
                continue
            thumbnail = None
            if item["kind"] == "video":
                thumbnail = placeholder_image(
                    f"Video thumbnail: {item['title']}",
                    "Video",
                    (800, 450),
                    PORTRAIT_COLOURS[number % len(PORTRAIT_COLOURS)],
                    description=f"Placeholder still for the video “{item['title']}”",
                )
            MediaItem.objects.create(
                kind=item["kind"],
                title=item["title"],
                date=datetime.date.fromisoformat(item["date"]),
                outlet=item["outlet"],
                url=item["url"],
                summary=item["summary"],
                transcript=paragraphs(item.get("transcript", [])),
                thumbnail=thumbnail,
            )
        return page

    def research_page(self, about, data):
        if (
            about.get_children()
            .filter(slug="research")
            .exclude(content_type__model="researchpage")
            .exists()
        ):
            return None  # a site loaded before the Research page existed keeps its page
        return self.child(
            about,
            ResearchPage,
            "research",
            title=data["title"],
            search_description=data["summary"],
            intro=sections_html(data["body"]),
            show_in_menus=True,
        )

    def publications(self, physician, conditions, procedures):
        """Invented publications (demo/content/research.json), stored as if fetched: no network."""
        for data in read("research.json")["publications"]:
            if Publication.objects.filter(doi=data["doi"]).exists():
                continue
            publication = Publication.objects.create(
                doi=data["doi"],
                title=data["title"],
                authors="\n".join(data["authors"]),
                journal=data["journal"],
                journal_abbreviation=data["journal_abbreviation"],
                year=data["year"],
                month=data["month"],
                volume=data["volume"],
                issue=data["issue"],
                pages=data["pages"],
                open_access_url=f"https://doi.org/{data['doi']}" if data["open_access"] else "",
            )
            publication.team_members.set([physician])
            publication.conditions.set(
                [conditions[s] for s in data["conditions"] if s in conditions]
            )
            publication.procedures.set(
                [procedures[s] for s in data["procedures"] if s in procedures]
            )

    def team_member(self, parent, data, show_in_menus=False, colour_index=0, is_physician=False):
        if parent.get_children().filter(slug=data["slug"]).exists():
            return self.child(parent, TeamMemberPage, data["slug"])
        name = ", ".join(filter(None, [data["name"], data.get("credentials")]))
        photo = placeholder_image(
            f"Portrait placeholder: {data['name']}",
            initials(data["name"]),
            (480, 600),
            PORTRAIT_COLOURS[colour_index % len(PORTRAIT_COLOURS)],
            description=f"Placeholder portrait with the initials {initials(data['name'])} "
            f"for {name}",
        )
        return self.child(
            parent,
            TeamMemberPage,
            data["slug"],
            title=data["title"],
            name=data["name"],
            credentials=data.get("credentials", ""),
            role=data.get("role", ""),
            is_physician=is_physician,
            photo=photo,
            specialties="\n".join(data.get("specialties", [])),
            board_certifications="\n".join(data.get("board_certifications", [])),
            education="\n".join(data.get("education", [])),
            languages="\n".join(data.get("languages", [])),
            bio=paragraphs(data.get("bio", [])),
            search_description=first_sentence(data["bio"][0]),
            show_in_menus=show_in_menus,
        )

    def conditions(self, home, physician):
        index = self.child(
            home,
            ConditionIndexPage,
            "conditions",
            title="Conditions",
            show_in_menus=True,
            search_description="Conditions we diagnose and treat, from headache to low back pain.",
            intro="<p>Conditions we diagnose and treat. Choose one to read what it is, "
            "how it is diagnosed and which of our treatments can help.</p>",
        )
        pages = {}
        for number, data in enumerate(read("conditions.json")):
            pages[data["slug"]] = self.child(
                index,
                ConditionPage,
                data["slug"],
                title=data["title"],
                name_in_questions=data.get("name_in_questions", ""),
                general_name=data.get("general_name", ""),
                summary=data["summary"],
                search_description=data["summary"],
                **clinical_fields(ConditionPage, data),
                show_in_menus=True,
                author=physician,
                reviewer=physician,
                **review_dates(number),
            )
        return pages

    def procedures(self, home, physician, conditions):
        index = self.child(
            home,
            ProcedureIndexPage,
            "procedures",
            title="Procedures",
            show_in_menus=True,
            search_description="Injections, nerve blocks and other procedures offered at our clinics.",
            intro="<p>The procedures we offer, each explained: how to prepare, what happens, "
            "and what recovery is like.</p>",
        )
        pages = {}
        for number, data in enumerate(read("procedures.json"), start=len(conditions)):
            pages[data["slug"]] = self.child(
                index,
                ProcedurePage,
                data["slug"],
                title=data["title"],
                name_in_questions=data.get("name_in_questions", ""),
                kind=data["kind"],
                summary=data["summary"],
                search_description=data["summary"],
                **clinical_fields(ProcedurePage, data),
                conditions=[conditions[slug] for slug in data["conditions"]],
                show_in_menus=True,
                author=physician,
                reviewer=physician,
                **review_dates(number),
            )
        return pages

    def locations(self, home, site_data):
        index = self.child(
            home,
            LocationIndexPage,
            "locations",
            title="Locations",
            show_in_menus=True,
            search_description="Our clinics in Stamford, CT and Brooklyn, NY, and virtual visits.",
            intro="<p>See us in Connecticut, in Brooklyn, or from home by video.</p>",
        )
        pages = {}
        for data in site_data["locations"]:
            pages[data["slug"]] = self.location(index, data)
        visit = site_data["standard_pages"]["plan-your-visit"]
        self.child(
            index,
            PlanYourVisitPage,
            "plan-your-visit",
            title=visit["title"],
            summary=visit.get("summary", ""),
            search_description=visit.get("summary", ""),
            body=sections_html(visit.get("body", [])),
            show_in_menus=True,
        )
        return pages

    def location(self, index, data):
        if index.get_children().filter(slug=data["slug"]).exists():
            return self.child(index, LocationPage, data["slug"])
        photo = None
        if data.get("street"):
            photo = placeholder_image(
                f"Clinic photo placeholder: {data['title']}",
                data["city"],
                (960, 540),
                "#073b45",
                description=f"Placeholder picture for the {data['title']} clinic: "
                f"the word “{data['city']}” in white on dark teal",
            )
        hours = [
            OpeningHours(
                weekday=row["weekday"],
                opens=datetime.time.fromisoformat(row["opens"]),
                closes=datetime.time.fromisoformat(row["closes"]),
            )
            for row in data.get("hours", [])
        ]
        return self.child(
            index,
            LocationPage,
            data["slug"],
            title=data["title"],
            summary=data.get("summary", ""),
            search_description=data.get("summary", ""),
            street=data.get("street", ""),
            city=data.get("city", ""),
            state=data.get("state", ""),
            postal_code=data.get("postal_code", ""),
            phone=data.get("phone", ""),
            fax=data.get("fax", ""),
            email=data.get("email", ""),
            hours_note=data.get("hours_note", ""),
            photo=photo,
            directions=paragraphs([data["directions"]]) if data.get("directions") else "",
            parking=paragraphs([data["parking"]]) if data.get("parking") else "",
            transit=paragraphs([data["transit"]]) if data.get("transit") else "",
            video_instructions=bullets(data.get("video_instructions", [])),
            opening_hours=hours,
            show_in_menus=True,
        )

    def link_new_pages(self, conditions, procedures, locations):
        """Relations to pages created later in the run, set on pages created in this run.

        Related conditions need every condition; a procedure's locations need
        the location pages, which come after procedures in the tree.
        """
        related = {data["slug"]: data["related"] for data in read("conditions.json")}
        for slug, page in conditions.items():
            if page in self.created:
                page.related_conditions = [conditions[other] for other in related[slug]]
                page.save_revision().publish()
        offered = {data["slug"]: data["locations"] for data in read("procedures.json")}
        for slug, page in procedures.items():
            if page in self.created:
                page.locations = [locations[other] for other in offered[slug]]
                page.save_revision().publish()

    def home_features(self, home, conditions, procedures):
        """The home page's featured lists, published as an editor would, if still empty."""
        if home.featured_conditions.exists() or home.featured_services.exists():
            return
        home.featured_conditions = [
            HomeFeaturedCondition(page=conditions[slug]) for slug in HOME_CONDITIONS
        ]
        home.featured_services = [
            HomeFeaturedService(page=procedures[slug]) for slug in HOME_SERVICES
        ]
        home.save_revision().publish()

    def request_page(self, home, data):
        return self.child(
            home,
            AppointmentRequestPage,
            "request-appointment",
            title=data["title"],
            show_in_menus=True,
            search_description=data["intro"],
            intro=paragraphs([data["intro"]]),
            emergency_notice=data["emergency_notice"],
            privacy_notice=paragraphs([data["privacy_notice"]]),
            thank_you=paragraphs([data["thank_you"]]),
        )

    def spanish_request_page(self, home):
        """The request form in Spanish, at /es/solicitar-cita/, beside the Spanish home page.

        Its labels, choices and messages are the site's (locale/es); the page's
        own texts are written here for the project, not machine-translated. A
        practice has its translator check them.
        """
        spanish = Locale.objects.filter(language_code="es").first()
        home_es = home.get_translation_or_none(spanish) if spanish else None
        source = AppointmentRequestPage.objects.child_of(home).first()
        if home_es is None or source is None:
            return None
        return self.translate(
            source,
            spanish,
            title="Pida una cita",
            slug="solicitar-cita",
            search_description="Díganos cómo contactarle y qué clínica prefiere. "
            "Alguien de nuestro equipo le contactará para buscar una hora.",
            intro=paragraphs(
                [
                    "Díganos cómo contactarle y qué clínica prefiere. Alguien de nuestro "
                    "equipo le contactará para buscar una hora que le convenga."
                ]
            ),
            emergency_notice="Este formulario no es para emergencias. "
            "Si tiene una emergencia médica, llame al 911.",
            privacy_notice=paragraphs(
                [
                    "Usamos lo que nos envía solo para contactarle sobre una cita. Por favor, "
                    "no incluya detalles de su historial médico: los hablaremos con usted en "
                    "persona o por teléfono."
                ]
            ),
            thank_you=paragraphs(["Gracias por elegirnos. Tenemos muchas ganas de conocerle."]),
        )

    @staticmethod
    def appointment_settings(home, data):
        """New requests reach someone from the first run: the front desk's address is
        notified (printed to the console in development) and patients get a confirmation."""
        settings, _ = AppointmentSettings.objects.get_or_create(
            site=Site.objects.get(root_page=home)
        )
        if not settings.notification_addresses:
            settings.notification_emails = data["front_desk_email"]
            settings.send_patient_confirmation = True
            settings.save()

    def policy_pages(self, home, data):
        """The accessibility statement, the website privacy notice and, below it, the
        Notice of Privacy Practices (a template the practice completes), chosen in the
        site's settings so that every page's footer links to the first two.
        """

        def policy_page(parent, slug, page_data):
            return self.child(
                parent,
                StandardPage,
                slug,
                title=page_data["title"],
                summary=page_data["summary"],
                search_description=page_data["summary"],
                body=sections_html(page_data["body"]),
                show_in_menus=False,
            )

        accessibility = policy_page(home, "accessibility", data["accessibility"])
        privacy = policy_page(home, "privacy", data["privacy"])
        notice = policy_page(
            privacy, "notice-of-privacy-practices", data["notice_of_privacy_practices"]
        )
        if privacy in self.created:
            # Linked through the tree, as an editor's link is: it follows the page if it moves.
            link = (
                f'<a linktype="page" id="{notice.id}">{escape(data["privacy"]["notice_link"])}</a>'
            )
            privacy.body += f"<p>{link}</p>"
            privacy.save_revision().publish()
        settings = PracticeSettings.objects.get(site__root_page=home)
        if settings.accessibility_page_id is None or settings.privacy_page_id is None:
            settings.accessibility_page = settings.accessibility_page or accessibility
            settings.privacy_page = settings.privacy_page or privacy
            settings.save()
        gfe = policy_page(home, "good-faith-estimate", GOOD_FAITH_ESTIMATE_NOTICE)
        if (
            settings.privacy_practices_page_id is None
            or settings.good_faith_estimate_page_id is None
        ):
            settings.privacy_practices_page = settings.privacy_practices_page or notice
            settings.good_faith_estimate_page = settings.good_faith_estimate_page or gfe
            settings.save()

    @staticmethod
    def plans_and_credentials(physician, locations):
        """Plans taken at both clinics (and by video), and the physician's affiliation and NPI:
        illustrations, which the practice replaces with its own."""
        if InsurancePlan.objects.exists():
            return
        clinics = list(locations.values())
        for carrier, name, network_id, where, closed in DEMO_PLANS:
            plan = InsurancePlan.objects.create(
                carrier=carrier,
                name=name,
                network_id=network_id,
                not_accepting_new_patients=closed,
                last_checked=timezone.localdate(),
            )
            plan.locations.set([c for c in clinics if where == "all" or c.slug == where])
            plan.save()
        if not physician.npi:
            physician = physician.get_latest_revision_as_object()
            physician.npi = "1234567893"  # CMS's worked example of the check digit
            physician.memberships = "American Academy of Neurology\nAmerican Headache Society"
            physician.hospital_affiliations = [
                HospitalAffiliation(hospital="Stamford Hospital", role="Attending neurologist")
            ]
            physician.save_revision().publish()

    @staticmethod
    def self_pay_prices(procedures, locations):
        """Self-pay prices on a few procedures, one the same at every clinic."""
        if SelfPayPrice.objects.exists():
            return
        for slug, clinic, lowest, highest, includes in DEMO_PRICES:
            SelfPayPrice.objects.create(
                procedure=procedures[slug],
                location=locations[clinic] if clinic else None,
                price_from=lowest,
                price_to=highest,
                includes=includes,
                as_of=timezone.localdate().replace(day=1),
            )

    @staticmethod
    def closure_and_notice(locations):
        """A closure of the Stamford clinic in two weeks (on its page, its hours and its
        JSON-LD) and a site-wide notice on for a month from the first run."""
        if not Closure.objects.exists():
            day = timezone.localdate() + datetime.timedelta(days=14)
            Closure.objects.create(
                location=locations["greenwich-stamford-ct"],
                first_day=day,
                reason="Staff training day. Call us to move an appointment.",
                reason_es="Día de formación del personal. Llámenos para cambiar una cita.",
            )
        if not SiteNotice.objects.exists():
            now = timezone.now()
            SiteNotice.objects.create(
                message="Flu shots are available at both clinics this season: ask at your visit.",
                message_es="Esta temporada hay vacunas contra la gripe en las dos clínicas: "
                "pregunte en su visita.",
                starts_at=now - datetime.timedelta(hours=1),
                ends_at=now + datetime.timedelta(days=30),
            )

    @staticmethod
    def patient_links(home):
        """The patient portal, bill pay, video visits and a new-patient forms PDF."""
        from django.core.files.base import ContentFile
        from wagtail.documents import get_document_model

        settings = PracticeSettings.objects.get(site__root_page=home)
        if settings.patient_portal_url or settings.new_patient_forms_id:
            return
        for key, url in DEMO_PATIENT_LINKS.items():
            setattr(settings, key, url)
        page = PILImage.new("RGB", (612, 792), "#ffffff")
        ImageDraw.Draw(page).text((72, 72), "New-patient forms (demo placeholder)", fill="#000000")
        buffer = io.BytesIO()
        page.save(buffer, format="PDF")
        settings.new_patient_forms = get_document_model().objects.create(
            title="New-patient forms",
            file=ContentFile(buffer.getvalue(), name="new-patient-forms.pdf"),
        )
        settings.save()

    def footer_links(self, home, conditions, procedures):
        settings = PracticeSettings.objects.get(site__root_page=home)
        if settings.footer_links.exists():
            return
        links = [(FooterLink.Column.CONDITIONS, conditions[slug]) for slug in FOOTER_CONDITIONS]
        links += [(FooterLink.Column.SERVICES, procedures[slug]) for slug in FOOTER_SERVICES]
        for order, (column, page) in enumerate(links):
            FooterLink.objects.create(setting=settings, column=column, page=page, sort_order=order)

    def search_synonyms_and_promotions(self, home):
        """Lay words editors would add (Settings › Search synonyms), and promoted results
        (Settings › Promoted search results) for questions no clinical page answers."""
        from wagtail.contrib.search_promotions.models import Query, SearchPromotion

        from sitesearch.models import Synonym

        for terms, note in DEMO_SYNONYMS:
            if not Synonym.objects.filter(terms=terms).exists():
                Synonym.objects.create(terms=terms, note=note)
        for terms, note in DEMO_SPANISH_SYNONYMS:
            if not Synonym.objects.filter(terms=terms, language="es").exists():
                Synonym.objects.create(terms=terms, note=note, language="es")
        visit = Page.objects.descendant_of(home).filter(slug="plan-your-visit").first()
        if visit is None:
            return
        for query in DEMO_PROMOTED_FOR_VISIT:
            SearchPromotion.objects.get_or_create(
                query=Query.get(query),
                page=visit,
                defaults={"sort_order": 0, "description": ""},
            )


# Search synonyms and promotions of the demo (search_synonyms_and_promotions).
DEMO_SYNONYMS = [
    ("spinal tap\nlumbar puncture", "What most patients call it."),
    ("pinched nerve\nradiculopathy", "The clinical word is on referral letters."),
    ("botox\nbotulinum toxin", ""),
    ("occipital neuralgia\noccipital neuralia", "The old website's spelling."),
    ("radiofrequency ablation\nrfa\nnerve burning", ""),
]
# The Spanish site's own (/es/search/): words the practice's Spanish-speaking patients use.
DEMO_SPANISH_SYNONYMS = [
    ("punción lumbar\npunción espinal", "What many patients call it."),
    ("migraña\njaqueca", "The everyday word."),
    ("ciática\ndolor del nervio ciático\nnervio ciático", ""),
    (
        "nervio pinzado\nnervio pellizcado\nradiculopatía",
        "The clinical word is on referral letters.",
    ),
    ("bótox\ntoxina botulínica", ""),
    ("dolor de cabeza\ncefalea", "Cefalea is the doctor's word."),
    ("ablación por radiofrecuencia\nrfa\nquemar el nervio", ""),
]
DEMO_PROMOTED_FOR_VISIT = ["cost", "price", "insurance", "parking", "directions"]


@contextlib.contextmanager
def _without_workflow_emails():
    """Wagtail's workflow emails off while the demo reviews its own pages.

    Each review would mail the demo reviewer and editor ("submitted", "approved"):
    fourteen messages printed over `make run`'s logins, for work nobody did.
    Only the emails: the review's own receivers (stamps, history) still run.
    """
    from wagtail.admin.signal_handlers import register_signal_handlers
    from wagtail.models import TaskState, WorkflowState
    from wagtail.signals import task_submitted, workflow_approved, workflow_submitted

    task_submitted.disconnect(
        sender=TaskState, dispatch_uid="group_approval_task_submitted_email_notification"
    )
    workflow_submitted.disconnect(
        sender=WorkflowState, dispatch_uid="workflow_state_submitted_email_notification"
    )
    workflow_approved.disconnect(
        sender=WorkflowState, dispatch_uid="workflow_state_approved_email_notification"
    )
    try:
        yield
    finally:
        register_signal_handlers()
