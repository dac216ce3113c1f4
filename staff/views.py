"""Enrolment (app or passkey), the code step, a superuser's reset and the idle keep-alive, in the admin."""

from functools import wraps

import segno
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from django_otp_webauthn.models import WebAuthnCredential
from wagtail.admin import messages

from staff import policy
from staff.audit import record
from staff.limits import count_failure, forget_failures, is_limited, limit_message
from staff.models import StaffSecuritySettings
from staff.passkeys import RECOVERY_CODES_DUE
from staff.signals import end_sessions

RECOVERY_CODES = 10
ENROL_KEY = "staff_enrol_totp_key"


def _site_policy(view):
    """The public site's Content-Security-Policy (scripts, styles and fetches from the
    site itself only) on the sign-in steps, which the admin's exclusion would leave
    without one: Wagtail's scripts there, django-otp-webauthn's and ours are all files."""

    @wraps(view)
    def with_policy(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code != 302:
            response.headers["Content-Security-Policy"] = build_policy()
        return response

    return with_policy


def _next(request):
    url = request.POST.get("next") or request.GET.get("next") or "/admin/"
    if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return "/admin/"


def _code(request):
    return "".join(request.POST.get("code", "").split())


def _new_recovery_codes(user):
    """Ten fresh single-use codes; the ones the person had before stop working."""
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="Recovery codes")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    static.token_set.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


@_site_policy
def enrol(request):
    """Set up an authenticator app (QR code drawn here, no outside service, and a code to
    confirm) or a passkey (staff/passkeys.py, through the browser)."""
    if not request.user.is_authenticated:
        return redirect("wagtailadmin_login")
    if user_has_device(request.user, confirmed=True) and not policy.is_verified(request):
        # Someone who has only the password must not replace the second factor with their own.
        return redirect(f"{reverse('staff_verify')}?{urlencode({'next': _next(request)})}")
    key = request.session.get(ENROL_KEY)
    if key is None:
        key = request.session[ENROL_KEY] = default_key()
    device = TOTPDevice(user=request.user, name="Authenticator app", key=key, confirmed=False)
    error = None
    if request.method == "POST":
        if is_limited(request):
            error = limit_message()
        elif device.verify_token(_code(request)):
            TOTPDevice.objects.filter(user=request.user).delete()
            device.confirmed = True
            device.save()
            codes = _new_recovery_codes(request.user)
            del request.session[ENROL_KEY]
            otp_login(request, device)
            record(request.user, "staff.second_factor_enrolled", data={"method": "totp"})
            return TemplateResponse(
                request, "staff/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
        else:
            count_failure(request)
            error = "That code is not right. Enter the six digits your app shows now."
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, title="QR code")
    return TemplateResponse(
        request,
        "staff/enrol.html",
        {"qr_svg": svg, "secret": _b32(key), "error": error, "next": _next(request)},
    )


@_site_policy
def passkey_added(request):
    """Where the browser goes once a passkey is registered: the recovery codes after a
    first enrolment (once), otherwise back to where the person was."""
    if not request.session.pop(RECOVERY_CODES_DUE, False):
        messages.success(request, "Passkey added.")
        return redirect(_next(request))
    codes = _new_recovery_codes(request.user)
    return TemplateResponse(
        request,
        "staff/recovery_codes.html",
        {"codes": codes, "next": _next(request), "method": "passkey"},
    )


def _b32(hex_key):
    import base64

    return base64.b32encode(bytes.fromhex(hex_key)).decode().rstrip("=")


@_site_policy
def verify(request):
    """The code step after the password: a code from the app, or a recovery code."""
    if not request.user.is_authenticated:
        return redirect("wagtailadmin_login")
    error = None
    if request.method == "POST":
        code = _code(request)
        if is_limited(request):
            error = limit_message()
        else:
            for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
                if device.verify_token(code):
                    otp_login(request, device)
                    forget_failures(request)
                    return redirect(_next(request))
            for device in StaticDevice.objects.filter(user=request.user, confirmed=True):
                if device.verify_token(code.lower()):
                    otp_login(request, device)
                    forget_failures(request)
                    record(request.user, "staff.recovery_code_used")
                    left = device.token_set.count()
                    messages.warning(
                        request,
                        f"You signed in with a recovery code; {left} left. "
                        "Set up your authenticator app again if you lost it.",
                    )
                    return redirect(_next(request))
            count_failure(request)
            error = "That code is not right."
    context = {
        "error": error,
        "next": _next(request),
        "has_app": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
        "has_passkey": WebAuthnCredential.objects.filter(
            user=request.user, confirmed=True
        ).exists(),
    }
    return TemplateResponse(request, "staff/verify.html", context)


def reset(request, user_id):
    """A superuser removes a person's second factor (they enrol again at next sign-in):
    a confirmation page (from the users list), then the reset on POST."""
    if not (request.user.is_superuser and policy.is_verified(request)):
        raise PermissionDenied
    person = get_object_or_404(get_user_model(), pk=user_id)
    if request.method != "POST":
        return TemplateResponse(request, "staff/reset_confirm.html", {"person": person})
    removed = [
        method
        for method, model in (
            ("totp", TOTPDevice),
            ("passkey", WebAuthnCredential),
            ("recovery_codes", StaticDevice),
        )
        if model.objects.filter(user=person).delete()[0]
    ]
    end_sessions([person.pk])
    record(person, "staff.second_factor_reset", by=request.user, data={"removed": removed})
    messages.success(request, f"Second factor of {person.get_username()} reset.")
    return redirect("wagtailusers_users:index")


@require_POST
def keep_alive(request):
    """The idle warning's "Stay signed in": any request counts as activity (middleware)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    return HttpResponse(status=204)


@_site_policy
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
