"""Wagtail's users list with each person's second-factor status, and a superuser's reset button."""

from django.urls import reverse
from django.utils.functional import cached_property
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import ListingButton
from wagtail.users.views import users


def second_factor_status(user):
    # Annotated by the queryset below: one query for the page, not one per row.
    methods = [
        name
        for name, present in (
            ("Authenticator app", getattr(user, "has_app", False)),
            ("Passkey", getattr(user, "has_passkey", False)),
        )
        if present
    ]
    return ", ".join(methods) or "Not set up"


class IndexView(users.IndexView):
    def get_base_queryset(self):
        from django.db.models import Exists, OuterRef

        def confirmed(model):
            return Exists(model.objects.filter(user=OuterRef("pk"), confirmed=True))

        return (
            super()
            .get_base_queryset()
            .annotate(has_app=confirmed(TOTPDevice), has_passkey=confirmed(WebAuthnCredential))
        )

    @cached_property
    def columns(self):
        columns = list(super().columns)
        if self.request.user.is_superuser:
            columns.insert(
                -1,
                Column(
                    "second_factor",
                    accessor=second_factor_status,
                    label="Second factor",
                    classname="second-factor",
                    width="12%",
                ),
            )
        return columns

    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        if self.request.user.is_superuser and (
            getattr(instance, "has_app", False) or getattr(instance, "has_passkey", False)
        ):
            buttons.insert(
                0,
                ListingButton(
                    "Reset second factor",
                    url=reverse("staff_reset", args=[instance.pk]),
                    icon_name="key",
                    priority=30,
                ),
            )
        return buttons


class UserViewSet(users.UserViewSet):
    index_view_class = IndexView
