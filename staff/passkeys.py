"""Passkeys (django-otp-webauthn) as a second factor, beside the authenticator app.

The library's four JSON views, made to follow the staff rules: the code step's
limit on failures, the audit entries, recovery codes at a first enrolment, and
a way back into the admin (never passwordless: the password comes first).
"""

from django.http import JsonResponse
from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp import user_has_device
from django_otp_webauthn import views as webauthn

from staff.audit import record
from staff.limits import count_failure, forget_failures, is_limited, limit_message

# Set at a first enrolment, read once by the page that shows the recovery codes.
RECOVERY_CODES_DUE = "staff_recovery_codes_due"


class RegistrationBegin(webauthn.BeginCredentialRegistrationView):
    pass


class RegistrationComplete(webauthn.CompleteCredentialRegistrationView):
    """Registering a passkey is enrolling: logged, and a first one brings recovery codes.
    (The library refuses a person who has a second factor and has not used it yet.)"""

    def post(self, *args, **kwargs):
        first = not user_has_device(self.request.user, confirmed=True)
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            record(self.request.user, "staff.second_factor_enrolled", data={"method": "passkey"})
            if first:
                self.request.session[RECOVERY_CODES_DUE] = True
        return response


class AuthenticationBegin(webauthn.BeginCredentialAuthenticationView):
    def post(self, *args, **kwargs):
        if is_limited(self.request):
            return JsonResponse({"detail": limit_message(), "code": "too_many"}, status=429)
        return super().post(*args, **kwargs)


class AuthenticationComplete(webauthn.CompleteCredentialAuthenticationView):
    """The second step with a passkey: counted with wrong codes, logged when used."""

    def check_can_authenticate(self):
        # After the password only: the library's passwordless sign-in stays off.
        if not self.request.user.is_authenticated:
            raise webauthn.exceptions.NotAuthenticated()

    def post(self, *args, **kwargs):
        if is_limited(self.request):
            return JsonResponse({"detail": limit_message(), "code": "too_many"}, status=429)
        return super().post(*args, **kwargs)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)  # raises what is not a refusal
        if self.request.user.is_authenticated:
            count_failure(self.request)
        return response

    def complete_auth(self, device):
        super().complete_auth(device)
        forget_failures(self.request)
        record(self.request.user, "staff.passkey_used")

    def get_success_url(self):
        return self.get_redirect_url() or "/admin/"


# Under the library's namespace: its template tags reverse these names.
app_name = "otp_webauthn"
urlpatterns = [
    path("registration/begin/", RegistrationBegin.as_view(), name="credential-registration-begin"),
    path(
        "registration/complete/",
        RegistrationComplete.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        AuthenticationBegin.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        AuthenticationComplete.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
