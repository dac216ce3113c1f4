from django import forms
from django.utils.translation import gettext_lazy as _


class NewsletterSignupForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.com."),
        },
    )
    consent = forms.BooleanField(
        error_messages={"required": _("Tick the box to agree to receive the newsletter.")}
    )

    def clean_email(self):
        # One row per person, however they typed the address.
        return self.cleaned_data["email"].strip().lower()
