"""Enrolment, the code step, a superuser's reset and the idle keep-alive, in the admin."""

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from wagtail.admin import messages

from staff import policy
from staff.audit import record
from staff.models import StaffSecuritySettings
from staff.signals import end_sessions

RECOVERY_CODES = 10
ENROL_KEY = "staff_enrol_totp_key"


def _next(request):
    url = request.POST.get("next") or request.GET.get("next") or "/admin/"
    if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return "/admin/"


def _code(request):
    return "".join(request.POST.get("code", "").split())


def enrol(request):
    """Set up an authenticator app: QR code (drawn here, no outside service) and a code to confirm."""
    if not request.user.is_authenticated:
        return redirect("wagtailadmin_login")
    key = request.session.get(ENROL_KEY)
    if key is None:
        key = request.session[ENROL_KEY] = default_key()
    device = TOTPDevice(user=request.user, name="Authenticator app", key=key, confirmed=False)
    error = None
    if request.method == "POST":
        if _limited(request):
            error = _limit_message()
        elif device.verify_token(_code(request)):
            TOTPDevice.objects.filter(user=request.user).delete()
            device.confirmed = True
            device.save()
            StaticDevice.objects.filter(user=request.user).delete()
            static = StaticDevice.objects.create(user=request.user, name="Recovery codes")
            codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
            static.token_set.bulk_create([StaticToken(device=static, token=c) for c in codes])
            del request.session[ENROL_KEY]
            otp_login(request, device)
            record(request.user, "staff.second_factor_enrolled", data={"method": "totp"})
            return TemplateResponse(
                request, "staff/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
        else:
            _count_failure(request)
            error = "That code is not right. Enter the six digits your app shows now."
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title="QR code")
    return TemplateResponse(
        request,
        "staff/enrol.html",
        {"qr_svg": svg, "secret": _b32(key), "error": error, "next": _next(request)},
    )


def _b32(hex_key):
    import base64

    return base64.b32encode(bytes.fromhex(hex_key)).decode().rstrip("=")


def _limit_key(request):
    return f"staff:otp-failures:{request.user.pk}"


def _limited(request):
    return cache.get(_limit_key(request), 0) >= settings.STAFF_OTP_FAILURE_LIMIT


def _count_failure(request):
    key = _limit_key(request)
    cache.add(key, 0, timeout=settings.STAFF_OTP_COOLOFF_SECONDS)
    cache.incr(key)
    record(request.user, "staff.second_factor_failed")


def _limit_message():
    phone = StaffSecuritySettings.load().administrator_phone
    message = "Too many wrong codes. Wait a few minutes and try again"
    return (
        f"{message}, or call the practice's administrator at {phone}." if phone else message + "."
    )


def verify(request):
    """The code step after the password: a code from the app, or a recovery code."""
    if not request.user.is_authenticated:
        return redirect("wagtailadmin_login")
    error = None
    if request.method == "POST":
        code = _code(request)
        if _limited(request):
            error = _limit_message()
        else:
            for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
                if device.verify_token(code):
                    otp_login(request, device)
                    cache.delete(_limit_key(request))
                    return redirect(_next(request))
            for device in StaticDevice.objects.filter(user=request.user, confirmed=True):
                if device.verify_token(code.lower()):
                    otp_login(request, device)
                    cache.delete(_limit_key(request))
                    record(request.user, "staff.recovery_code_used")
                    left = device.token_set.count()
                    messages.warning(
                        request,
                        f"You signed in with a recovery code; {left} left. "
                        "Set up your authenticator app again if you lost it.",
                    )
                    return redirect(_next(request))
            _count_failure(request)
            error = "That code is not right."
    return TemplateResponse(request, "staff/verify.html", {"error": error, "next": _next(request)})


def reset(request, user_id):
    """A superuser removes a person's second factor (they enrol again at next sign-in):
    a confirmation page (from the users list), then the reset on POST."""
    if not (request.user.is_superuser and policy.is_verified(request)):
        raise PermissionDenied
    person = get_object_or_404(get_user_model(), pk=user_id)
    if request.method != "POST":
        return TemplateResponse(request, "staff/reset_confirm.html", {"person": person})
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()
    end_sessions([person.pk])
    record(person, "staff.second_factor_reset", by=request.user)
    messages.success(request, f"Second factor of {person.get_username()} reset.")
    return redirect("wagtailusers_users:index")


@require_POST
def keep_alive(request):
    """The idle warning's "Stay signed in": any request counts as activity (middleware)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    return HttpResponse(status=204)


def lockout(request, original_response=None, credentials=None):
    """django-axes: too many failed sign-ins for this username or from this client.

    The same words whether or not the username exists."""
    # Rendered here: axes returns it from its middleware, after responses are rendered.
    return render(
        request,
        "staff/lockout.html",
        {
            "phone": StaffSecuritySettings.load().administrator_phone,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=429,
    )
