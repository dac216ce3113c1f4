"""The site as a whole: settings, demo content, the menu from the tree, query budgets."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction, Site

from practice.models import PracticeSettings
from practice.navigation import build_main_menu
from procedures.models import ProcedurePage
from tests import factories
from tests.html import labelled, links, one, soup, text, texts

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


class TestSettings:
    def test_production_refuses_to_start_without_a_secret_key(self):
        result = run_manage("check", DJANGO_DEBUG="0")
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY is not set" in result.stderr

    def test_production_settings_pass_the_deployment_checklist(self):
        result = run_manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY="x" * 64 + "-a-long-random-production-key-for-the-test",
            DJANGO_ALLOWED_HOSTS="www.example-practice.test",
        )
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
class TestDemoContent:
    def test_load_demo_builds_complete_procedures_once(self, capsys):
        call_command("load_demo")
        first = capsys.readouterr().out
        pages = Page.objects.count()
        procedures = ProcedurePage.objects.live()
        # The 22 of the demo, and four of them in Spanish (demo/content/es.json).
        assert procedures.filter(locale__language_code="en").count() == 22
        assert procedures.filter(locale__language_code="es").count() == 4
        for procedure in procedures:
            for name in ProcedurePage.required_sections():
                assert getattr(procedure, name).strip(), (procedure.title, name)
        call_command("load_demo")
        second = capsys.readouterr().out
        assert "Created" in first
        assert "created nothing" in second
        assert Page.objects.count() == pages

    def test_load_demo_if_empty_leaves_an_existing_site_alone(self, home, capsys):
        pages = Page.objects.count()
        call_command("load_demo", "--if-empty")
        assert "not loaded" in capsys.readouterr().out
        assert Page.objects.count() == pages

    def test_every_menu_link_opens_a_live_page(self, client, demo_site):
        home = client.get("/")
        assert home.status_code == 200
        menu = one(soup(home), "nav.main-nav")
        urls = {href for _, href in links(menu) if href != "#main-menu"}
        assert len(urls) == 5 + 4 + 8 + 22 + 4
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            head = one(soup(response), "head")
            # one stylesheet, and no script that holds up rendering
            assert len(head.select('link[rel="stylesheet"]')) == 1, url
            for script in soup(response).select("script[src]"):
                assert script.has_attr("defer") or script.has_attr("async"), (url, script)


@pytest.fixture
def menu_site(home):
    """A small tree: About with four pages, Conditions with two, Procedures with two, the form."""
    shown = {"show_in_menus": True}
    about = factories.StandardPageFactory(parent=home, title="About", slug="about", **shown)
    factories.TeamMemberPageFactory(parent=about, title="Meet Dr. Sader", **shown)
    factories.TeamIndexPageFactory(parent=about, title="Meet The Team", slug="team", **shown)
    factories.StandardPageFactory(parent=about, title="Media", slug="media", **shown)
    factories.StandardPageFactory(parent=about, title="Research", slug="research", **shown)
    conditions = factories.ConditionIndexPageFactory(parent=home, slug="conditions", **shown)
    factories.ConditionPageFactory(parent=conditions, title="Headache", **shown)
    factories.ConditionPageFactory(parent=conditions, title="Neck Pain", **shown)
    procedures = factories.ProcedureIndexPageFactory(parent=home, slug="procedures", **shown)
    factories.ProcedurePageFactory(parent=procedures, title="Nerve Blocks", **shown)
    factories.ProcedurePageFactory(parent=procedures, title="Botox Injections", **shown)
    factories.AppointmentRequestPageFactory(parent=home, **shown)
    # Never in the menu: a page not shown in menus, and the pages under it.
    privacy = factories.StandardPageFactory(parent=home, title="Privacy", show_in_menus=False)
    factories.StandardPageFactory(parent=privacy, title="Cookies", **shown)
    return Site.objects.get(is_default_site=True)


def main_menu(response):
    """The main menu as a patient reads it: each item's title and the titles under it."""
    nav = one(soup(response), "nav.main-nav")
    return {
        text(one(item, "a.menu__link")): texts(item.select("a.submenu__link"))
        for item in nav.select("li.menu__item")
    }


@pytest.mark.django_db
class TestMainMenu:
    def test_menu_follows_the_page_tree_with_procedures_and_conditions_a_to_z(
        self, client, menu_site
    ):
        menu = main_menu(client.get("/"))
        assert list(menu.items()) == [
            ("About", ["Meet Dr. Sader", "Meet The Team", "Media", "Research"]),
            ("Conditions", ["Headache", "Neck Pain"]),
            ("Procedures", ["Botox Injections", "Nerve Blocks"]),
            ("Request Appointment", []),
        ]
        nav = one(soup(client.get("/")), "nav.main-nav")
        assert ("Procedures", "/procedures/") in links(nav)
        assert ("Meet The Team", "/about/team/") in links(nav)

    def test_pages_hidden_from_menus_unpublished_or_private_are_left_out(self, client, menu_site):
        Page.objects.filter(slug="media").update(show_in_menus=False)
        Page.objects.get(slug="research").unpublish()
        PageViewRestriction.objects.create(
            page=Page.objects.get(slug="team"), restriction_type="login"
        )
        assert main_menu(client.get("/"))["About"] == ["Meet Dr. Sader"]

    def test_procedures_are_in_one_order_in_the_menu_more_procedures_and_the_form(
        self, client, menu_site
    ):
        procedures = Page.objects.get(slug="procedures")
        factories.ProcedurePageFactory(parent=procedures, title="Ablation", show_in_menus=True)
        a_to_z = ["Ablation", "Botox Injections", "Nerve Blocks"]
        nerve_blocks = ProcedurePage.objects.get(title="Nerve Blocks")

        assert main_menu(client.get("/"))["Procedures"] == a_to_z
        page = soup(client.get(nerve_blocks.url))
        more = one(page, "nav[aria-labelledby=more-procedures]")
        assert texts(more.select("li a")) == ["Ablation", "Botox Injections"]
        form = soup(client.get("/request-appointment/"))
        listed = one(form, "select[name=reason] optgroup[label=Procedures]")
        assert texts(listed.select("option")) == a_to_z

    def test_menu_queries_do_not_grow_with_the_number_of_pages(self, menu_site):
        site = Site.objects.select_related("root_page").get(pk=menu_site.pk)
        build_main_menu(site)  # warm the site root paths cache
        with CaptureQueriesContext(connection) as before:
            build_main_menu(site)
        index = Page.objects.get(slug="procedures")
        for n in range(30):
            factories.ProcedurePageFactory(parent=index, title=f"Extra {n}", show_in_menus=True)
        with CaptureQueriesContext(connection) as after:
            menu = build_main_menu(site)
        services = next(item for item in menu if item.title == "Procedures")
        assert "Extra 0" in [child.title for child in services.children]  # the new pages count
        assert len(after) == len(before) <= 2

    def test_header_and_footer_show_the_practice(self, client, home, condition, procedure):
        practice = PracticeSettings.for_site(Site.objects.get(is_default_site=True))
        factories.FooterLinkFactory(setting=practice, column="conditions", page=condition)
        factories.FooterLinkFactory(setting=practice, column="services", page=procedure)
        html = soup(client.get("/"))

        contact = [href for _, href in links(one(html, "header.site-header .contact-bar"))]
        assert contact == ["tel:+12035550142", "mailto:info@example.test"]
        footer = one(html, "footer.site-footer")
        assert links(labelled(footer, "footer-conditions")) == [("Headache", condition.url)]
        assert links(labelled(footer, "footer-services")) == [
            ("Occipital Nerve Block", procedure.url)
        ]
        assert links(labelled(footer, "footer-social")) == [
            ("YouTube", "https://www.youtube.com/@example"),
            ("TikTok", "https://www.tiktok.com/@example"),
            ("Instagram", "https://www.instagram.com/example"),
        ]
        copyright = text(one(footer, ".site-footer__copyright"))
        assert re.fullmatch(r"© \d{4} Demo Practice PLLC\. All rights reserved\.", copyright)


@pytest.mark.django_db
def test_unpublished_and_missing_pages_are_not_found(client, procedure, physician):
    team = factories.TeamIndexPageFactory(parent=physician.get_parent(), slug="team")
    member = factories.TeamMemberPageFactory(parent=team, slug="avery-sample")
    procedure.unpublish()
    assert client.get("/procedures/occipital-nerve-block/").status_code == 404
    assert client.get("/procedures/no-such-procedure/").status_code == 404
    assert client.get(member.url).status_code == 200
    assert member.url == "/about/team/avery-sample/"


@pytest.mark.django_db
def test_demo_pages_render_within_their_query_budgets(
    client, demo_site, django_assert_max_num_queries
):
    client.get("/")  # warm per-process caches (content types, site root paths)
    # 21: one of them the page cache's read of purges still pending; two the site
    # notices and closures (practice.notices), one the self-pay prices (these three
    # are kept with the site's version in production, built here on every request);
    # one Wagtail's read of the URL's language (its locale), one the page's
    # translations (the language switcher and the hreflang links).
    with django_assert_max_num_queries(21):
        response = client.get("/procedures/occipital-nerve-block/")
    assert response.status_code == 200
    client.get("/procedures/")
    # 17: two of them the site notices and closures, two the URL's locale and the
    # page's translations.
    with django_assert_max_num_queries(17):
        response = client.get("/")
    assert response.status_code == 200


def test_static_assets_stay_small():
    css = list((ROOT / "static").rglob("*.css"))
    assert len(css) == 1
    assert css[0].stat().st_size < 30 * 1024
    assert sum(p.stat().st_size for p in (ROOT / "static").rglob("*.js")) < 20 * 1024


@pytest.mark.django_db
def test_public_pages_forbid_third_party_content(client, home):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
class TestAdminAccount:
    def test_password_comes_from_the_environment(self, monkeypatch, capsys, django_user_model):
        monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "chosen-by-the-owner-42")
        call_command("ensure_admin")
        admin = django_user_model.objects.get(username="admin")
        assert admin.is_superuser
        assert admin.check_password("chosen-by-the-owner-42")
        assert "chosen-by-the-owner-42" not in capsys.readouterr().out

    def test_generated_password_is_printed_once(self, monkeypatch, capsys, django_user_model):
        monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
        call_command("ensure_admin")
        first = capsys.readouterr().out
        password = re.search(r"password `([^`]+)`", first).group(1)
        assert django_user_model.objects.get(username="admin").check_password(password)
        call_command("ensure_admin")
        assert password not in capsys.readouterr().out
        assert django_user_model.objects.filter(username="admin").count() == 1
