"""Every email the site sends to a subscriber, with its one-click unsubscribe.

`subscriber_message(subscriber, subject, body)` is the one way to write to a
subscriber: it appends the unsubscribe link to the body and adds the
`List-Unsubscribe` and `List-Unsubscribe-Post` headers (RFC 2369 and RFC
8058), so mail programs show their own "Unsubscribe" button and a mail
provider can unsubscribe with one POST. Newsletters go to
`NewsletterSubscriber.objects.confirmed()` only; the helper refuses a pending
address unless it is the confirmation email itself.

Links are absolute, built from the Wagtail Site's root URL (Settings › Sites:
hostname, and port 443 for https): the public address the pages' canonical
links already use. Not WAGTAILADMIN_BASE_URL, which is the admin's address
(it may be another host, or reachable only by staff), and not the request's
Host header, which a client chooses. Their path is in the email's language
(`/es/newsletter/unsubscribe/...` for a Spanish reader): the active one, or
the one asked for (an issue is sent in each reader's own language).
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from wagtail.models import Site

from newsletter import tokens


def default_site():
    return Site.objects.filter(is_default_site=True).first() or Site.objects.first()


def root_url(site=None):
    site = site or default_site()
    return site.root_url.rstrip("/")


def site_language(code):
    """`code` if the site is written in it ("es-mx" reads "es"), else the default language."""
    languages = dict(settings.LANGUAGES)
    code = (code or "").lower()
    if code in languages:
        return code
    if code.split("-")[0] in languages:
        return code.split("-")[0]
    return settings.LANGUAGE_CODE


def path_in(language, name, *args):
    """The path of a URL name in `language` (None: the active one), e.g. /es/newsletter/..."""
    if language is None:
        return reverse(name, args=args)
    with translation.override(site_language(language)):
        return reverse(name, args=args)


def confirm_url(subscriber, site=None, language=None):
    path = path_in(language, "newsletter:confirm", tokens.confirm_token(subscriber))
    return root_url(site) + path


def unsubscribe_url(subscriber, site=None, language=None):
    path = path_in(language, "newsletter:unsubscribe", tokens.unsubscribe_token(subscriber))
    return root_url(site) + path


def home_url(site=None, language=None):
    """The home page in `language`: http://host/ or http://host/es/."""
    return root_url(site) + path_in(language, "wagtail_serve", "")


def subscriber_message(
    subscriber, subject, body, *, site=None, from_email=None, allow_pending=False
):
    """An EmailMessage to `subscriber`, with the unsubscribe link in its body and headers.

    Send it with `.send()`. A newsletter may only go to a confirmed subscriber:
    `allow_pending` is for the confirmation email alone.
    """
    if not subscriber.is_confirmed and not allow_pending:
        raise ValueError("This subscriber has not confirmed the address yet.")
    url = unsubscribe_url(subscriber, site)
    footer = render_to_string("newsletter/email/unsubscribe_footer.txt", {"unsubscribe_url": url})
    return EmailMessage(
        subject=subject,
        body=f"{body.rstrip()}\n\n{footer.strip()}\n",
        from_email=from_email,
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
