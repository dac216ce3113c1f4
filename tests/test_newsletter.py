"""The newsletter: sign-up from the footer (Origin-checked, no CSRF token in cached pages),
double opt-in by a signed emailed link, one-click unsubscribe, the purge, the admin list."""

import datetime
import time
from io import StringIO
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from newsletter import mailing, tokens
from newsletter.models import NewsletterSubscriber
from tests import factories

pytestmark = pytest.mark.django_db

OWN_ORIGIN = "http://testserver"  # the test client's scheme and host
SITE_ROOT = "http://localhost"  # the Wagtail Site's root URL (localhost, port 80)


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def visible_text(response):
    main = soup_of(response).find("main")
    return " ".join(main.get_text(" ").split())


def h1_text(response):
    (h1,) = soup_of(response).find_all("h1")
    return h1.get_text(strip=True)


@pytest.fixture
def browser():
    """A client that enforces CSRF as the middleware does for a real browser."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def sign_up(browser, home, django_capture_on_commit_callbacks):
    """Post the footer form from one of our pages; the email task runs after commit."""

    def post(email="reader@example.test", consent=True, client=None, **headers):
        data = {"email": email}
        if consent:
            data["consent"] = "yes"
        if not headers:
            headers = {"Origin": OWN_ORIGIN}
        with django_capture_on_commit_callbacks(execute=True):
            return (client or browser).post("/newsletter/", data, headers=headers)

    return post


def links_in(message):
    return [word for word in message.body.split() if word.startswith(("http://", "https://"))]


def link_to(message, kind):
    (link,) = [link for link in links_in(message) if f"/newsletter/{kind}/" in link]
    return link


def path_of(url):
    return urlsplit(url).path


class TestNoTokensInPages:
    def test_the_footer_form_carries_no_csrf_token_so_pages_stay_cacheable(self, client, home):
        response = client.get("/")
        form = soup_of(response).select_one("footer form.newsletter-form")
        assert form["action"] == "/newsletter/" and form["method"] == "post"
        assert form.select_one('input[type="email"][name="email"]')
        assert form.select_one('input[type="checkbox"][name="consent"]')
        assert not soup_of(response).select('input[name="csrfmiddlewaretoken"]')
        assert "csrftoken" not in response.cookies

    def test_no_newsletter_page_carries_a_token_or_sets_the_cookie(
        self, browser, sign_up, mailoutbox
    ):
        responses = [
            browser.get("/newsletter/"),
            sign_up("not-an-email"),
            sign_up(Origin="https://elsewhere.example"),
        ]
        thanks = sign_up()
        responses.append(browser.get(thanks["Location"]))
        message = mailoutbox[0]
        responses.append(browser.get(path_of(link_to(message, "unsubscribe"))))
        responses.append(browser.get(path_of(link_to(message, "confirm"))))
        for response in responses:
            assert not soup_of(response).select('input[name="csrfmiddlewaretoken"]')
            assert "csrftoken" not in response.cookies
            assert "csrftoken" not in browser.cookies


class TestOriginCheck:
    def test_a_post_from_our_own_page_is_accepted(self, sign_up, mailoutbox):
        response = sign_up(Origin=OWN_ORIGIN)
        assert response.status_code == 303
        assert response["Location"] == "/newsletter/thanks/"
        assert NewsletterSubscriber.objects.filter(email="reader@example.test").exists()
        assert len(mailoutbox) == 1

    def test_a_browser_that_sends_only_a_referer_is_accepted(self, sign_up):
        response = sign_up(Referer=f"{OWN_ORIGIN}/procedures/some-page/")
        assert response.status_code == 303
        assert NewsletterSubscriber.objects.count() == 1

    @pytest.mark.parametrize(
        "headers",
        [
            {"Origin": "https://elsewhere.example"},
            {"Origin": "null"},  # a sandboxed frame or a data: URL
            {"Origin": "https://testserver"},  # our host, but another scheme
            {"Origin": "https://elsewhere.example", "Referer": f"{OWN_ORIGIN}/"},
            {"Referer": "https://elsewhere.example/page/"},
            {"Referer": "not a url"},
        ],
        ids=["other-site", "null", "other-scheme", "origin-wins", "other-referer", "bad-referer"],
    )
    def test_a_post_from_another_site_is_refused_and_stores_nothing(
        self, sign_up, mailoutbox, headers
    ):
        response = sign_up(**headers)
        assert response.status_code == 403
        assert h1_text(response) == "We could not accept this sign-up"
        assert "no-store" in response["Cache-Control"]
        assert not NewsletterSubscriber.objects.exists()
        assert mailoutbox == []

    def test_a_post_without_origin_or_referer_is_refused(self, browser, home, mailoutbox):
        response = browser.post("/newsletter/", {"email": "reader@example.test", "consent": "yes"})
        assert response.status_code == 403
        assert not NewsletterSubscriber.objects.exists()
        assert mailoutbox == []

    def test_an_origin_in_csrf_trusted_origins_is_accepted(self, sign_up, settings):
        settings.CSRF_TRUSTED_ORIGINS = ["https://www.practice.example", "https://*.clinic.example"]
        assert sign_up("a@example.test", Origin="https://www.practice.example").status_code == 303
        assert sign_up("b@example.test", Origin="https://north.clinic.example").status_code == 303
        assert sign_up("c@example.test", Origin="http://north.clinic.example").status_code == 403
        assert set(NewsletterSubscriber.objects.values_list("email", flat=True)) == {
            "a@example.test",
            "b@example.test",
        }


class TestDoubleOptIn:
    def test_signing_up_stores_a_pending_row_and_emails_a_confirmation_link(
        self, sign_up, mailoutbox
    ):
        before = timezone.now()
        sign_up("Reader@Example.test")
        subscriber = NewsletterSubscriber.objects.get()
        assert subscriber.email == "reader@example.test"
        assert subscriber.confirmed_at is None
        assert subscriber.consented_at >= before
        (message,) = mailoutbox
        assert message.to == ["reader@example.test"]
        assert "confirm" in message.subject.lower()
        assert link_to(message, "confirm").startswith(f"{SITE_ROOT}/newsletter/confirm/")
        assert "reader@example.test" not in link_to(message, "confirm")

    def test_the_thank_you_page_says_to_check_the_inbox_and_promises_nothing_more(
        self, browser, sign_up
    ):
        response = browser.get(sign_up()["Location"])
        assert response.status_code == 200
        assert h1_text(response) == "Check your inbox"
        text = visible_text(response)
        assert "follow the link in it within 7 days" in text
        assert "you are signed up" not in text.lower()
        assert soup_of(response).select_one('meta[name="robots"]')["content"] == "noindex"

    def test_opening_the_link_asks_and_its_button_confirms_the_address(
        self, browser, sign_up, mailoutbox
    ):
        sign_up()
        opened = browser.get(path_of(link_to(mailoutbox[0], "confirm")))
        assert opened.status_code == 200
        assert h1_text(opened) == "Confirm your subscription"
        # A mail scanner opening every link in the email confirms nobody.
        assert not NewsletterSubscriber.objects.get().is_confirmed
        form = soup_of(opened).select_one("main form")
        assert form["method"] == "post" and form.select_one("button").get_text() == (
            "Confirm my subscription"
        )
        assert not form.select('input[name="csrfmiddlewaretoken"]')

        response = browser.post(form["action"])
        assert response.status_code == 200
        assert h1_text(response) == "You are subscribed"
        assert NewsletterSubscriber.objects.get().is_confirmed
        assert h1_text(browser.get(form["action"])) == "You are subscribed"
        assert list(NewsletterSubscriber.objects.confirmed()) == [
            NewsletterSubscriber.objects.get()
        ]

    def test_following_the_link_twice_keeps_the_first_confirmation_time(
        self, browser, sign_up, mailoutbox
    ):
        sign_up()
        path = path_of(link_to(mailoutbox[0], "confirm"))
        browser.post(path)
        first = NewsletterSubscriber.objects.get().confirmed_at
        assert first is not None
        assert h1_text(browser.post(path)) == "You are subscribed"
        assert NewsletterSubscriber.objects.get().confirmed_at == first

    def test_an_altered_link_confirms_nothing(self, browser, sign_up, mailoutbox):
        sign_up()
        path = path_of(link_to(mailoutbox[0], "confirm"))
        token = path.split("/")[-2]
        other = "A" if token[5] != "A" else "B"
        altered = path.replace(token, token[:5] + other + token[6:])
        for bad in (altered, "/newsletter/confirm/not-a-token/"):
            for response in (browser.get(bad), browser.post(bad)):
                assert response.status_code == 400
                assert h1_text(response) == "This confirmation link does not work"
                sign_up_again = soup_of(response).find("a", string="sign up again")
                assert sign_up_again["href"] == "/newsletter/"
        assert NewsletterSubscriber.objects.get().confirmed_at is None

    def test_an_unsubscribe_token_is_no_confirmation_token(self, browser, sign_up, mailoutbox):
        sign_up()
        token = path_of(link_to(mailoutbox[0], "unsubscribe")).split("/")[-2]
        assert browser.post(f"/newsletter/confirm/{token}/").status_code == 400
        assert NewsletterSubscriber.objects.get().confirmed_at is None

    def test_an_expired_link_confirms_nothing(self, browser, home, monkeypatch, settings):
        subscriber = factories.NewsletterSubscriberFactory()
        issued = int(time.time()) - (settings.NEWSLETTER_CONFIRM_DAYS + 1) * 86400
        monkeypatch.setattr(
            signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(issued)
        )
        token = tokens.confirm_token(subscriber)
        monkeypatch.undo()
        response = browser.post(f"/newsletter/confirm/{token}/")
        assert response.status_code == 400
        assert "expired" in visible_text(response)
        subscriber.refresh_from_db()
        assert subscriber.confirmed_at is None

    def test_a_link_for_a_removed_sign_up_confirms_nothing(self, browser, sign_up, mailoutbox):
        sign_up()
        NewsletterSubscriber.objects.all().delete()
        sign_up()  # the same address again: a new row, which the old link must not confirm
        assert browser.post(path_of(link_to(mailoutbox[0], "confirm"))).status_code == 400
        assert NewsletterSubscriber.objects.get().confirmed_at is None

    def test_signing_up_again_while_pending_resends_at_most_once_per_interval(
        self, sign_up, mailoutbox, settings
    ):
        sign_up()
        first_consent = NewsletterSubscriber.objects.get().consented_at
        again = sign_up()
        assert again.status_code == 303 and again["Location"] == "/newsletter/thanks/"
        assert len(mailoutbox) == 1  # within NEWSLETTER_EMAIL_INTERVAL_MINUTES: no flood
        assert NewsletterSubscriber.objects.get().consented_at > first_consent

        settings.NEWSLETTER_EMAIL_INTERVAL_MINUTES = 0  # as once the interval has passed
        sign_up()
        assert len(mailoutbox) == 2
        assert link_to(mailoutbox[1], "confirm")
        assert NewsletterSubscriber.objects.count() == 1

    def test_the_interval_is_per_address(self, sign_up, mailoutbox):
        sign_up("one@example.test")
        sign_up("two@example.test")
        assert [message.to for message in mailoutbox] == [
            ["one@example.test"],
            ["two@example.test"],
        ]

    def test_signing_up_when_confirmed_shows_the_same_page_and_changes_nothing(
        self, browser, sign_up, mailoutbox
    ):
        confirmed = factories.NewsletterSubscriberFactory(
            email="reader@example.test",
            confirmed=True,
            consented_at=timezone.now() - datetime.timedelta(days=100),
        )
        pending_thanks = browser.get(sign_up("someone-new@example.test")["Location"])
        response = sign_up("reader@example.test")
        assert response["Location"] == "/newsletter/thanks/"
        assert visible_text(browser.get(response["Location"])) == visible_text(pending_thanks)
        after = NewsletterSubscriber.objects.get(email="reader@example.test")
        assert (after.consented_at, after.confirmed_at) == (
            confirmed.consented_at,
            confirmed.confirmed_at,
        )
        # The promised email says there is nothing to do, and has no confirmation link.
        message = mailoutbox[-1]
        assert message.to == ["reader@example.test"]
        assert "already subscribed" in message.body
        assert not [link for link in links_in(message) if "/confirm/" in link]

    def test_an_invalid_address_gets_a_message_and_stores_nothing(self, sign_up, mailoutbox):
        response = sign_up("not-an-email")
        assert response.status_code == 400
        page = soup_of(response)
        field = page.select_one("#newsletter-email")
        assert field["aria-invalid"] == "true"
        assert field["value"] == "not-an-email"
        error = page.select_one(f"#{field['aria-describedby']}")
        assert error.get_text(strip=True) == "Enter an email address like name@example.com."
        assert page.select_one('[role="alert"] a[href="#newsletter-email"]')
        assert page.select_one("#newsletter-consent").has_attr("checked")
        assert len(page.find_all("h1")) == 1
        assert not NewsletterSubscriber.objects.exists()
        assert mailoutbox == []

    def test_consent_is_required(self, sign_up, mailoutbox):
        response = sign_up(consent=False)
        assert response.status_code == 400
        page = soup_of(response)
        box = page.select_one("#newsletter-consent")
        assert box["aria-invalid"] == "true"
        assert "Tick the box to agree" in page.select_one(f"#{box['aria-describedby']}").text
        assert not NewsletterSubscriber.objects.exists()
        assert mailoutbox == []


class TestUnsubscribe:
    def test_the_confirmation_email_carries_the_unsubscribe_link_and_headers(
        self, sign_up, mailoutbox
    ):
        sign_up()
        (message,) = mailoutbox
        link = link_to(message, "unsubscribe")
        assert link.startswith(f"{SITE_ROOT}/newsletter/unsubscribe/")
        assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        sent = message.message()
        assert sent["List-Unsubscribe"] == f"<{link}>"
        assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    def test_opening_the_link_asks_and_unsubscribes_nobody(self, browser, sign_up, mailoutbox):
        sign_up()
        path = path_of(link_to(mailoutbox[0], "unsubscribe"))
        response = browser.get(path)
        assert response.status_code == 200
        assert h1_text(response) == "Unsubscribe from the newsletter"
        form = soup_of(response).select_one("main form")
        assert form["method"] == "post" and form["action"] == path
        assert form.find("button").get_text(strip=True) == "Unsubscribe"
        assert NewsletterSubscriber.objects.count() == 1

    def test_the_button_deletes_the_row(self, browser, sign_up, mailoutbox):
        sign_up()
        browser.get(path_of(link_to(mailoutbox[0], "confirm")))
        response = browser.post(path_of(link_to(mailoutbox[0], "unsubscribe")))
        assert response.status_code == 200
        assert h1_text(response) == "You are unsubscribed"
        assert not NewsletterSubscriber.objects.exists()

    def test_a_mail_providers_one_click_post_deletes_the_row(self, browser, sign_up, mailoutbox):
        sign_up()
        # RFC 8058: a POST from the mail provider's servers, no Origin, no CSRF token.
        response = browser.post(
            path_of(link_to(mailoutbox[0], "unsubscribe")),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        assert not NewsletterSubscriber.objects.exists()

    def test_unsubscribing_twice_says_the_same(self, browser, sign_up, mailoutbox):
        sign_up()
        path = path_of(link_to(mailoutbox[0], "unsubscribe"))
        browser.post(path)
        assert h1_text(browser.post(path)) == "You are unsubscribed"
        assert h1_text(browser.get(path)) == "You are unsubscribed"

    def test_an_altered_link_unsubscribes_nobody(self, browser, sign_up, mailoutbox):
        sign_up()
        path = path_of(link_to(mailoutbox[0], "unsubscribe"))
        token = path.split("/")[-2]
        response = browser.post(path.replace(token, token[:-3] + "xyz"))
        assert response.status_code == 400
        assert h1_text(response) == "This unsubscribe link does not work"
        confirm_token = path_of(link_to(mailoutbox[0], "confirm")).split("/")[-2]
        assert browser.post(f"/newsletter/unsubscribe/{confirm_token}/").status_code == 400
        assert NewsletterSubscriber.objects.count() == 1

    def test_a_newsletter_message_carries_the_link_and_headers(self, browser, home):
        subscriber = factories.NewsletterSubscriberFactory(confirmed=True)
        message = mailing.subscriber_message(subscriber, "Spring news", "Our clinic moves.")
        assert message.to == [subscriber.email]
        assert message.body.startswith("Our clinic moves.")
        link = link_to(message, "unsubscribe")
        assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        browser.post(path_of(link))
        assert not NewsletterSubscriber.objects.exists()

    def test_a_newsletter_never_goes_to_an_unconfirmed_address(self, home):
        subscriber = factories.NewsletterSubscriberFactory()
        with pytest.raises(ValueError, match="not confirmed"):
            mailing.subscriber_message(subscriber, "Spring news", "Our clinic moves.")


@pytest.mark.parametrize("kind", ["thanks", "confirm", "unsubscribe", "bad-link"])
def test_newsletter_pages_are_never_cached_or_indexed(browser, sign_up, mailoutbox, kind):
    thanks = sign_up()
    paths = {
        "thanks": thanks["Location"],
        "confirm": path_of(link_to(mailoutbox[0], "confirm")),
        "unsubscribe": path_of(link_to(mailoutbox[0], "unsubscribe")),
        "bad-link": "/newsletter/confirm/nothing/",
    }
    response = browser.get(paths[kind])
    assert "no-store" in response["Cache-Control"]
    assert soup_of(response).select_one('meta[name="robots"]')["content"] == "noindex"
    assert len(soup_of(response).find_all("h1")) == 1


class TestPurge:
    def purge(self, *args):
        out = StringIO()
        call_command("purge_newsletter_pending", *args, stdout=out)
        return out.getvalue()

    def test_pending_rows_past_the_setting_go_confirmed_ones_stay(self, db, settings):
        settings.NEWSLETTER_PENDING_DAYS = 8
        long_ago = timezone.now() - datetime.timedelta(days=9)
        old_pending = factories.NewsletterSubscriberFactory(consented_at=long_ago)
        young_pending = factories.NewsletterSubscriberFactory(
            consented_at=timezone.now() - datetime.timedelta(days=7)
        )
        old_confirmed = factories.NewsletterSubscriberFactory(consented_at=long_ago, confirmed=True)

        assert "Would delete 1 unconfirmed" in self.purge("--dry-run")
        assert NewsletterSubscriber.objects.count() == 3

        assert "Deleted 1 unconfirmed" in self.purge()
        left = set(NewsletterSubscriber.objects.values_list("pk", flat=True))
        assert left == {young_pending.pk, old_confirmed.pk}
        assert old_pending.pk not in left


class TestAdmin:
    def staff(self, django_user_model, *codenames):
        user = django_user_model.objects.create_user(f"staff-{len(codenames)}", password="pw")
        group = Group.objects.create(name=f"Group {len(codenames)}")
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        for codename in codenames:
            group.permissions.add(Permission.objects.get(codename=codename))
        user.groups.add(group)
        return user

    def test_the_list_shows_and_filters_by_confirmation(self, client, home, django_user_model):
        factories.NewsletterSubscriberFactory(email="confirmed@example.test", confirmed=True)
        factories.NewsletterSubscriberFactory(email="pending@example.test")
        client.force_login(self.staff(django_user_model, "view_newslettersubscriber"))

        listing = soup_of(client.get("/admin/newsletter_subscribers/"))
        headings = [th.get_text(" ", strip=True) for th in listing.select("table thead th")]
        assert "Confirmed" in headings
        assert listing.select('input[name="confirmed"][value="yes"]')

        def emails(query):
            page = soup_of(client.get(f"/admin/newsletter_subscribers/?{query}"))
            return {
                td.get_text(strip=True)
                for td in page.select("table.listing tbody td.title .title-wrapper")
            }

        assert emails("confirmed=yes") == {"confirmed@example.test"}
        assert emails("confirmed=no") == {"pending@example.test"}

    def test_staff_with_permission_export_subscribers_safely(self, client, home, django_user_model):
        factories.NewsletterSubscriberFactory(email="reader@example.test", confirmed=True)
        factories.NewsletterSubscriberFactory(email="=cmd@example.test")
        client.force_login(self.staff(django_user_model, "view_newslettersubscriber"))
        export = client.get("/admin/newsletter_subscribers/?export=csv")
        assert export.status_code == 200
        rows = b"".join(export.streaming_content).decode().splitlines()
        assert rows[0].startswith("Email,Confirmed,")
        assert any(row.startswith("reader@example.test,True,") for row in rows)
        assert any(row.startswith("'=cmd@example.test,False,") for row in rows)

    def test_staff_without_permission_see_nothing(self, client, home, django_user_model):
        factories.NewsletterSubscriberFactory(email="reader@example.test")
        client.force_login(self.staff(django_user_model))
        response = client.get("/admin/newsletter_subscribers/")
        assert response.status_code in (302, 403)
        assert "reader@example.test" not in response.content.decode()
