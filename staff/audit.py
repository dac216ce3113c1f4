"""Account events in Wagtail's log (Reports › Site history): who and what, never secrets."""

from wagtail.log_actions import log

ACTIONS = {
    "staff.sign_in": ("Sign in", "Signed in"),
    "staff.sign_in_failed": ("Failed sign-in", "Failed sign-in"),
    "staff.sign_out": ("Sign out", "Signed out"),
    "staff.second_factor_enrolled": ("Second factor enrolled", "Enrolled a second factor"),
    "staff.second_factor_reset": ("Second factor reset", "Second factor reset"),
    "staff.recovery_code_used": ("Recovery code used", "Signed in with a recovery code"),
    "staff.passkey_used": ("Passkey used", "Signed in with a passkey"),
    "staff.second_factor_failed": ("Failed second factor", "Wrong second-factor code"),
}


def record(user, action, by=None, data=None):
    """Log an account event about `user`, done by `by` (the person themselves by default)."""
    # request.user is a lazy object: Wagtail's log finds the model by the real type.
    user = getattr(user, "_wrapped", user) if user.pk else user
    log(instance=user, action=action, user=by if by is not None else user, data=data or {})
