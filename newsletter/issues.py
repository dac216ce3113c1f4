"""A newsletter issue as email, and its sending: queued per subscriber, sent in batches.

The email (`render_issue`, `issue_message`):

- HTML with its CSS inlined (css-inline: mail programs drop <style>), and a
  plain-text part made from the same rich text;
- links and pictures as the editor made them, only made absolute: no
  tracking pixel, no redirect through us, no click counting;
- the practice's postal address (CAN-SPAM), why the reader gets it, and the
  unsubscribe link, also in `List-Unsubscribe` / `List-Unsubscribe-Post`
  (RFC 8058 one-click: newsletter.views.unsubscribe takes the POST);
- sent through Django's email backend: any SMTP server, or a django-anymail
  backend for a provider's API (EMAIL_BACKEND);
- in each reader's language (`NewsletterSubscriber.language`): an issue's
  Spanish version is its wagtail-localize translation (a page of its own, at
  /es/..., published on its own, through the Medical review when marked), and
  a Spanish reader gets it when it is live. Until then they get the issue as
  written, with the email's frame in Spanish (a note that it is not
  translated yet, why they get it, the unsubscribe link to /es/newsletter/...,
  the footer), the issue's own text marked with its language. The issue is
  sent once, from any of its language versions: its readers are counted
  across all of them (`recipients_to_queue`), so nobody gets it twice.

The sending (`queue_issue`, `send_batch`, `resume`):

- "Send" makes one `Delivery` row per confirmed subscriber not yet sent the
  issue (unique per issue and subscriber), then enqueues `send_issue_batch`
  with the issue's id only: no address ever goes into a task.
- A batch claims each queued row (state "sending", committed) before giving
  the message to the mail server, and marks it sent right after. The next
  batch is enqueued to run NEWSLETTER_SEND_BATCH_SIZE / NEWSLETTER_SEND_PER_MINUTE
  minutes after this one started: that is the rate.
- A failed message is queued again after NEWSLETTER_SEND_RETRY_SECONDS,
  doubling each time, and after NEWSLETTER_SEND_ATTEMPTS tries is marked
  failed with the error's type and SMTP code (never its text, which can
  quote the address); the admin's Sending screen lists the failures.
- A worker killed mid-send leaves its batch's task unfinished and at most
  one row "sending" (the message it was handing over). `resume` (the
  `resume_newsletter_sending` command, run when the worker starts again)
  puts claims older than NEWSLETTER_SEND_LEASE_SECONDS back in the queue and
  enqueues a batch for every issue with rows left: nobody is skipped, and
  everyone already marked sent is not sent again. The one row that was being
  handed over is sent again: if the mail server had accepted it in the
  instant before the worker died, that reader gets it twice, with the same
  Message-ID (which mail programs use to drop a duplicate).
"""

import datetime
import logging
import re
import textwrap
from dataclasses import dataclass
from email.utils import formataddr
from functools import partial

import css_inline
from bs4 import BeautifulSoup, NavigableString
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.rich_text import expand_db_html

from newsletter import mailing, tokens
from newsletter.models import (
    Delivery,
    IssueSendRecord,
    NewsletterIssuePage,
    NewsletterSettings,
    NewsletterSubscriber,
)
from practice.languages import page_language
from practice.models import PracticeSettings

logger = logging.getLogger(__name__)

# Stands for each reader's own unsubscribe link in an issue rendered once per batch.
UNSUBSCRIBE_PLACEHOLDER = "https://unsubscribe.invalid/READER"

INLINER = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)

# Above an issue that is not in the reader's language (said in the reader's language).
NOT_TRANSLATED_NOTES = {
    "en": _(
        "This issue of our newsletter is not translated into your language yet: here it is in English."
    ),
    "es": _(
        "This issue of our newsletter is not translated into your language yet: here it is in Spanish."
    ),
}


@dataclass
class Recipient:
    unsubscribe_url: str
    is_test: bool = False


@dataclass
class RenderedIssue:
    subject: str
    html: str
    text: str
    from_email: str
    list_id: str
    domain: str


def preview_recipient(language=None):
    """The editor's preview: the unsubscribe link leads to the "link no longer works" page."""
    return Recipient(
        mailing.root_url() + mailing.path_in(language, "newsletter:unsubscribe", "preview")
    )


def issue_language(issue):
    """The language the issue is written in: its locale's ("en", "es")."""
    return mailing.site_language(page_language(issue))


def issue_for_reader(issue, language):
    """What a reader of `language` gets: the issue's live version in it, else the issue itself."""
    if issue_language(issue) == language:
        return issue
    version = (
        NewsletterIssuePage.objects.live()
        .filter(translation_key=issue.translation_key, locale__language_code=language)
        .first()
    )
    return version or issue


def absolute_links(html, root):
    """Links and pictures exactly as written, made absolute (an email has no base URL)."""
    soup = BeautifulSoup(html, "html.parser")
    for tag, attribute in (("a", "href"), ("img", "src")):
        for element in soup.find_all(tag, attrs={attribute: True}):
            value = element[attribute]
            if value.startswith("/") and not value.startswith("//"):
                element[attribute] = root + value
    for image in soup.find_all("img"):
        image.attrs.pop("srcset", None)
        image.attrs.pop("loading", None)
    return str(soup)


def wrap(text, indent=""):
    text = " ".join(text.split())
    return textwrap.fill(
        text,
        width=76,
        initial_indent=indent,
        subsequent_indent=" " * len(indent),
        break_long_words=False,
        break_on_hyphens=False,
    )


def picture(alt):
    """A picture in the plain-text part: its description, labelled in the email's language."""
    return gettext("[Picture: %(description)s]") % {"description": alt}


def inline_text(element):
    """An element's text, with each link's address after its words."""
    parts = []
    for child in element.descendants:
        if isinstance(child, NavigableString):
            if child.parent.name != "a":
                parts.append(str(child))
        elif child.name == "a":
            words = child.get_text()
            href = child.get("href", "")
            parts.append(f"{words} ({href})" if href and href != words else words)
        elif child.name == "img" and child.get("alt"):
            parts.append(picture(child["alt"]))
        elif child.name == "br":
            parts.append(" ")
    return "".join(parts)


def plain_text(html):
    """The issue's rich text as plain text: headings, paragraphs, lists, links in full."""
    soup = BeautifulSoup(html, "html.parser")
    blocks = []
    for element in soup.children:
        if isinstance(element, NavigableString):
            if element.strip():
                blocks.append(wrap(str(element)))
            continue
        if element.name in ("h2", "h3"):
            heading = " ".join(element.get_text().split())
            underline = "=" if element.name == "h2" else "-"
            blocks.append(f"{heading}\n{underline * len(heading)}")
        elif element.name in ("ul", "ol"):
            items = element.find_all("li", recursive=False)
            blocks.append(
                "\n".join(
                    wrap(
                        inline_text(item),
                        f"{number}. " if element.name == "ol" else "- ",
                    )
                    for number, item in enumerate(items, start=1)
                )
            )
        elif element.name == "hr":
            blocks.append("-" * 20)
        elif element.name == "img":
            if element.get("alt"):
                blocks.append(picture(element["alt"]))
        else:
            text = inline_text(element)
            if text.strip():
                blocks.append(wrap(text))
    return "\n\n".join(blocks)


def site_for(issue):
    return issue.get_site() or mailing.default_site()


def render_issue(issue, recipient, language=None):
    """The issue's email for one reader (or the placeholder, filled in by `issue_message`).

    `language` is the reader's: the email's own words are in it, the issue's
    text in the issue's language (None: the issue's language throughout).
    """
    written_in = issue_language(issue)
    language = mailing.site_language(language or written_in)
    site = site_for(issue)
    root = mailing.root_url(site)
    practice = PracticeSettings.for_site(site)
    newsletter = NewsletterSettings.for_site(site)
    body = absolute_links(expand_db_html(issue.body or ""), root)
    with translation.override(language):
        context = {
            "issue": issue,
            "subject": issue.title,
            "summary": issue.summary,
            "body": body,
            "body_text": plain_text(body),  # in the override: "[Picture: ...]" labels
            "online_url": issue.get_full_url() if issue.live else "",
            "language": language,
            # Set only when the issue's text is in another language than the email's.
            "content_language": written_in if written_in != language else "",
            "not_translated_note": NOT_TRANSLATED_NOTES.get(written_in, "")
            if written_in != language
            else "",
            "practice_name": practice.practice_name,
            "postal_address": newsletter.postal_address.strip(),
            "site_url": mailing.home_url(site, language),
            "site_host": site.hostname,
            "unsubscribe_url": recipient.unsubscribe_url,
            "is_test": recipient.is_test,
        }
        html = INLINER.inline(render_to_string("newsletter/email/issue.html", context))
        text = render_to_string("newsletter/email/issue.txt", context)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    sender = newsletter.from_name or practice.practice_name
    return RenderedIssue(
        subject=issue.title,
        html=html,
        text=text,
        from_email=formataddr((sender, settings.DEFAULT_FROM_EMAIL)),
        list_id=f"{practice.practice_name} newsletter <newsletter.{site.hostname}>",
        domain=site.hostname,
    )


def issue_message(rendered, to, unsubscribe_url, message_id, subject_prefix="", connection=None):
    """The email of a rendered issue to one address, its unsubscribe link filled in."""
    message = EmailMultiAlternatives(
        subject=subject_prefix + rendered.subject,
        body=rendered.text.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url),
        from_email=rendered.from_email,
        to=[to],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": rendered.list_id,
            "Message-ID": message_id,
        },
    )
    message.attach_alternative(
        rendered.html.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url), "text/html"
    )
    return message


def missing_for_sending(issue):
    """Why the issue cannot be sent to subscribers yet, or None."""
    if not NewsletterSettings.for_site(site_for(issue)).postal_address.strip():
        return "Add the practice's postal address in Settings › Newsletter first."
    if not issue.live:
        return "Publish the issue first: subscribers get the published version."
    if issue.has_unpublished_changes:
        return "The issue has changes that are not published yet: publish them first."
    return None


def send_test(issue, user):
    """The issue's latest draft to the editor's own address, at once. Raises on a mail error."""
    draft = issue.get_latest_revision_as_object()
    site = site_for(issue)
    # A link for a reader who does not exist: following it unsubscribes nobody.
    token = tokens.make_token(NewsletterSubscriber(pk=0, email=user.email), tokens.UNSUBSCRIBE_SALT)
    language = issue_language(draft)
    url = mailing.root_url(site) + mailing.path_in(language, "newsletter:unsubscribe", token)
    rendered = render_issue(draft, Recipient(UNSUBSCRIBE_PLACEHOLDER, is_test=True))
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    message = issue_message(
        rendered,
        user.email,
        url,
        f"<newsletter.{issue.pk}.test.{stamp}@{rendered.domain}>",
        subject_prefix="[Test] ",
    )
    message.send()
    IssueSendRecord.objects.create(issue=issue, kind=IssueSendRecord.TEST, by=user, recipients=1)


def recipients_to_queue(issue):
    """Confirmed subscribers the issue has not been queued for yet, in any of its languages."""
    return NewsletterSubscriber.objects.confirmed().exclude(
        deliveries__issue__translation_key=issue.translation_key
    )


def readers_by_language(issue):
    """For the Sending screen: per language, how many readers are left and what they get."""
    counts = {
        row["language"]: row["count"]
        for row in recipients_to_queue(issue)
        .order_by()
        .values("language")
        .annotate(count=Count("pk"))
    }
    rows = []
    for code, name in settings.LANGUAGES:
        count = sum(n for language, n in counts.items() if mailing.site_language(language) == code)
        if not count:
            continue
        version = issue_for_reader(issue, code)
        rows.append(
            {
                "language": name,
                "count": count,
                "version": version,
                "translated": issue_language(version) == code,
            }
        )
    return rows


def queue_issue(issue, user):
    """A delivery for every confirmed subscriber not yet queued, and the first batch. Returns N."""
    from newsletter import tasks

    with transaction.atomic():
        now = timezone.now()
        ids = list(recipients_to_queue(issue).values_list("pk", flat=True))
        Delivery.objects.bulk_create(
            [Delivery(issue=issue, subscriber_id=pk, next_attempt_at=now) for pk in ids],
            ignore_conflicts=True,  # queued meanwhile by another click: one row stands
            batch_size=500,
        )
        IssueSendRecord.objects.create(
            issue=issue, kind=IssueSendRecord.SUBSCRIBERS, by=user, recipients=len(ids)
        )
        transaction.on_commit(partial(tasks.send_issue_batch.enqueue, issue.pk))
    return len(ids)


def deliveries_of(issue):
    """The issue's deliveries, whichever of its language versions it was sent from."""
    return Delivery.objects.filter(issue__translation_key=issue.translation_key)


def progress(issue):
    """Counts per state: queued (with those being sent), sent, failed, skipped."""
    counts = deliveries_of(issue).aggregate(
        queued=Count("pk", filter=Q(state__in=[Delivery.QUEUED, Delivery.SENDING])),
        sent=Count("pk", filter=Q(state=Delivery.SENT)),
        failed=Count("pk", filter=Q(state=Delivery.FAILED)),
        skipped=Count("pk", filter=Q(state=Delivery.SKIPPED)),
        total=Count("pk"),
    )
    return counts


def error_summary(error):
    """The error's type and SMTP code: never its text, which can quote the address."""
    codes = []
    if getattr(error, "smtp_code", None):
        codes.append(str(error.smtp_code))
    for reply in (getattr(error, "recipients", None) or {}).values():
        if isinstance(reply, tuple) and reply:
            codes.append(str(reply[0]))
    status = getattr(error, "status_code", None)  # anymail's API errors
    if status:
        codes.append(str(status))
    return " ".join([type(error).__name__, *codes])[:200]


def supports_defer():
    from newsletter import tasks

    return tasks.send_issue_batch.get_backend().supports_defer


def reclaim_stale(issue_id=None):
    """Claims older than the lease (their worker died) back in the queue. Returns how many."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.NEWSLETTER_SEND_LEASE_SECONDS)
    stale = Delivery.objects.filter(state=Delivery.SENDING, claimed_at__lt=cutoff)
    if issue_id is not None:
        stale = stale.filter(issue_id=issue_id)
    return stale.update(state=Delivery.QUEUED, claimed_at=None, next_attempt_at=timezone.now())


def claim(pk, now, deferred):
    rows = Delivery.objects.filter(pk=pk, state=Delivery.QUEUED)
    if deferred:
        rows = rows.filter(next_attempt_at__lte=now)
    return rows.update(state=Delivery.SENDING, claimed_at=now, attempts=F("attempts") + 1)


def record_failure(delivery, error):
    attempts = Delivery.objects.values_list("attempts", flat=True).get(pk=delivery.pk)
    summary = error_summary(error)
    logger.warning(
        "Newsletter issue %s: delivery %s failed (try %d of %d): %s",
        delivery.issue_id,
        delivery.pk,
        attempts,
        settings.NEWSLETTER_SEND_ATTEMPTS,
        summary,
    )
    if attempts >= settings.NEWSLETTER_SEND_ATTEMPTS:
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.FAILED, last_error=summary, claimed_at=None
        )
        return
    pause = settings.NEWSLETTER_SEND_RETRY_SECONDS * 2 ** (attempts - 1)
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.QUEUED,
        last_error=summary,
        claimed_at=None,
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=pause),
    )


def send_batch(issue_id):
    """Send up to NEWSLETTER_SEND_BATCH_SIZE of the issue's due deliveries; queue the next batch.

    Returns the number sent.
    """
    started = timezone.now()
    deferred = supports_defer()
    reclaim_stale(issue_id)
    issue = NewsletterIssuePage.objects.live().filter(pk=issue_id).first()
    if issue is None:
        # Unpublished or deleted meanwhile: what is queued waits (sent when it is live again).
        logger.warning("Newsletter issue %s is not live: sending paused", issue_id)
        return 0
    due = Delivery.objects.filter(issue_id=issue_id, state=Delivery.QUEUED)
    if deferred:
        due = due.filter(next_attempt_at__lte=started)
    ids = list(
        due.order_by("pk").values_list("pk", flat=True)[: settings.NEWSLETTER_SEND_BATCH_SIZE]
    )
    sent = 0
    if ids:
        renders = {}  # language: the issue rendered for its readers, once per batch

        def rendered_for(language):
            if language not in renders:
                version = issue_for_reader(issue, language)
                renders[language] = render_issue(
                    version, Recipient(UNSUBSCRIBE_PLACEHOLDER), language
                )
            return renders[language]

        site = site_for(issue)
        connection = get_connection()
        try:
            for pk in ids:
                if not claim(pk, timezone.now(), deferred):
                    continue  # another worker has it, or it is not due
                delivery = Delivery.objects.select_related("subscriber").get(pk=pk)
                subscriber = delivery.subscriber
                if subscriber is None or not subscriber.is_confirmed:
                    Delivery.objects.filter(pk=pk).update(state=Delivery.SKIPPED, claimed_at=None)
                    continue
                language = mailing.site_language(subscriber.language)
                rendered = rendered_for(language)
                message = issue_message(
                    rendered,
                    subscriber.email,
                    mailing.unsubscribe_url(subscriber, site, language),
                    f"<newsletter.{issue_id}.{subscriber.pk}@{rendered.domain}>",
                    connection=connection,
                )
                try:
                    if connection.send_messages([message]) != 1:
                        raise RuntimeError("the mail backend did not accept the message")
                except Exception as error:  # noqa: BLE001 - any backend error is tried again
                    record_failure(delivery, error)
                    connection.close()  # a broken connection is opened afresh for the next
                else:
                    Delivery.objects.filter(pk=pk).update(
                        state=Delivery.SENT, sent_at=timezone.now(), claimed_at=None, last_error=""
                    )
                    sent += 1
        finally:
            connection.close()
    schedule_next(issue_id, started, deferred)
    return sent


def schedule_next(issue_id, started, deferred):
    """The next batch: after the rate's pause, or when the next retry is due; none when done."""
    from newsletter import tasks

    left = Delivery.objects.filter(issue_id=issue_id, state=Delivery.QUEUED).aggregate(
        count=Count("pk"), due=Min("next_attempt_at")
    )
    if not left["count"]:
        return
    if not deferred:
        # Development and tests (tasks run at once): no pause, the retries come at once.
        tasks.send_issue_batch.enqueue(issue_id)
        return
    pause = settings.NEWSLETTER_SEND_BATCH_SIZE * 60 / settings.NEWSLETTER_SEND_PER_MINUTE
    run_after = max(started + datetime.timedelta(seconds=pause), left["due"])
    tasks.send_issue_batch.using(run_after=run_after).enqueue(issue_id)


def resume():
    """After a crash or restart: stale claims back in the queue, a batch for each issue left.

    Returns the ids of the issues resumed.
    """
    reclaimed = reclaim_stale()
    if reclaimed:
        logger.warning("Newsletter: %d interrupted deliveries queued again", reclaimed)
    from newsletter import tasks

    issue_ids = list(
        Delivery.objects.filter(state=Delivery.QUEUED)
        .values_list("issue_id", flat=True)
        .distinct()
        .order_by("issue_id")
    )
    for issue_id in issue_ids:
        tasks.send_issue_batch.enqueue(issue_id)
    return issue_ids
