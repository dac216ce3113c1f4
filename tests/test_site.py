"""The site as a whole: settings, demo content, the menu from the tree, query budgets."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from practice.navigation import build_main_menu
from tests import factories

ROOT = Path(__file__).resolve().parent.parent

EXPECTED_MENU = {
    "About": ["Meet Dr. Sader", "Meet The Team", "Media", "Research"],
    "Conditions": [
        "Carpal Tunnel Syndrome",
        "Headache",
        "Knee Pain",
        "Low Back Pain",
        "Myofascial Pain Syndrome",
        "Neck Pain",
        "Occipital Neuralgia",
        "Oromandibular Dystonia",
    ],
    "Locations": [
        "Greenwich/Stamford, CT",
        "NYC Carroll Gardens",
        "Virtual Appointment",
        "Plan Your Visit",
    ],
}


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
    def test_load_demo_twice_creates_nothing_the_second_time(self, capsys):
        call_command("load_demo")
        first = capsys.readouterr().out
        pages = Page.objects.count()
        call_command("load_demo")
        second = capsys.readouterr().out
        assert "Created" in first
        assert "created nothing" in second
        assert Page.objects.count() == pages

    def test_load_demo_if_empty_leaves_an_existing_site_alone(self, demo_site, capsys):
        Page.objects.get(slug="media").delete()
        call_command("load_demo", "--if-empty")
        assert "not loaded" in capsys.readouterr().out
        assert not Page.objects.filter(slug="media").exists()

    def test_every_menu_link_opens_a_live_page(self, client, demo_site):
        home = client.get("/")
        assert home.status_code == 200
        links = set(
            re.findall(r'class="(?:menu|submenu)__link" href="([^"]+)"', home.content.decode())
        )
        assert len(links) == 5 + 4 + 8 + 22 + 4
        for url in links:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            # one stylesheet, and no script that holds up rendering
            assert len(re.findall(r'<link rel="stylesheet"', html)) == 1, url
            for script in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", html):
                assert " defer" in script or " async" in script, (url, script)

    def test_every_demo_procedure_has_every_required_section(self, demo_site):
        from procedures.models import ProcedurePage

        procedures = ProcedurePage.objects.live()
        assert procedures.count() == 22
        for procedure in procedures:
            for name in ProcedurePage.required_sections():
                assert getattr(procedure, name).strip(), (procedure.title, name)


@pytest.mark.django_db
class TestMainMenu:
    def test_menu_follows_the_page_tree(self, demo_site):
        menu = build_main_menu(demo_site)
        assert [item.title for item in menu] == [
            "About",
            "Conditions",
            "Services",
            "Locations",
            "Request Appointment",
        ]
        by_title = {item.title: [child.title for child in item.children] for item in menu}
        for title, children in EXPECTED_MENU.items():
            assert by_title[title] == children
        assert len(by_title["Services"]) == 22
        assert by_title["Request Appointment"] == []

    def test_pages_hidden_from_menus_or_unpublished_are_left_out(self, demo_site):
        media = Page.objects.get(slug="media")
        media.show_in_menus = False
        media.save()
        Page.objects.get(slug="research").unpublish()
        about = next(item for item in build_main_menu(demo_site) if item.title == "About")
        assert [child.title for child in about.children] == ["Meet Dr. Sader", "Meet The Team"]

    def test_menu_queries_do_not_grow_with_the_number_of_pages(
        self, demo_site, django_assert_max_num_queries
    ):
        site = Site.objects.select_related("root_page").get(pk=demo_site.pk)
        build_main_menu(site)  # warm the site root paths cache
        with CaptureQueriesContext(connection) as before:
            build_main_menu(site)
        index = Page.objects.get(slug="procedures")
        for n in range(30):
            factories.ProcedurePageFactory(parent=index, title=f"Extra {n}", show_in_menus=True)
        with CaptureQueriesContext(connection) as after:
            menu = build_main_menu(site)
        assert len(next(item for item in menu if item.title == "Services").children) == 52
        assert len(after) == len(before) <= 2

    def test_header_and_footer_show_the_practice(self, client, demo_site):
        html = client.get("/").content.decode()
        assert 'href="tel:+12035550142"' in html
        assert 'href="mailto:info@example-practice.test"' in html
        footer = html.split('<footer class="site-footer">')[1]
        for link in ("Headache", "Low Back Pain", "Neck Pain", "Nerve Blocks", "Botox Injections"):
            assert link in footer
        for social in ("YouTube", "TikTok", "Instagram"):
            assert social in footer
        assert re.search(r"© \d{4} Elie Sader MD PLLC\. All rights reserved\.", footer)


@pytest.mark.django_db
class TestRouting:
    def test_unpublished_and_missing_pages_are_not_found(self, client, demo_site):
        Page.objects.get(slug="lumbar-puncture").unpublish()
        assert client.get("/procedures/lumbar-puncture/").status_code == 404
        assert client.get("/procedures/no-such-procedure/").status_code == 404
        assert client.get("/about/team/avery-sample/").status_code == 200


@pytest.mark.django_db
class TestQueryBudgets:
    def test_procedure_page_renders_in_at_most_15_queries(
        self, client, demo_site, django_assert_max_num_queries
    ):
        client.get("/")  # warm per-process caches (content types, site root paths)
        with django_assert_max_num_queries(15):
            response = client.get("/procedures/occipital-nerve-block/")
        assert response.status_code == 200

    def test_home_page_renders_in_at_most_12_queries(
        self, client, demo_site, django_assert_max_num_queries
    ):
        client.get("/procedures/")
        with django_assert_max_num_queries(12):
            response = client.get("/")
        assert response.status_code == 200


def test_every_model_has_a_factory():
    """A new page type or model without a factory fails here."""
    covered = {
        obj._meta.model
        for obj in vars(factories).values()
        if isinstance(obj, type) and hasattr(obj, "_meta") and getattr(obj._meta, "model", None)
    }
    ours = [
        model
        for app in ("practice", "procedures", "conditions", "appointments")
        for model in apps.get_app_config(app).get_models()
        if not model._meta.auto_created
    ]
    missing = [model.__name__ for model in ours if model not in covered]
    assert not missing, f"No factory for: {', '.join(missing)}"


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
