from django.conf import settings
from django.templatetags.static import static
from django.urls import include, path
from django.utils.html import format_html
from wagtail import hooks

from staff import audit, views


@hooks.register("register_admin_urls")
def staff_urls():
    return [
        path("second-factor/enrol/", views.enrol, name="staff_enrol"),
        path("second-factor/verify/", views.verify, name="staff_verify"),
        path("second-factor/reset/<int:user_id>/", views.reset, name="staff_reset"),
        path("second-factor/keep-alive/", views.keep_alive, name="staff_keep_alive"),
        path("second-factor/passkey/added/", views.passkey_added, name="staff_passkey_added"),
        path("second-factor/passkey/", include("staff.passkeys")),
    ]


@hooks.register("register_log_actions")
def staff_log_actions(actions):
    for action, (label, message) in audit.ACTIONS.items():
        actions.register_action(action, label, message)


@hooks.register("insert_global_admin_js")
def idle_warning_js():
    """The warning a minute before the idle timeout, with a button to stay signed in."""
    from django.urls import reverse

    return format_html(
        '<script src="{}" data-timeout="{}" data-warn="{}" data-keep-alive="{}" defer></script>',
        static("staff/idle.js"),
        settings.STAFF_IDLE_TIMEOUT_SECONDS,
        settings.STAFF_IDLE_WARNING_SECONDS,
        reverse("staff_keep_alive"),
    )


@hooks.register("register_account_menu_item")
def second_factor_menu_item(request):
    """Account › More actions: add a passkey beside the app, or set the app up again."""
    from django.urls import reverse

    return {
        "url": reverse("staff_enrol"),
        "label": "Second sign-in step",
        "help_text": "Add a passkey, or set up your authenticator app again "
        "(that gives you new recovery codes).",
    }
