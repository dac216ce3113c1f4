"""What every public request goes through: a cap on its body, security headers."""

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers

# Everything the public site loads comes from itself: no third-party script,
# font, frame or pixel can run on a page about someone's health.
PUBLIC_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'none'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)


class SecurityHeadersMiddleware:
    """Adds a strict Content-Security-Policy and Permissions-Policy to public pages.

    The Wagtail admin (and the editor's userbar on public pages, shown only to
    signed-in staff) relies on inline scripts and styles, so it keeps Wagtail's
    own defaults.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = getattr(settings, "WAGTAIL_ADMIN_PREFIX", "/admin/")

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        is_staff_view = request.path.startswith(self.admin_prefix) or (
            user is not None and user.is_authenticated
        )
        if not is_staff_view:
            response.setdefault("Content-Security-Policy", PUBLIC_CONTENT_SECURITY_POLICY)
        return response


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
