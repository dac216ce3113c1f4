"""The second step's own limit on failures (wrong codes, failed passkeys), per person."""

from django.conf import settings
from django.core.cache import cache

from staff.audit import record
from staff.models import StaffSecuritySettings


def _key(request):
    return f"staff:otp-failures:{request.user.pk}"


def is_limited(request):
    return cache.get(_key(request), 0) >= settings.STAFF_OTP_FAILURE_LIMIT


def count_failure(request):
    key = _key(request)
    cache.add(key, 0, timeout=settings.STAFF_OTP_COOLOFF_SECONDS)
    cache.incr(key)
    record(request.user, "staff.second_factor_failed")


def forget_failures(request):
    cache.delete(_key(request))


def limit_message():
    phone = StaffSecuritySettings.load().administrator_phone
    message = "Too many wrong codes. Wait a few minutes and try again"
    return (
        f"{message}, or call the practice's administrator at {phone}." if phone else message + "."
    )
