"""Newsletter issues sent through a real SMTP server on loopback (aiosmtpd, started here).

An editor sends a test to themselves, then the issue to the confirmed
subscribers: each gets one copy, the unconfirmed and the unsubscribed none;
the email carries its plain-text part, postal address and unsubscribe headers,
and its unsubscribe link works by one-click POST (no CSRF token) and by GET.
A refused address is tried again with back-off, then reported as failed.
"""

import datetime
import email
import email.policy
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsletter.models import Delivery, NewsletterSettings, NewsletterSubscriber
from tests import factories
from tests.processes import free_port


class Inbox:
    """Records every message the server accepts; refuses RCPT for addresses in `refuse`."""

    def __init__(self):
        self.messages = []
        self.refuse = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address):
        return [message for rcpts, message in self.messages if address in rcpts]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.NEWSLETTER_SEND_BATCH_SIZE = 2
    yield inbox
    controller.stop()


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """A POST to the Sending screen, with what it leaves for after the commit run."""

    def send(issue, action):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(sending_url(issue), {"action": action})

    return send


@pytest.fixture
def issue(home):
    site = home.get_site()
    NewsletterSettings.objects.update_or_create(
        site=site, defaults={"postal_address": "12 Harbour Road\nSpringfield, IL 62701"}
    )
    archive = factories.NewsletterIndexPageFactory(parent=home)
    return factories.NewsletterIssuePageFactory(parent=archive, title="Spring news")


@pytest.fixture
def readers(db):
    confirmed = [
        factories.NewsletterSubscriberFactory(email=f"reader{n}@example.test", confirmed=True)
        for n in range(5)
    ]
    pending = factories.NewsletterSubscriberFactory(email="pending@example.test")
    return confirmed, pending


def sending_url(issue):
    return reverse("newsletter_issue_sending", args=(issue.pk,))


def counts(client, issue):
    soup = BeautifulSoup(client.get(sending_url(issue)).content, "html.parser")
    return {dd["data-count"]: int(dd.get_text()) for dd in soup.select("dd[data-count]")}


def unsubscribe(client, address):
    subscriber = NewsletterSubscriber.objects.get(email=address)
    from newsletter import mailing

    path = urlsplit(mailing.unsubscribe_url(subscriber)).path
    assert client.post(path).status_code == 200


def test_each_confirmed_subscriber_gets_one_copy_and_nobody_else_any(
    client, post, smtp, issue, readers, editor_user
):
    confirmed, pending = readers
    unsubscribe(Client(), confirmed[4].email)
    client.force_login(editor_user)
    page = client.get(sending_url(issue))
    button = BeautifulSoup(page.content, "html.parser").find("button", value="send")
    assert button.get_text(strip=True) == "Send to 4 confirmed subscribers"

    response = post(issue, "send")
    assert response.status_code == 302

    for reader in confirmed[:4]:
        assert len(smtp.to(reader.email)) == 1
    assert smtp.to(confirmed[4].email) == []
    assert smtp.to(pending.email) == []
    assert len(smtp.messages) == 4
    assert counts(client, issue) == {"queued": 0, "sent": 4, "failed": 0}

    # Sending again reaches only who subscribed since.
    late = factories.NewsletterSubscriberFactory(email="late@example.test", confirmed=True)
    post(issue, "send")
    assert len(smtp.to(late.email)) == 1
    assert len(smtp.messages) == 5


def test_the_email_has_its_plain_text_address_headers_and_no_tracking(
    client, post, smtp, issue, readers, editor_user
):
    confirmed, _ = readers
    client.force_login(editor_user)
    post(issue, "send")
    [message] = smtp.to(confirmed[0].email)

    assert message["Subject"] == "Spring news"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe_url.startswith("http://localhost/newsletter/unsubscribe/")
    assert confirmed[0].email not in unsubscribe_url

    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "New hours\n=========" in text
    assert "See the hours (https://example.org/hours)" in text
    assert "- Saturday mornings" in text
    assert "12 Harbour Road" in text
    assert "because you subscribed" in text
    assert unsubscribe_url in text

    html = message.get_body(("html",)).get_content()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("style") is None  # inlined
    assert "style" in soup.find("h1").attrs
    assert soup.find_all("img") == []  # the issue has no picture: no pixel either
    hrefs = {a["href"] for a in soup.find_all("a")}
    assert "https://example.org/hours" in hrefs  # the editor's link, not a redirect
    assert unsubscribe_url in hrefs
    assert "12 Harbour Road" in soup.get_text()


def test_the_unsubscribe_link_from_the_email_works_by_one_click_and_by_get(
    client, post, smtp, issue, readers, editor_user
):
    confirmed, _ = readers
    client.force_login(editor_user)
    post(issue, "send")

    def link_of(reader):
        [message] = smtp.to(reader.email)
        return urlsplit(message["List-Unsubscribe"].strip().strip("<>")).path

    # RFC 8058: the mail provider POSTs, with no cookie, CSRF token or Origin.
    provider = Client(enforce_csrf_checks=True)
    one_click = provider.post(link_of(confirmed[0]), {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert not NewsletterSubscriber.objects.filter(email=confirmed[0].email).exists()

    # The link in the body: opening it asks, its button unsubscribes.
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(link_of(confirmed[1]))
    form = BeautifulSoup(page.content, "html.parser").find("form", method="post")
    assert NewsletterSubscriber.objects.filter(email=confirmed[1].email).exists()
    assert reader.post(form["action"]).status_code == 200
    assert not NewsletterSubscriber.objects.filter(email=confirmed[1].email).exists()


def test_an_editor_sends_a_test_of_the_draft_to_themselves_only(
    client, post, smtp, issue, readers, editor_user
):
    draft = issue.get_latest_revision_as_object()
    draft.title = "Spring news, draft two"
    draft.save_revision()
    client.force_login(editor_user)
    post(issue, "test")

    [message] = smtp.to(editor_user.email)
    assert message["Subject"] == "[Test] Spring news, draft two"
    assert "test copy" in message.get_body(("plain",)).get_content()
    assert len(smtp.messages) == 1
    assert not Delivery.objects.exists()


def test_sending_to_subscribers_needs_its_own_permission_and_a_published_issue(
    client, post, smtp, issue, readers, django_user_model, editor_user
):
    from django.contrib.auth.models import Group, Permission

    writer = django_user_model.objects.create_user("writer", "w@example.test", "pw-writer-1")
    group = Group.objects.create(name="Writers")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    editors = Group.objects.get(name="Editors")
    for grant in editors.page_permissions.all():
        group.page_permissions.create(page=grant.page, permission=grant.permission)
    writer.groups.add(group)
    client.force_login(writer)
    page = BeautifulSoup(client.get(sending_url(issue)).content, "html.parser")
    assert page.find("button", value="send") is None
    post(issue, "send")
    assert smtp.messages == []

    draft = issue.get_latest_revision_as_object()
    draft.body = "<p>Not published yet.</p>"
    draft.save_revision()
    client.force_login(editor_user)
    post(issue, "send")
    assert smtp.messages == []  # unpublished changes: publish first


@pytest.mark.django_db(transaction=True)
def test_a_refused_address_is_tried_again_later_then_reported(
    client, post, smtp, issue, readers, editor_user, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.NEWSLETTER_SEND_ATTEMPTS = 3
    settings.NEWSLETTER_SEND_RETRY_SECONDS = 60
    settings.NEWSLETTER_SEND_PER_MINUTE = 6000
    confirmed, _ = readers
    smtp.refuse.add(confirmed[2].email)
    client.force_login(editor_user)
    post(issue, "send")

    def run_worker():
        call_command("db_worker", "--batch", "--no-startup-delay")

    started = timezone.now()
    run_worker()
    refused = Delivery.objects.get(subscriber__email=confirmed[2].email)
    assert refused.state == Delivery.QUEUED and refused.attempts == 1
    assert refused.next_attempt_at >= started + datetime.timedelta(seconds=59)
    assert "SMTPRecipientsRefused 550" in refused.last_error
    assert len(smtp.messages) == 4

    for _ in range(2):
        Delivery.objects.filter(state=Delivery.QUEUED).update(next_attempt_at=timezone.now())
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        run_worker()
    refused.refresh_from_db()
    assert refused.state == Delivery.FAILED and refused.attempts == 3
    assert counts(client, issue) == {"queued": 0, "sent": 4, "failed": 1}
    failed_table = BeautifulSoup(client.get(sending_url(issue)).content, "html.parser")
    assert confirmed[2].email in failed_table.find(id="failed-heading").find_parent().get_text()
    assert len(smtp.messages) == 4
