from django import forms


class NewsletterSignupForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    consent = forms.BooleanField(
        error_messages={"required": "Tick the box to agree to receive the newsletter."}
    )

    def clean_email(self):
        # One row per person, however they typed the address.
        return self.cleaned_data["email"].strip().lower()
