"""Security headers for the public site."""

from django.conf import settings

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
