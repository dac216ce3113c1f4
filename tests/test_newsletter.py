"""The footer's newsletter sign-up, and the subscriber list staff see in the admin."""

import re

import pytest
from django.contrib.auth.models import Group, Permission

from newsletter.models import NewsletterSubscriber
from tests import factories

pytestmark = pytest.mark.django_db


def sign_up(client, email, consent=True):
    data = {"email": email}
    if consent:
        data["consent"] = "yes"
    return client.post("/newsletter/", data)


def test_the_footer_form_carries_no_csrf_token_so_pages_stay_cacheable(client, home):
    html = client.get("/").content.decode()
    form = re.search(r'<form class="newsletter-form".*?</form>', html, re.S).group(0)
    assert 'action="/newsletter/"' in form
    assert 'type="email"' in form and 'type="checkbox"' in form
    assert "csrfmiddlewaretoken" not in html
    assert "csrftoken" not in client.get("/").cookies


def test_signing_up_stores_the_address_once(home):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)  # as a real browser posting from a cached page
    first = sign_up(client, "Reader@Example.test")
    second = sign_up(client, "reader@example.test")
    assert first.status_code == second.status_code == 200
    assert "you are signed up" in second.content.decode()
    assert list(NewsletterSubscriber.objects.values_list("email", flat=True)) == [
        "reader@example.test"
    ]


def test_an_invalid_address_gets_a_message_and_stores_nothing(client, home):
    response = sign_up(client, "not-an-email")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter an email address like name@example.com." in html
    assert 'aria-invalid="true"' in html
    assert 'value="not-an-email"' in html
    assert not NewsletterSubscriber.objects.exists()


def test_consent_is_required(client, home):
    response = sign_up(client, "reader@example.test", consent=False)
    assert response.status_code == 400
    assert "Tick the box to agree" in response.content.decode()
    assert not NewsletterSubscriber.objects.exists()


class TestAdmin:
    def staff(self, django_user_model, *codenames):
        user = django_user_model.objects.create_user(f"staff-{len(codenames)}", password="pw")
        group = Group.objects.create(name=f"Group {len(codenames)}")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        for codename in codenames:
            group.permissions.add(Permission.objects.get(codename=codename))
        user.groups.add(group)
        return user

    def test_staff_with_permission_list_and_export_subscribers(
        self, client, home, django_user_model
    ):
        factories.NewsletterSubscriberFactory(email="reader@example.test")
        factories.NewsletterSubscriberFactory(email="=cmd@example.test")
        client.force_login(self.staff(django_user_model, "view_newslettersubscriber"))
        listing = client.get("/admin/newsletter_subscribers/")
        assert listing.status_code == 200
        assert "reader@example.test" in listing.content.decode()
        export = client.get("/admin/newsletter_subscribers/?export=csv")
        assert export.status_code == 200
        csv = b"".join(export.streaming_content).decode()
        assert "reader@example.test" in csv
        assert "'=cmd@example.test" in csv  # not run as a spreadsheet formula

    def test_staff_without_permission_see_nothing(self, client, home, django_user_model):
        factories.NewsletterSubscriberFactory(email="reader@example.test")
        client.force_login(self.staff(django_user_model))
        response = client.get("/admin/newsletter_subscribers/")
        assert response.status_code in (302, 403)
        assert "reader@example.test" not in response.content.decode()
