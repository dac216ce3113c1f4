"""Second factor before any admin page, and the idle timeout of sessions that saw patient data."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from staff import policy

SEEN_KEY = "staff_saw_patient_data"
LAST_KEY = "staff_last_activity"
ACTIVITY_GRANULARITY_SECONDS = 10


def _is_a_person_acting(request):
    """Wagtail's editor pings its editing session every few seconds on its own: an
    edit screen left open on a front-desk computer is not someone working there."""
    return not request.path.startswith("/admin/editing-sessions/")


def _wants_a_page(request):
    """A fetch (Wagtail's autosave, the editing-session ping, the idle dialog) gets a
    401 it can handle, not a redirect to the sign-in page that it would follow."""
    return request.accepts("text/html") and request.headers.get("x-requested-with") != "fetch"


def _open_paths():
    """What a signed-in person may reach before the second factor."""
    return (
        reverse("staff_enrol"),
        reverse("staff_verify"),
        reverse("wagtailadmin_login"),
        reverse("wagtailadmin_logout"),
        reverse("wagtailadmin_password_reset"),
        "/admin/password_reset/",
        reverse("wagtailadmin_javascript_catalog"),
        # The icons every admin page fetches: redirected, the icon sprite's place in
        # the page was filled with a second copy of the page (two <main>).
        reverse("wagtailadmin_sprite"),
        # The passkey's own steps (the library refuses to register a new one for
        # someone who has a second factor and has not used it this session).
        reverse("otp_webauthn:credential-registration-begin").removesuffix("registration/begin/"),
    )


class SecondFactorMiddleware:
    """After OTPMiddleware: a person who must use a second factor and has not yet
    done so this session reaches only enrolment, the code step and sign-out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith("/admin/")
            and request.user.is_authenticated
            and not policy.dev_skip_enabled()
            and not policy.is_verified(request)
            and not request.path.startswith(_open_paths())
            and policy.second_factor_required(request.user)
        ):
            from django_otp import user_has_device

            target = "staff_verify" if user_has_device(request.user) else "staff_enrol"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """A session that has seen patient data ends after STAFF_IDLE_TIMEOUT_SECONDS
    without a request (the admin's warning dialog lets the person extend it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and request.path.startswith("/admin/"):
            now = time.time()
            session = request.session
            if session.get(SEEN_KEY):
                last = session.get(LAST_KEY, now)
                if now - last > settings.STAFF_IDLE_TIMEOUT_SECONDS:
                    next_url = request.get_full_path()
                    logout(request)
                    if not _wants_a_page(request):
                        return HttpResponse(status=401)
                    login = reverse("wagtailadmin_login")
                    return redirect(f"{login}?{urlencode({'next': next_url, 'idle': '1'})}")
            elif policy.sees_patient_data(user):
                session[SEEN_KEY] = True
            # Written at most every few seconds: not a session write on every request.
            if (
                _is_a_person_acting(request)
                and now - session.get(LAST_KEY, 0) >= ACTIVITY_GRANULARITY_SECONDS
            ):
                session[LAST_KEY] = now
        return self.get_response(request)
