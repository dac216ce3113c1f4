"""The sign-up's email, sent as a background task after the sign-up is committed.

In development and tests the task runs at once; in production it is stored
by django-tasks-db and sent by `manage.py db_worker`, so a slow or failing
mail server never slows or breaks the sign-up. What the email says is
decided when it is sent: a pending address gets the confirmation link, an
address already confirmed is told so (the thank-you page says the same
"check your inbox" either way, so it reveals nothing about who is subscribed).
"""

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django_tasks import task
from wagtail.models import Site

from newsletter import mailing
from newsletter.models import NewsletterSubscriber
from practice.models import PracticeSettings

logger = logging.getLogger(__name__)


@task()
def send_signup_email(subscriber_id, site_id, language=settings.LANGUAGE_CODE):
    """The confirmation (or "already subscribed") email, in the language of the sign-up page.

    `language` is the page's ("en", "es"): its links lead to that language's pages.
    """
    with translation.override(language):
        return _send_signup_email(subscriber_id, site_id)


def _send_signup_email(subscriber_id, site_id):
    subscriber = NewsletterSubscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:  # unsubscribed or purged before the worker got to it
        return 0
    site = Site.objects.filter(pk=site_id).first() if site_id else None
    site = site or mailing.default_site()
    practice_name = PracticeSettings.for_site(site).practice_name
    context = {
        "practice_name": practice_name,
        "confirm_days": settings.NEWSLETTER_CONFIRM_DAYS,
        "pending_days": settings.NEWSLETTER_PENDING_DAYS,
    }
    if subscriber.is_confirmed:
        subject = gettext("You are already subscribed to the %(practice)s newsletter") % {
            "practice": practice_name
        }
        template = "newsletter/email/already_subscribed.txt"
    else:
        subject = gettext("Please confirm your subscription to the %(practice)s newsletter") % {
            "practice": practice_name
        }
        template = "newsletter/email/confirm.txt"
        context["confirm_url"] = mailing.confirm_url(subscriber, site)
    message = mailing.subscriber_message(
        subscriber, subject, render_to_string(template, context), site=site, allow_pending=True
    )
    try:
        message.send()
    except Exception as error:
        # The error's type only: an SMTP error can quote the address.
        logger.error("Sending a newsletter sign-up email failed: %s", type(error).__name__)
        raise RuntimeError("newsletter sign-up email not sent") from None
    return 1


@task()
def send_issue_batch(issue_id):
    """One batch of a newsletter issue (newsletter.issues.send_batch): the issue's id only."""
    from newsletter import issues

    return issues.send_batch(issue_id)
