"""Who must sign in with a second factor, and whether this request has one."""

from django.conf import settings

from staff.models import StaffSecuritySettings

# Seeing these means seeing patient data (names, dates of birth, reasons for a visit).
PATIENT_DATA_PERMISSIONS = ("appointments.view_appointmentrequest",)


def sees_patient_data(user):
    return user.is_superuser or any(user.has_perm(p) for p in PATIENT_DATA_PERMISSIONS)


def second_factor_required(user):
    if not user.is_authenticated:
        return False
    if sees_patient_data(user):
        return True
    return StaffSecuritySettings.load().require_second_factor_for_everyone


def dev_skip_enabled():
    """The development-only skip: never on with debug off, whatever the environment says."""
    return bool(settings.DEBUG and getattr(settings, "STAFF_DEV_SKIP_SECOND_FACTOR", False))


def is_verified(request):
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())
