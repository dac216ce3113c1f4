"""The practice's newsletter list: addresses that asked for it and confirmed by email."""

from django.db import models


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        """The only addresses a newsletter may go to."""
        return self.filter(confirmed_at__isnull=False)

    def pending(self):
        return self.filter(confirmed_at__isnull=True)


class NewsletterSubscriber(models.Model):
    """Someone who asked for the newsletter, when they agreed, and when they confirmed.

    A row is pending (no `confirmed_at`) until the address's owner follows the
    link emailed to it; only confirmed subscribers are sent newsletters, and
    pending rows are deleted after NEWSLETTER_PENDING_DAYS by
    `purge_newsletter_pending`. Unsubscribing deletes the row: nothing is kept
    about a former reader.
    """

    email = models.EmailField(unique=True)
    consented_at = models.DateTimeField(
        help_text=(
            "When the subscriber ticked the consent box on the sign-up form "
            "(the latest time, while the address is still unconfirmed)."
        )
    )
    confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the subscriber confirmed the address by the emailed link.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "newsletter subscriber"

    def __str__(self):
        return self.email

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None
