"""The first run: the Site's address, staff avatars, a lost admin password."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Site, WorkflowState

from demo.loader import DemoLoader
from practice.siteaddress import give_the_site_its_address

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("site_url", "hostname", "port"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1", 8000),
        ("https://www.example-practice.test", "www.example-practice.test", 443),
    ],
)
def test_the_default_site_takes_its_address_from_the_environment(
    settings, home, client, site_url, hostname, port
):
    settings.SITE_URL = site_url
    give_the_site_its_address()
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == (hostname, port)
    page = BeautifulSoup(client.get("/").content, "html.parser")
    canonical = page.find("link", rel="canonical")["href"]
    assert canonical.startswith(site_url.rstrip("/") + "/")
    assert "localhost" not in canonical


def test_a_site_an_editor_set_is_left_alone(settings, home):
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "clinic.example.test", 443
    site.save()
    settings.SITE_URL = "http://127.0.0.1:8000"
    give_the_site_its_address()
    site.refresh_from_db()
    assert (site.hostname, site.port) == ("clinic.example.test", 443)


def test_staff_avatars_never_call_gravatar(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "gravatar" not in page.lower()


def test_an_admin_with_a_lost_password_is_pointed_to_changepassword(capsys):
    get_user_model().objects.create_superuser("admin", "", "old-password-1")
    call_command("ensure_admin")
    assert "manage.py changepassword admin" in capsys.readouterr().out


def test_the_branded_error_pages_can_be_previewed_with_debug_on(settings, home, client):
    from importlib import reload

    from django.urls import clear_url_caches

    import config.urls

    settings.DEBUG = True
    settings.ROOT_URLCONF = "config.urls"
    reload(config.urls)
    clear_url_caches()
    try:
        for status in (404, 500):
            response = client.get(f"/_errors/{status}/")
            assert response.status_code == status
            page = BeautifulSoup(response.content, "html.parser")
            assert page.find("header") is not None  # the site's layout, not Django's page
    finally:
        settings.DEBUG = False
        reload(config.urls)
        clear_url_caches()


def test_loading_the_demo_mails_nobody(db, mailoutbox):
    """The demo reviews its Spanish pages through the workflow; nobody is told of work nobody did
    (in development the emails would print over `make run`'s logins)."""
    DemoLoader().load()
    assert WorkflowState.objects.filter(status=WorkflowState.STATUS_APPROVED).exists()
    assert [message.subject for message in mailoutbox] == []
