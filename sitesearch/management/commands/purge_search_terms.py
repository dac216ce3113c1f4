"""Daily: delete search counts older than SEARCH_TERMS_RETENTION_DAYS (default 180)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from sitesearch.terms import purge


class Command(BaseCommand):
    help = (
        "Delete daily search counts older than SEARCH_TERMS_RETENTION_DAYS, and the queries "
        "left with none (unless an editor promoted pages for them). Run daily."
    )

    def handle(self, *args, **options):
        deleted = purge()
        self.stdout.write(
            f"Deleted {deleted} daily search count(s) older than "
            f"{settings.SEARCH_TERMS_RETENTION_DAYS} days."
        )
