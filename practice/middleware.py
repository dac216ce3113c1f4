"""What every public request goes through: a cap on its body, security headers.

The Content-Security-Policy is django-csp's and the Permissions-Policy
django-permissions-policy's (both set in config/settings.py); this module
only keeps the CSP off signed-in users' pages (PublicCSPMiddleware).
"""

from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class PublicCSPMiddleware(CSPMiddleware):
    """django-csp's Content-Security-Policy, on what the public receives only.

    The policy is `CONTENT_SECURITY_POLICY` in config/settings.py (django-csp 4's
    setting), which leaves out the Wagtail admin by its URL prefix. A signed-in
    user's public pages carry the editor's userbar, whose inline scripts and
    styles that policy would refuse, so their responses get none, as the admin.
    (The page cache never stores a signed-in user's page: what it stores and
    serves to everyone else carries the header.)

    A view that needs more than the policy says adds to it with django-csp's
    decorators, or by setting the same attribute on its response where there is
    no view to decorate (a page's `serve`):

        from csp.decorators import csp_replace

        @csp_replace({"frame-src": ["https://www.youtube-nocookie.com"]})
        def video(request): ...

        # in a Page's serve(): response = super().serve(request); then
        response._csp_replace = {"frame-src": ["https://www.youtube-nocookie.com"]}

    `csp_update` appends sources to a directive, `csp_replace` replaces it
    (use it for frame-src, which is 'none' here: 'none' beside a source is
    ignored by browsers and warned about), `csp_exempt()` leaves the response
    without the header. The response keeps its own header when it set one.
    """

    def process_response(self, request, response):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response._csp_exempt = True
        return super().process_response(request, response)


def __getattr__(name):
    # PUBLIC_CONTENT_SECURITY_POLICY: the header the public receives, as django-csp
    # builds it from the settings (read when asked, so override_settings counts).
    if name == "PUBLIC_CONTENT_SECURITY_POLICY":
        return build_policy()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def declared_body_length(request):
    """The body's length as the client declared it (what Django would read: 0 if unset)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class RequestBodyLimitMiddleware:
    """Answers 413 to a public request whose body is too large, before anything reads it.

    It must come before CsrfViewMiddleware, which reads request.POST: an oversize
    post is refused from its Content-Length alone, never parsed, never stored.
    Django reads no more than Content-Length declares, so a body without one is
    read as empty. `PUBLIC_MAX_BODY_BYTES` sets the cap (0 turns it off); the
    Wagtail admin, where staff upload images and documents, is left to Django's
    own DATA_UPLOAD_MAX_MEMORY_SIZE and Wagtail's upload limits.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = getattr(settings, "PUBLIC_MAX_BODY_BYTES", 0)
        admin_prefix = getattr(settings, "WAGTAIL_ADMIN_PREFIX", "/admin/")
        if (
            limit
            and not request.path.startswith(admin_prefix)
            and declared_body_length(request) > limit
        ):
            response = HttpResponse(
                "This request is too large.", status=413, content_type="text/plain"
            )
            add_never_cache_headers(response)
            return response
        return self.get_response(request)


class URLLanguageMiddleware:
    """The language of a request is the one its URL says: /es/... Spanish, anything else English.

    Not Django's LocaleMiddleware, which falls back on the browser's
    Accept-Language and a cookie, and marks every English page
    `Vary: Accept-Language`: a cache in front (the page cache, Varnish) would
    then keep a copy per browser language, or, keyed by URL alone, could hand
    one patient's language to the next. Here the same URL always gives the
    same language, nobody is redirected by their browser's settings, and the
    language switcher (components/language_switcher.html) is how a patient
    changes it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        # For this request only: the next one on this thread starts from the default.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
