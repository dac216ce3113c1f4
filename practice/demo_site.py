"""Builds the reference practice's demo site from the JSON files in practice/demo/.

Every page is found by its slug under its parent before it is created, so
running the loader again creates nothing twice. Pages are published through
revisions, as an editor would publish them.
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import transaction
from django.utils.html import escape
from wagtail.models import Page, Site

from practice.models import (
    FooterConditionLink,
    FooterServiceLink,
    HomePage,
    LocationIndexPage,
    LocationPage,
    PracticeSettings,
    StandardPage,
    TeamIndexPage,
    TeamMemberPage,
)

DEMO_DIR = Path(__file__).resolve().parent / "demo"
REVIEWED_ON = datetime.date(2026, 9, 30)
FOOTER_CONDITIONS = ["headache", "low-back-pain", "neck-pain"]
FOOTER_SERVICES = [
    "nerve-blocks",
    "botox-injections",
    "joint-injections",
    "spinal-injections",
    "trigger-point-injections",
]


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


@dataclass
class DemoLoader:
    created: list = field(default_factory=list)
    existing: int = 0

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
        team[physician_data["slug"]] = self.team_member(about, physician_data, show_in_menus=True)
        team_index = self.child(
            about,
            TeamIndexPage,
            "team",
            title="Meet The Team",
            show_in_menus=True,
            intro="<p>The people who will look after you, from your first call to your follow-up.</p>",
        )
        for member in staff_data:
            team[member["slug"]] = self.team_member(team_index, member)
        for slug in ("media", "research"):
            self.standard_page(about, slug, site_data["standard_pages"][slug])
        physician = team[physician_data["slug"]]
        if home.intro_link_id is None:
            home.intro_link = physician
            home.save_revision().publish()

        conditions = self.conditions(home, physician)
        procedures = self.procedures(home, physician)
        self.locations(home, site_data)
        self.request_page(home, site_data["request_appointment"])
        self.footer_links(home, conditions, procedures)
        return self

    def home(self, site_data):
        site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
        root = Page.get_first_root_node()
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

    def team_member(self, parent, data, show_in_menus=False):
        return self.child(
            parent,
            TeamMemberPage,
            data["slug"],
            title=data["title"],
            name=data["name"],
            credentials=data.get("credentials", ""),
            role=data.get("role", ""),
            bio=paragraphs(data.get("bio", [])),
            show_in_menus=show_in_menus,
        )

    def conditions(self, home, physician):
        ConditionIndexPage = apps.get_model("conditions", "ConditionIndexPage")
        ConditionPage = apps.get_model("conditions", "ConditionPage")
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
        for data in read("conditions.json"):
            pages[data["slug"]] = self.child(
                index,
                ConditionPage,
                data["slug"],
                title=data["title"],
                summary=data["summary"],
                search_description=data["summary"],
                overview=paragraphs(data["overview"]),
                show_in_menus=True,
                author=physician,
                reviewer=physician,
                last_reviewed=REVIEWED_ON,
            )
        return pages

    def procedures(self, home, physician):
        ProcedureIndexPage = apps.get_model("procedures", "ProcedureIndexPage")
        ProcedurePage = apps.get_model("procedures", "ProcedurePage")
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
        for data in read("procedures.json"):
            pages[data["slug"]] = self.child(
                index,
                ProcedurePage,
                data["slug"],
                title=data["title"],
                kind=data["kind"],
                summary=data["summary"],
                search_description=data["summary"],
                overview=paragraphs(data["overview"]),
                preparation=bullets(data["preparation"]),
                reasons=bullets(data["reasons"]),
                during=bullets(data["during"]),
                follow_up=bullets(data["follow_up"]),
                risks_intro=data["risks_intro"],
                common_risks=bullets(data["common_risks"]),
                serious_risks=bullets(data["serious_risks"]),
                related_tests=bullets(data["related_tests"]),
                show_in_menus=True,
                author=physician,
                reviewer=physician,
                last_reviewed=REVIEWED_ON,
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
        for data in site_data["locations"]:
            body = paragraphs(
                [data[key] for key in ("directions", "parking", "transit") if data.get(key)]
            ) + bullets(data.get("video_instructions", []))
            self.child(
                index,
                LocationPage,
                data["slug"],
                title=data["title"],
                summary=data.get("summary", ""),
                search_description=data.get("summary", ""),
                phone=data.get("phone", ""),
                body=body,
                show_in_menus=True,
            )
        self.standard_page(index, "plan-your-visit", site_data["standard_pages"]["plan-your-visit"])
        return index

    def request_page(self, home, data):
        AppointmentRequestPage = apps.get_model("appointments", "AppointmentRequestPage")
        return self.child(
            home,
            AppointmentRequestPage,
            "request-appointment",
            title=data["title"],
            show_in_menus=True,
            search_description=data["intro"],
            intro=paragraphs([data["intro"], data["emergency_notice"]]),
        )

    def footer_links(self, home, conditions, procedures):
        settings = PracticeSettings.objects.get(site__root_page=home)
        if not settings.footer_conditions.exists():
            for order, slug in enumerate(FOOTER_CONDITIONS):
                FooterConditionLink.objects.create(
                    setting=settings, page=conditions[slug], sort_order=order
                )
        if not settings.footer_services.exists():
            for order, slug in enumerate(FOOTER_SERVICES):
                FooterServiceLink.objects.create(
                    setting=settings, page=procedures[slug], sort_order=order
                )


def load_demo_site():
    """Build the demo site; returns the loader with what it created and found."""
    return DemoLoader().load()
