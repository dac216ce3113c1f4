"""A reader signs up from the footer in a real browser, confirms by email, and unsubscribes.

The sign-up has no CSRF token (pages stay cacheable): this is the proof that
a real browser's form post carries the Origin the server checks.
"""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from checks.browser import axe_blocking_violations
from newsletter.models import NewsletterSubscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def link_to(message, kind):
    (link,) = [w for w in message.body.split() if f"/newsletter/{kind}/" in w]
    return urlsplit(link).path


# One test: a transactional test empties the database, groups made by migrations included.
def test_sign_up_with_an_error_then_confirm_and_unsubscribe(
    page: Page, live_server, demo, mailoutbox
):
    page.goto(live_server.url + "/")
    footer = page.locator("footer form.newsletter-form")
    # The browser's own checks would stop an empty form: post one only the server refuses.
    footer.get_by_label("Email address").fill("reader@example")
    footer.get_by_label("I agree to receive the newsletter").check()
    footer.get_by_role("button", name="Sign up").click()

    expect(page.get_by_role("alert")).to_contain_text("Enter an email address")
    footer = page.locator("footer form.newsletter-form")
    email = footer.get_by_label("Email address")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description("Enter an email address like name@example.com.")
    expect(footer.get_by_label("I agree to receive the newsletter")).to_be_checked()
    assert axe_blocking_violations(page) == []
    assert not NewsletterSubscriber.objects.exists()

    email.fill("reader@example.test")
    footer.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    assert axe_blocking_violations(page) == []
    assert not [c for c in page.context.cookies() if c["name"] == "csrftoken"]
    subscriber = NewsletterSubscriber.objects.get()
    assert subscriber.email == "reader@example.test" and not subscriber.is_confirmed

    (message,) = mailoutbox
    page.goto(live_server.url + link_to(message, "confirm"))
    assert not NewsletterSubscriber.objects.get().is_confirmed  # opening the link is not enough
    assert axe_blocking_violations(page) == []
    page.get_by_role("button", name="Confirm my subscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are subscribed")
    assert NewsletterSubscriber.objects.get().is_confirmed

    page.goto(live_server.url + link_to(message, "unsubscribe"))
    assert NewsletterSubscriber.objects.exists()  # opening the link is not enough
    assert axe_blocking_violations(page) == []
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    assert not NewsletterSubscriber.objects.exists()
