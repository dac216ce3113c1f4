"""Cross-site request forgery protection for a form on cached pages: the Origin check.

The footer's sign-up form is on every public page, and public pages are
cached for anonymous visitors (in the app and in an HTTP cache in front). A
CSRF token in the form, or a csrftoken cookie, would be one visitor's secret
served to every other visitor, or would make every page uncacheable.

So the sign-up is protected the other way browsers allow: a browser always
tells a server which site a POST comes from, in the `Origin` header (every
current browser sends it on a form POST), or failing that in `Referer`, and
a page on another site cannot change either. `same_origin_post` accepts an
unsafe request only when that origin is this site's own (the scheme and host
the request came to, as Django's CsrfViewMiddleware checks it) or one listed
in settings.CSRF_TRUSTED_ORIGINS, and refuses it (403) when the origin is
another site's, "null" (a sandboxed frame, a data: URL), or missing.

This is not "CSRF off": it is the check CsrfViewMiddleware makes first
(`_origin_verified`, re-implemented here from public settings and request
methods), made stricter (no Origin and no usable Referer is a refusal, over
plain HTTP as well), without the token check that would need per-visitor
state in the page. What it cannot stop is what a token cannot stop either:
a program (not a browser) posting to us directly, which could as well fill
in the form; the double opt-in and the per-address email limit handle that.
"""

import logging
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import is_same_domain

from newsletter.forms import NewsletterSignupForm

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def request_origin(request):
    """The origin ("scheme://host[:port]") the browser says the request comes from, or None.

    `Origin` when the browser sent one (including the opaque "null"), else the
    scheme and host of `Referer`.
    """
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        return origin.strip()
    referer = request.META.get("HTTP_REFERER")
    if not referer:
        return None
    try:
        parts = urlsplit(referer)
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def own_origin(request):
    """This request's own origin, or None when the host is not an allowed one."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    return f"{'https' if request.is_secure() else 'http'}://{host}"


def origin_is_trusted(request, origin):
    """True when `origin` is this site's own or one of settings.CSRF_TRUSTED_ORIGINS."""
    if not origin or origin == "null":
        return False
    origin = origin.lower()
    good = own_origin(request)
    if good is not None and origin == good.lower():
        return True
    trusted = [entry.lower() for entry in settings.CSRF_TRUSTED_ORIGINS]
    if origin in (entry for entry in trusted if "*" not in entry):
        return True
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    # "https://*.example.com" trusts example.com's subdomains, as Django does.
    return any(
        parts.scheme == wildcard.scheme
        and is_same_domain(parts.netloc, wildcard.netloc.lstrip("*"))
        for wildcard in (urlsplit(entry) for entry in trusted if "*" in entry)
    )


def refused(request, reason):
    logger.warning("Newsletter sign-up refused: %s (path %s)", reason, request.path)
    # The footer's form shows again with the address typed: sent again from here, it passes.
    typed = NewsletterSignupForm(
        initial={
            "email": str(request.POST.get("email", ""))[:254],
            "consent": bool(request.POST.get("consent")),
        }
    )
    response = TemplateResponse(
        request, "newsletter/refused.html", {"newsletter_form": typed}, status=403
    )
    add_never_cache_headers(response)
    return response


def same_origin_post(view):
    """Accept an unsafe request only from this site's own pages (see the module's notes).

    The wrapped view is marked `csrf_exempt` because CsrfViewMiddleware would
    otherwise ask for a token no cached page can carry: the protection moves
    here, it is not dropped. Safe methods (GET, HEAD) pass unchecked; they
    must change nothing.
    """

    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            origin = request_origin(request)
            if origin is None:
                return refused(request, "no Origin or Referer header")
            if not origin_is_trusted(request, origin):
                return refused(request, "the request came from another site")
        return view(request, *args, **kwargs)

    checked.csrf_exempt = True
    return checked
