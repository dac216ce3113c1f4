"""The newsletter's public side: sign up (double opt-in), confirm, unsubscribe.

None of these pages is cached (`never_cache`) or indexed, and none carries a
CSRF token or sets a csrftoken cookie:

- the sign-up takes the footer form of every (cached) page and is protected
  by the Origin check in `newsletter.origin`, not by a token;
- the confirm and unsubscribe links carry a signed token (`newsletter.tokens`)
  that is their authentication; the unsubscribe POST also comes from mail
  providers (RFC 8058 one-click), which send no CSRF token and no Origin.
  Opening either link only asks: its page's button (a POST) acts, so a mail
  scanner that opens every link confirms and unsubscribes nobody.
"""

import hashlib
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from wagtail.models import Site

from newsletter import mailing, tasks, tokens
from newsletter.forms import NewsletterSignupForm
from newsletter.models import NewsletterSubscriber
from newsletter.origin import same_origin_post


def may_email(email):
    """True at most once per address per NEWSLETTER_EMAIL_INTERVAL_MINUTES.

    However often an address is signed up (by its owner or by someone else),
    it gets one email in that time. The cache key is a keyed hash: the cache
    never holds the address. cache.add is atomic in Redis and locmem.
    """
    minutes = settings.NEWSLETTER_EMAIL_INTERVAL_MINUTES
    if minutes <= 0:
        return True
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:newsletter:{email}".encode()).hexdigest()
    return cache.add(f"newsletter:emailed:{digest[:32]}", 1, timeout=minutes * 60)


def render_signup(request, form=None, status=200):
    return TemplateResponse(
        request, "newsletter/signup.html", {"newsletter_form": form}, status=status
    )


@never_cache
@same_origin_post
@sensitive_post_parameters("email")
def newsletter_signup(request):
    if request.method in ("GET", "HEAD"):
        return render_signup(request)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    form = NewsletterSignupForm(request.POST)
    if not form.is_valid():
        return render_signup(request, form, status=400)
    email = form.cleaned_data["email"]
    now = timezone.now()
    # The page's language: the emails and their links are in it (NewsletterSubscriber.language).
    language = mailing.site_language(translation.get_language())
    with transaction.atomic():
        # Signing up twice is no error: get_or_create also settles two posts racing.
        subscriber, created = NewsletterSubscriber.objects.get_or_create(
            email=email, defaults={"consented_at": now, "language": language}
        )
        if not created:
            # Still unconfirmed: the consent given now (and its page's language) is the
            # one the link confirms, and the purge counts from it. A confirmed
            # subscriber's consent and language stand: anyone can type an address here.
            NewsletterSubscriber.objects.pending().filter(pk=subscriber.pk).update(
                consented_at=now, language=language
            )
        if may_email(email):
            site = Site.find_for_request(request)
            transaction.on_commit(
                partial(
                    tasks.send_signup_email.enqueue,
                    subscriber.pk,
                    site.pk if site else None,
                    language,
                ),
                robust=True,
            )
    # The same page whatever the address's state: it tells nobody who is subscribed.
    return HttpResponseRedirect(reverse("newsletter:thanks"), status=303)


@never_cache
def thanks(request):
    context = {"confirm_days": settings.NEWSLETTER_CONFIRM_DAYS}
    return TemplateResponse(request, "newsletter/thanks.html", context)


@never_cache
@csrf_exempt  # authenticated by the signed token; the page sets no cookie to carry a CSRF token
def confirm(request, token):
    """The emailed link: GET asks, the page's button (POST) confirms; a bad link changes nothing.

    Mail scanners and link previews open every link in an email: were opening
    the link enough, they would confirm addresses their owners never confirmed.
    """
    try:
        subscriber = tokens.subscriber_to_confirm(token)
    except tokens.InvalidToken:
        subscriber = None
    if subscriber is None:
        context = {"confirm_days": settings.NEWSLETTER_CONFIRM_DAYS}
        return TemplateResponse(request, "newsletter/link_invalid.html", context, status=400)
    if request.method == "POST":
        # Only the first confirmation sets the time; a second shows the same page.
        NewsletterSubscriber.objects.pending().filter(pk=subscriber.pk).update(
            confirmed_at=timezone.now()
        )
        return TemplateResponse(request, "newsletter/confirmed.html")
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    if subscriber.is_confirmed:
        return TemplateResponse(request, "newsletter/confirmed.html")
    return TemplateResponse(request, "newsletter/confirm.html", {"token": token})


@never_cache
@csrf_exempt  # authenticated by the signed token; mail providers' one-click POST has no CSRF token
def unsubscribe(request, token):
    """GET asks (a mail scanner following the link unsubscribes nobody); POST unsubscribes.

    The POST is the page's button or a mail provider's RFC 8058 one-click
    POST ("List-Unsubscribe=One-Click"); either way the row is deleted.
    """
    try:
        subscriber = tokens.subscriber_to_unsubscribe(token)
    except tokens.InvalidToken:
        return TemplateResponse(request, "newsletter/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        if subscriber is not None:
            subscriber.delete()
        return TemplateResponse(request, "newsletter/unsubscribed.html")
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    if subscriber is None:  # already unsubscribed (or purged): nothing left to do
        return TemplateResponse(request, "newsletter/unsubscribed.html")
    return TemplateResponse(request, "newsletter/unsubscribe.html", {"token": token})
