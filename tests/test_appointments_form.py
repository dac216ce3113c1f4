"""The patient's side of appointment requests: the form, the thank-you page, spam."""

import datetime
import hashlib
import re
import time
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client

from appointments import ratelimit
from appointments.forms import form_started_token
from appointments.models import AppointmentRequest
from appointments.views import thanks_code
from tests.factories import PATIENT

pytestmark = pytest.mark.django_db

URL = "/request-appointment/"


def post(client, data, **extra):
    return client.post(URL, data, **extra)


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def text(element):
    """What a person reads in an element: its text, whitespace collapsed."""
    return " ".join(element.get_text(" ").split())


def the_form(response):
    return page(response).find("form", class_="appointment-form")


def chosen(form, name):
    """The value a patient sees chosen: a checked radio, or a select's selected option."""
    control = form.select_one(f'input[name="{name}"][checked]') or form.select_one(
        f'select[name="{name}"] option[selected]'
    )
    return control["value"] if control else None


class TestTheForm:
    def test_shows_every_field_with_a_label_and_the_emergency_notice(self, client, form_data):
        response = client.get(URL)
        assert response.status_code == 200
        notice = text(page(response).select_one(".appointment__emergency"))
        assert "not for emergencies" in notice and "911" in notice
        form = the_form(response)
        labels = {label["for"]: text(label) for label in form.find_all("label")}
        legends = {text(legend) for legend in form.find_all("legend")}
        for label in [
            "First name",
            "Last name",
            "Phone number",
            "Email address",
            "How should we contact you?",
            "Have you been to our practice before?",
            "Preferred location",
            "Reason for your visit",
            "When are you usually free?",
            "Insurance (optional)",
            "Anything else we should know? (optional)",
            "I agree to be contacted by the practice about this request.",
        ]:
            assert label in set(labels.values()) | legends, label
        # Every visible control has a label pointing at it.
        for control in form.find_all(["input", "select", "textarea"]):
            if control.get("type") != "hidden":
                assert control["id"] in labels, control["id"]
        assert "do not include your medical history" in text(form)

    def test_offers_live_locations_including_virtual_and_not_sure(self, client, form_data):
        form = the_form(client.get(URL))
        locations = form.find("input", attrs={"name": "location"}).find_parent("fieldset")
        assert [text(label) for label in locations.find_all("label")] == [
            "Stamford, CT",
            "Virtual Appointment",
        ]
        reasons = form.find("select", attrs={"name": "reason"})
        assert [text(option) for option in reasons.find_all("option")] == [
            "Not sure",
            "Occipital Nerve Block",
            "Headache",
        ]
        assert [group["label"] for group in reasons.find_all("optgroup")] == [
            "Procedures",
            "Conditions",
        ]

    def test_is_never_kept_by_a_shared_cache(self, client, form_data):
        response = client.get(URL)
        cache_control = response["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control

    def test_links_preselect_procedure_condition_and_location(
        self, client, form_data, procedure, condition, locations
    ):
        form = the_form(
            client.get(f"{URL}?procedure={procedure.slug}&location=virtual-appointment")
        )
        assert chosen(form, "reason") == str(procedure.pk)
        assert chosen(form, "location") == str(locations["virtual"].pk)
        form = the_form(client.get(f"{URL}?condition={condition.slug}"))
        assert chosen(form, "reason") == str(condition.pk)
        assert chosen(form, "location") is None


class TestSuccess:
    def test_a_valid_request_is_stored_redirected_and_shows_its_reference(
        self, client, form_data, locations, procedure
    ):
        response = post(client, form_data())
        assert response.status_code == 302
        stored = AppointmentRequest.objects.get()
        assert stored.status == AppointmentRequest.Status.NEW
        assert stored.first_name == "Rosalind" and stored.last_name == "Quimby"
        assert stored.phone == "+12035550187"  # normalised
        assert stored.location == locations["stamford"]
        assert stored.reason.pk == procedure.pk and stored.reason_name == procedure.title
        assert stored.consented_at is not None
        assert re.fullmatch(r"[A-HJKMNP-Z2-9]{8}", stored.reference)

        assert response["Location"].startswith(f"{URL}thanks/")
        thanks = client.get(response["Location"])
        assert thanks.status_code == 200
        assert text(page(thanks).select_one(".appointment__reference")) == (
            f"Your reference is {stored.reference}"
        )
        assert "What happens next" in text(page(thanks).find("main"))
        assert "private" in thanks["Cache-Control"]
        # The thank-you page holds nothing the patient typed, anywhere in its source.
        html = thanks.content.decode()
        for value in PATIENT.values():
            assert value not in html

    def test_reloading_the_thank_you_page_sends_nothing_again(self, client, form_data):
        location = post(client, form_data())["Location"]
        for _ in range(3):
            assert client.get(location).status_code == 200
        assert AppointmentRequest.objects.count() == 1

    def test_thank_you_links_cannot_be_forged(self, client, form_data):
        post(client, form_data())
        reference = AppointmentRequest.objects.get().reference
        assert client.get(f"{URL}thanks/{reference}/").status_code == 404
        assert client.get(f"{URL}thanks/{reference}/{'0' * 40}/").status_code == 404
        # A genuine code for one reference does not open another's page.
        code = thanks_code(reference)
        assert client.get(f"{URL}thanks/{reference}/{code}/").status_code == 200
        assert client.get(f"{URL}thanks/ABCDEFGH/{code}/").status_code == 404
        # Nor does it last for ever.
        old_code = thanks_code(reference, now=time.time() - 2 * 24 * 3600)
        assert client.get(f"{URL}thanks/{reference}/{old_code}/").status_code == 404

    def test_a_phone_call_needs_no_email(self, client, form_data):
        response = post(client, form_data(preferred_contact="phone", email=""))
        assert response.status_code == 302
        stored = AppointmentRequest.objects.get()
        assert (stored.preferred_contact, stored.email) == ("phone", "")

    def test_not_sure_is_a_valid_reason(self, client, form_data):
        assert post(client, form_data(reason="not-sure")).status_code == 302
        stored = AppointmentRequest.objects.get()
        assert stored.reason is None and stored.reason_display == "Not sure"

    def test_references_differ(self, client, form_data):
        for _ in range(3):
            post(client, form_data())
        assert len(set(AppointmentRequest.objects.values_list("reference", flat=True))) == 3


INVALID_CASES = {
    "first name too long": (
        {"first_name": "R" * 101},
        "first_name",
        "First name must be 100 characters or fewer",
    ),
    "invalid phone": ({"phone": "555-01"}, "phone", "Enter a valid phone number"),
    "phone too long": (
        {"phone": "(203) 555-0142 " + "9" * 16},
        "phone",
        "Enter a valid phone number",
    ),
    "invalid email": (
        {"email": "rosalind-at-example"},
        "email",
        "Enter an email address like name@example.com",
    ),
    "email chosen, none given": (
        {"preferred_contact": "email", "email": ""},
        "email",
        "Enter your email address, or choose a phone call instead of email.",
    ),
    "missing consent": ({"consent": None}, "consent", "Tick the box so that we may contact you"),
    "message too long": (
        {"message": "x" * 1001},
        "message",
        "Your message must be 1000 characters or fewer",
    ),
    "missing location": ({"location": None}, "location", "Choose a location"),
}


class TestBadInput:
    def test_an_unusable_phone_number_gets_one_answer_whatever_its_length(self, client, form_data):
        """30 and 31 characters (the limit is 30): a security scanner's true/false pair.

        A different message for the longer one made the scanner report an SQL
        injection at random (by payload length); one message answers both.
        """

        def error_summary(phone):
            page = BeautifulSoup(post(client, form_data(phone=phone)).content, "html.parser")
            return [link.get_text(strip=True) for link in page.select('a[href^="#id_"]')]

        assert error_summary("0606060606 AND 60=60 AND 42=42") == [
            "Enter a valid phone number, including the area code, like (203) 555-0142."
        ]
        assert error_summary("0606060606 AND 90=162 AND 66=66") == error_summary(
            "0606060606 AND 60=60 AND 42=42"
        )

    @pytest.mark.parametrize("case", INVALID_CASES, ids=list(INVALID_CASES))
    def test_each_error_keeps_the_typed_values_and_stores_nothing(self, client, form_data, case):
        overrides, field, message = INVALID_CASES[case]
        data = form_data(**overrides)
        response = post(client, data)
        assert response.status_code == 200
        assert AppointmentRequest.objects.count() == 0
        # The message by the field, tied to it, and summarised at the top with a link to it.
        errors = page(response)
        assert text(errors.find(id=f"{field}-error")).startswith(f"Error: {message}")
        summary = errors.select_one(".error-summary")
        assert text(summary.find("h2")) == "There is a problem with your request"
        [link] = summary.find_all("a")
        anchor = f"id_{field}_0" if field == "location" else f"id_{field}"
        assert link["href"] == f"#{anchor}" and text(link).startswith(message)
        if field != "location":
            control = errors.find(id=anchor)
            assert f"{field}-error" in control["aria-describedby"].split()
            assert control["aria-invalid"] == "true"
        else:
            group = errors.find(id=anchor).find_parent("fieldset")
            assert f"{field}-error" in group["aria-describedby"].split()
        # What the patient typed is all still there.
        form = the_form(response)
        for key in ("first_name", "last_name", "email", "insurance", "phone"):
            if key in data and key != field:
                assert form.find("input", attrs={"name": key})["value"] == data[key], key
        if field != "message":
            assert (
                form.find("textarea", attrs={"name": "message"}).string.strip()
                == (PATIENT["message"])
            )
        for key in ("location", "reason", "preferred_contact"):
            if key != field:
                assert chosen(form, key) == data[key], key

    def test_several_errors_are_listed_together(self, client, form_data):
        response = post(client, form_data(phone="12", email="nope", consent=None))
        summary = page(response).select_one(".error-summary")
        assert text(summary.find("h2")) == "There are problems with your request"
        assert [link["href"] for link in summary.find_all("a")] == [
            "#id_phone",
            "#id_email",
            "#id_consent",
        ]


class TestSpamAndAbuse:
    def test_a_filled_honeypot_is_set_aside_as_spam(self, client, form_data):
        response = post(client, form_data(website="http://spam.example"))
        assert response.status_code == 302  # the sender sees the usual thank-you page
        assert client.get(response["Location"]).status_code == 200
        stored = AppointmentRequest.objects.get()
        assert stored.status == AppointmentRequest.Status.SPAM
        assert "hidden field" in stored.spam_reasons
        assert not AppointmentRequest.objects.new().exists()

    def test_a_post_faster_than_a_person_with_no_form_key_is_set_aside(self, client, form_data):
        response = post(client, form_data(started=form_started_token(time.time() - 1)))
        assert response.status_code == 302
        stored = AppointmentRequest.objects.get()
        assert stored.status == AppointmentRequest.Status.SPAM
        assert "within 3 seconds" in stored.spam_reasons
        assert not AppointmentRequest.objects.new().exists()

    def test_a_forged_or_missing_timer_is_set_aside_as_spam(self, client, form_data):
        post(client, form_data(started="1700000000"))
        post(client, form_data(started=None))
        reasons = list(AppointmentRequest.objects.values_list("status", "spam_reasons"))
        assert len(reasons) == 2
        for status, why in reasons:
            assert status == "spam" and why.startswith("form timer missing or altered")

    def test_spam_sends_no_notification(
        self, client, form_data, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            post(client, form_data(website="x"))
        assert mail.outbox == []

    def test_the_form_timer_comes_back_unchanged_after_an_error(self, client, form_data):
        token = form_started_token(time.time() - 60)
        form = the_form(post(client, form_data(started=token, phone="1")))
        assert form.find("input", attrs={"name": "started"})["value"] == token

    def test_over_the_rate_limit_stores_nothing_and_keeps_what_was_typed(
        self, client, form_data, settings
    ):
        settings.APPOINTMENT_RATE_LIMIT = 2
        assert post(client, form_data()).status_code == 302
        assert post(client, form_data()).status_code == 302
        response = post(client, form_data(first_name="Zoë", message="Left knee"))
        assert response.status_code == 429
        assert "not been sent" in text(page(response).find(id="not-sent"))
        call_us = page(response).find(id="not-sent").find("a", href=True, string="(203) 555-0142")
        assert call_us["href"].startswith("tel:")
        form = the_form(response)
        assert form.find("input", attrs={"name": "first_name"})["value"] == "Zoë"
        assert form.find("textarea", attrs={"name": "message"}).get_text().strip() == "Left knee"
        assert AppointmentRequest.objects.count() == 2

    def test_the_rate_limit_is_per_client(self, client, form_data, settings):
        settings.APPOINTMENT_RATE_LIMIT = 1
        assert post(client, form_data(), REMOTE_ADDR="10.0.0.1").status_code == 302
        assert post(client, form_data(), REMOTE_ADDR="10.0.0.1").status_code == 429
        assert post(client, form_data(), REMOTE_ADDR="10.0.0.2").status_code == 302

    def test_forwarded_for_is_ignored_unless_proxies_are_declared(
        self, client, form_data, settings
    ):
        settings.APPOINTMENT_RATE_LIMIT = 1
        post(client, form_data(), HTTP_X_FORWARDED_FOR="1.1.1.1")
        # A forged header does not buy a fresh allowance...
        assert post(client, form_data(), HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429

    def test_behind_two_proxies_each_client_is_counted_on_its_own(
        self, client, form_data, settings
    ):
        """nginx then Varnish on this machine: X-Forwarded-For is "client, nginx", REMOTE_ADDR Varnish."""
        settings.APPOINTMENT_RATE_LIMIT = 1
        settings.TRUSTED_PROXY_COUNT = 2

        def through_proxies(client_address, forged=""):
            chain = (
                f"{forged}, {client_address}, 127.0.0.1"
                if forged
                else f"{client_address}, 127.0.0.1"
            )
            return post(client, form_data(), HTTP_X_FORWARDED_FOR=chain, REMOTE_ADDR="127.0.0.1")

        assert through_proxies("203.0.113.5").status_code == 302
        assert through_proxies("203.0.113.5").status_code == 429
        # What the client wrote in the header itself buys nothing...
        assert through_proxies("203.0.113.5", forged="198.51.100.9").status_code == 429
        # ...and every other patient behind the same proxies is still taken.
        assert through_proxies("203.0.113.6").status_code == 302
        assert through_proxies("198.51.100.9").status_code == 302

    def test_trusted_proxy_addresses_are_skipped_from_the_right(self, client, form_data, settings):
        settings.APPOINTMENT_RATE_LIMIT = 1
        settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
        chain = "198.51.100.1, 203.0.113.7, 10.1.2.3"
        assert (
            post(
                client, form_data(), HTTP_X_FORWARDED_FOR=chain, REMOTE_ADDR="127.0.0.1"
            ).status_code
            == 302
        )
        assert (
            post(
                client, form_data(), HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="127.0.0.1"
            ).status_code
            == 429
        )
        # From an address that is no proxy of ours, the header is not read at all.
        assert (
            post(
                client, form_data(), HTTP_X_FORWARDED_FOR="203.0.113.8", REMOTE_ADDR="192.0.2.1"
            ).status_code
            == 302
        )
        assert (
            post(
                client, form_data(), HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="192.0.2.1"
            ).status_code
            == 429
        )

    def test_posts_without_a_csrf_token_are_refused(self, form_data):
        response = Client(enforce_csrf_checks=True).post(URL, form_data())
        assert response.status_code == 403
        assert AppointmentRequest.objects.count() == 0


class RecordingCache(LocMemCache):
    """The shared cache as any app node sees it, noting every key written to it."""

    written = []

    def add(self, key, *args, **kwargs):
        self.written.append(key)
        return super().add(key, *args, **kwargs)

    def set(self, key, *args, **kwargs):
        self.written.append(key)
        return super().set(key, *args, **kwargs)

    def incr(self, key, *args, **kwargs):
        self.written.append(key)
        return super().incr(key, *args, **kwargs)


class Clock:
    """The rate limit's clock, moved by the test."""

    def __init__(self):
        self.moment = None

    def __call__(self):
        return self.moment.timestamp()

    def set(self, hour, minute):
        self.moment = datetime.datetime(2026, 11, 25, hour, minute, tzinfo=datetime.UTC)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    clock.set(10, 30)
    monkeypatch.setattr(ratelimit, "now", clock)
    return clock


class TestRateLimit:
    def test_only_posts_that_would_be_stored_count(self, client, form_data, settings, clock):
        settings.APPOINTMENT_RATE_LIMIT = 2
        for _ in range(5):  # errors to fix: a patient correcting typos is never limited
            assert post(client, form_data(phone="1")).status_code == 200
        assert post(client, form_data(website="http://spam.example")).status_code == 302
        assert post(client, form_data()).status_code == 302
        assert post(client, form_data()).status_code == 429
        assert AppointmentRequest.objects.count() == 2

    def test_the_count_rolls_over_the_top_of_the_hour_and_then_forgets(
        self, client, form_data, settings, clock
    ):
        settings.APPOINTMENT_RATE_LIMIT = 3
        clock.set(10, 50)
        for _ in range(3):
            assert post(client, form_data()).status_code == 302
        clock.set(11, 5)  # a new hour, but not an hour since those three
        assert post(client, form_data()).status_code == 429
        clock.set(12, 10)  # over an hour since the last post
        assert post(client, form_data()).status_code == 302
        assert AppointmentRequest.objects.count() == 4

    def test_a_client_that_keeps_posting_gets_one_answer(self, client, form_data, settings, clock):
        """A security scanner's near-identical posts: once over, never back and forth."""
        settings.APPOINTMENT_RATE_LIMIT = 3
        for _ in range(3):
            assert post(client, form_data()).status_code == 302
        answers = set()
        for minute in range(35, 95, 5):  # 10:35 to 11:30, across the top of the hour
            clock.set(10 + minute // 60, minute % 60)
            response = post(client, form_data())
            answers.add((response.status_code, text(page(response).find(id="not-sent"))))
        assert len(answers) == 1
        assert answers.pop()[0] == 429
        assert AppointmentRequest.objects.count() == 3

    def test_the_count_lives_in_the_shared_cache_under_a_keyed_hash(
        self, client, form_data, settings
    ):
        settings.CACHES = {
            "default": {"BACKEND": f"{__name__}.RecordingCache", "LOCATION": "recording"}
        }
        RecordingCache.written.clear()
        settings.APPOINTMENT_RATE_LIMIT = 1
        address = "10.9.8.7"
        assert post(client, form_data(), REMOTE_ADDR=address).status_code == 302
        assert post(client, form_data(), REMOTE_ADDR=address).status_code == 429
        assert RecordingCache.written
        plain_hash = hashlib.sha256(address.encode()).hexdigest()
        for key in RecordingCache.written:
            assert address not in key and plain_hash[:12] not in key
        # Nothing is counted anywhere else: emptying the cache every node shares resets it.
        cache.clear()
        assert post(client, form_data(), REMOTE_ADDR=address).status_code == 302


def form_token(browser):
    """The CSRF token the form hands a browser (whose cookie `browser` now holds)."""
    soup = BeautifulSoup(browser.get(URL).content, "html.parser")
    return soup.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]


class TestOversizePosts:
    def test_an_oversize_post_is_refused_before_its_body_is_read(self, form_data):
        browser = Client(enforce_csrf_checks=True)
        # Without a token the CSRF check would answer 403, but only after reading the body.
        response = browser.post(URL, form_data(message="x" * 40_000))
        assert response.status_code == 413
        # With its token and far past Django's own limit: 413 still, never parsed.
        token = form_token(browser)
        response = browser.post(URL, form_data(message="x" * 3_000_000, csrfmiddlewaretoken=token))
        assert response.status_code == 413
        assert AppointmentRequest.objects.count() == 0

    def test_a_normal_post_with_its_token_still_goes_through(self, form_data):
        browser = Client(enforce_csrf_checks=True)
        response = browser.post(URL, form_data(csrfmiddlewaretoken=form_token(browser)))
        assert response.status_code == 302
        assert AppointmentRequest.objects.count() == 1


# What makes a browser load something (or send the form somewhere), by element.
LOADING = {
    "script": ["src"],
    "img": ["src", "srcset"],
    "iframe": ["src"],
    "frame": ["src"],
    "embed": ["src"],
    "object": ["data"],
    "source": ["src", "srcset"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "track": ["src"],
    "link": ["href"],  # only the rels that load something (LOADING_RELS)
    "form": ["action"],
    "input": ["src", "formaction"],
    "button": ["formaction"],
}
# rel="canonical" or "alternate" name a URL; these make the browser fetch one.
LOADING_RELS = {
    "stylesheet",
    "icon",
    "preload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "modulepreload",
    "manifest",
    "apple-touch-icon",
}
SITE_HOSTS = {"", "testserver", "localhost"}


def third_party_resources(html):
    """Every URL outside the site that the browser would load (or send the form to)."""
    document = BeautifulSoup(html, "html.parser")
    urls = []
    for element in document.find_all(list(LOADING)):
        rels = {rel.lower() for rel in element.get("rel", [])}
        if element.name == "link" and not rels & LOADING_RELS:
            continue
        for name in LOADING[element.name]:
            value = element.get(name)
            if value:
                urls.extend(part.strip().split(" ")[0] for part in value.split(","))
    foreign = [url for url in urls if urlsplit(url).netloc not in SITE_HOSTS]
    # Inline CSS and scripts (not HTML): url(...) and scheme-relative or absolute loads.
    inline = [element["style"] for element in document.find_all(style=True)]
    inline += [element.get_text() for element in document.find_all(["style", "script"])]
    for code in inline:
        foreign += re.findall(r"url\(\s*['\"]?(?:https?:)?//[^)]+\)", code)
        foreign += re.findall(
            r"""(?:fetch|import|src\s*=)\s*\(?\s*['"](?:https?:)?//[^'"]+""", code
        )
    return foreign


class TestNoTrackers:
    def test_the_detector_catches_a_tracker(self):
        html = (
            '<script src="https://www.googletagmanager.com/gtm.js"></script>'
            '<img src="https://www.facebook.com/tr?id=1" alt="">'
            '<link rel="stylesheet" href="https://fonts.googleapis.com/css">'
            '<iframe src="//player.example.com/embed"></iframe>'
            '<a href="https://www.instagram.com/x">a link is not a load</a>'
            '<link rel="preconnect" href="https://cdn.example.net">'
            '<link rel="canonical" href="https://www.example-practice.test/">'
        )
        assert len(third_party_resources(html)) == 5

    def test_form_error_and_thank_you_pages_load_nothing_from_elsewhere(self, client, form_data):
        pages = {
            "form": client.get(URL),
            "form with errors": post(client, form_data(phone="1")),
        }
        pages["thank you"] = client.get(post(client, form_data())["Location"])
        for name, response in pages.items():
            assert response.status_code == 200, name
            assert third_party_resources(response.content.decode()) == [], name


class TestErrorReports:
    def test_a_crash_while_saving_reports_no_patient_details(self, client, form_data, monkeypatch):
        import sys

        from django.core.signals import got_request_exception
        from django.views.debug import ExceptionReporter

        def broken_save(self, *args, **kwargs):
            raise RuntimeError("database went away")

        monkeypatch.setattr(AppointmentRequest, "save", broken_save)
        captured = {}

        def remember(sender, request, **kwargs):
            captured["request"] = request
            captured["exc_info"] = sys.exc_info()

        got_request_exception.connect(remember)
        client.raise_request_exception = False
        try:
            response = client.post(URL, form_data())
        finally:
            got_request_exception.disconnect(remember)
        assert response.status_code == 500
        reporter = ExceptionReporter(captured["request"], *captured["exc_info"])
        # What Django would email to ADMINS or show with DEBUG on: locals and POST included.
        report = reporter.get_traceback_text() + reporter.get_traceback_html()
        assert "database went away" in report
        for value in PATIENT.values():
            assert value not in report, value


def loaded_form(client):
    """The hidden values one load of the form hands the browser."""
    form = the_form(client.get(URL))
    return {
        name: form.find("input", attrs={"name": name})["value"] for name in ("form_key", "started")
    }


class TestNothingTypedIsThrownAway:
    @pytest.mark.parametrize(
        "typed", ["203-555-0142 ext. 4417", "(203) 555-0142 x4417", "2035550142 extension 4417"]
    )
    def test_a_phone_extension_is_kept(self, client, form_data, typed):
        assert post(client, form_data(phone=typed)).status_code == 302
        stored = AppointmentRequest.objects.get()
        assert (stored.phone, stored.phone_extension) == ("+12035550142", "4417")

    def test_an_extension_too_long_to_keep_is_an_error_not_a_cut(self, client, form_data):
        response = post(client, form_data(phone="203-555-0142 ext. 12345678901"))
        assert response.status_code == 200
        assert "Enter a valid phone number" in text(page(response))
        assert AppointmentRequest.objects.count() == 0

    def test_the_front_desk_sees_the_extension(
        self, client, form_data, front_desk_user, django_capture_on_commit_callbacks
    ):
        post(client, form_data(phone="203-555-0142 ext. 4417"))
        stored = AppointmentRequest.objects.get()
        client.force_login(front_desk_user)
        shown = text(page(client.get(f"/admin/appointment-requests/inspect/{stored.pk}/")))
        assert "4417" in shown

    def test_a_form_load_sent_twice_is_one_request_and_one_notification(
        self, client, form_data, django_capture_on_commit_callbacks, mailoutbox
    ):
        load = loaded_form(client)
        with django_capture_on_commit_callbacks(execute=True):
            first = post(client, form_data(**load))
            again = post(client, form_data(**load))
        assert first.status_code == again.status_code == 302
        # The same thank-you: the same reference (its link's code is stamped with the time).
        assert first["Location"].split("/")[-3] == again["Location"].split("/")[-3]
        assert client.get(again["Location"]).status_code == 200
        assert AppointmentRequest.objects.count() == 1
        assert len(mailoutbox) == 1
        # A second load of the form is a second request.
        post(client, form_data(**loaded_form(client)))
        assert AppointmentRequest.objects.count() == 2

    def test_every_load_has_its_own_key(self, client, form_data):
        assert loaded_form(client)["form_key"] != loaded_form(client)["form_key"]

    def test_a_form_sent_quickly_alone_is_filed_as_new(self, client, form_data):
        """Browser autofill sends a form within seconds: that alone hides nobody."""
        load = loaded_form(client)
        response = post(client, form_data(form_key=load["form_key"], started=form_started_token()))
        assert response.status_code == 302
        assert AppointmentRequest.objects.get().status == AppointmentRequest.Status.NEW

    def test_quick_and_full_of_links_is_set_aside_with_both_reasons(self, client, form_data):
        message = "Cheap pills http://a.example http://b.example"
        load = loaded_form(client)
        post(
            client,
            form_data(form_key=load["form_key"], started=form_started_token(), message=message),
        )
        stored = AppointmentRequest.objects.get()
        assert stored.status == AppointmentRequest.Status.SPAM
        assert "within 3 seconds" in stored.spam_reasons and "2 links" in stored.spam_reasons

    def test_set_aside_requests_are_listed_and_counted_for_the_front_desk(
        self, client, form_data, front_desk_user
    ):
        post(client, form_data(website="http://spam.example"))
        client.force_login(front_desk_user)
        panel = (
            page(client.get("/admin/"))
            .find(id="appointment-requests-panel-title")
            .find_parent("section")
        )
        assert "1 request set aside today" in text(panel)
        link = panel.find("a", string=lambda s: s and "set aside" in s) or panel.find_all("a")[-1]
        listed = text(page(client.get(link["href"])))
        assert AppointmentRequest.objects.get().reference in listed


class TestPreferredPhysician:
    """Issue 21 item 12: a team member page's "Request appointment" opens the form with that
    physician preselected; the front desk reads who was asked for."""

    @pytest.fixture
    def doctors(self, home):
        from tests import factories

        about = factories.StandardPageFactory(parent=home, title="About", slug="about")
        return [
            factories.TeamMemberPageFactory(
                parent=about, name=name, credentials="MD", is_physician=True
            )
            for name in ("Elie Sader", "Dana Whitcombe")
        ] + [factories.TeamMemberPageFactory(parent=about, name="Fran Desk", credentials="")]

    def test_the_profile_button_opens_the_form_with_that_physician_chosen(
        self, client, form_data, doctors
    ):
        sader, whitcombe, front_desk = doctors
        button = page(client.get(whitcombe.url)).select_one("aside.cta a.button")
        form = the_form(client.get(button["href"]))

        assert chosen(form, "physician") == str(whitcombe.pk)
        select = form.find("select", attrs={"name": "physician"})
        assert form.find("label", attrs={"for": select["id"]}).get_text(strip=True) == (
            "Preferred physician (optional)"
        )
        # Only physicians are offered, after "No preference".
        assert [text(o) for o in select.find_all("option")] == [
            "No preference",
            "Elie Sader, MD",
            "Dana Whitcombe, MD",
        ]
        # A link naming someone who is not a physician (or nobody): "No preference".
        for query in (f"?physician={front_desk.pk}", "?physician=99999", "?physician=x"):
            assert chosen(the_form(client.get(URL + query)), "physician") == ""

    def test_the_request_keeps_the_physician_asked_for(self, client, form_data, doctors):
        sader = doctors[0]
        assert post(client, form_data(physician=str(sader.pk))).status_code == 302
        stored = AppointmentRequest.objects.get()
        assert stored.physician == sader and stored.physician_display == "Elie Sader, MD"

        AppointmentRequest.objects.all().delete()
        assert post(client, form_data(physician="")).status_code == 302
        assert AppointmentRequest.objects.get().physician_display == "No preference"

    def test_a_physician_not_offered_is_refused_and_the_rest_kept(self, client, form_data, doctors):
        response = post(client, form_data(physician=str(doctors[2].pk)))
        assert response.status_code == 200
        assert "Choose one of the physicians listed." in text(page(response))
        assert not AppointmentRequest.objects.exists()

    def test_a_site_without_physicians_shows_no_such_field(self, client, form_data):
        assert the_form(client.get(URL)).find("select", attrs={"name": "physician"}) is None
