"""The practice's newsletter list: addresses that asked for it and confirmed by email."""

from django.db import models


class NewsletterSubscriber(models.Model):
    """Someone who asked for the newsletter, when they agreed, and when they confirmed.

    A row is pending (no `confirmed_at`) until the address's owner follows the
    link emailed to it; only confirmed subscribers are sent newsletters.
    Unsubscribing deletes the row: nothing is kept about a former reader.
    """

    email = models.EmailField(unique=True)
    consented_at = models.DateTimeField(
        help_text="When the subscriber ticked the consent box on the sign-up form."
    )
    confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the subscriber confirmed the address by the emailed link.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "newsletter subscriber"

    def __str__(self):
        return self.email

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None
