"""A form the CSRF check refuses: a page of the site that keeps what was typed, never the bare 403."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from appointments.records import AppointmentRequest
from newsletter.models import NewsletterSubscriber

pytestmark = pytest.mark.django_db

URL = "/request-appointment/"


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def token_in(response):
    return soup(response).find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]


class TestTheAppointmentForm:
    def test_a_second_tab_that_set_a_new_cookie_gets_the_form_back_with_what_was_typed(
        self, form_data
    ):
        browser = Client(enforce_csrf_checks=True)
        first_tab = token_in(browser.get(URL))
        # What a cache that strips cookies did before: the second tab's load set a new cookie.
        browser.cookies.pop("csrftoken")
        browser.get(URL)
        response = browser.post(URL, form_data(csrfmiddlewaretoken=first_tab, first_name="Ann"))
        assert response.status_code == 403
        page = soup(response)
        assert page.find("header") and page.find("footer")  # the site's layout
        alert = page.find(id="not-sent")
        assert "not been sent" in alert.get_text()
        call_us = page.find("main").find("a", href=True, string="(203) 555-0142")
        assert call_us["href"].startswith("tel:")
        form = page.find("form", class_="appointment-form")
        assert form.find("input", attrs={"name": "first_name"})["value"] == "Ann"
        assert form.find("input", attrs={"name": "consent"}).has_attr("checked")
        assert AppointmentRequest.objects.count() == 0  # never stored unconfirmed
        assert "no-store" in response["Cache-Control"]
        # Sent again from the page it got back: accepted, once.
        again = browser.post(URL, form_data(csrfmiddlewaretoken=token_in(response)))
        assert again.status_code == 302
        assert AppointmentRequest.objects.count() == 1

    def test_a_post_with_no_token_at_all_is_refused_in_the_layout(self, form_data):
        response = Client(enforce_csrf_checks=True).post(URL, form_data(last_name="Typed"))
        assert response.status_code == 403
        assert b"CSRF verification failed" not in response.content
        form = soup(response).find("form", class_="appointment-form")
        assert form.find("input", attrs={"name": "last_name"})["value"] == "Typed"
        assert AppointmentRequest.objects.count() == 0

    def test_another_refused_form_gets_a_page_of_the_site_with_the_phone(self, home):
        response = Client(enforce_csrf_checks=True).post("/", {"q": "x"})
        assert response.status_code == 403
        page = soup(response)
        assert page.find("h1").get_text() == "Your form was not sent"
        assert page.find("main").find("a", href=True, string="(203) 555-0142")


class TestTheNewsletterForm:
    def test_a_refused_sign_up_keeps_the_address_and_gives_the_phone(self, home):
        response = Client().post(
            "/newsletter/",
            {"email": "ann@example.com", "consent": "yes"},
            HTTP_ORIGIN="https://elsewhere.example",
        )
        assert response.status_code == 403
        page = soup(response)
        assert page.find("input", attrs={"name": "email"})["value"] == "ann@example.com"
        assert page.find("main").find("a", href=True, string="(203) 555-0142")
        assert NewsletterSubscriber.objects.count() == 0
