"""Delete newsletter sign-ups that were never confirmed.

A pending address (its owner never followed the emailed link) is deleted
NEWSLETTER_PENDING_DAYS after its latest sign-up; confirmed subscribers are
never touched. Run it daily (cron or a scheduler).
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from newsletter.models import NewsletterSubscriber


class Command(BaseCommand):
    help = "Delete newsletter sign-ups not confirmed within NEWSLETTER_PENDING_DAYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be deleted."
        )

    def handle(self, *args, dry_run=False, **options):
        days = settings.NEWSLETTER_PENDING_DAYS
        cutoff = timezone.now() - datetime.timedelta(days=days)
        stale = NewsletterSubscriber.objects.pending().filter(consented_at__lt=cutoff)
        if dry_run:
            count = stale.count()
        else:
            count = stale.delete()[1].get(NewsletterSubscriber._meta.label, 0)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {count} unconfirmed newsletter sign-up{'' if count == 1 else 's'} "
            f"older than {days} days."
        )
