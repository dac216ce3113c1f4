"""Delete appointment requests the practice no longer needs to keep.

Closed and declined requests go APPOINTMENT_RETENTION_DAYS after they were
closed or declined, spam APPOINTMENT_SPAM_RETENTION_DAYS after it was set aside:
counted from the last status change (`status_changed_at`; for spam stored by
the form, the time it arrived), never from when the request was received, so a
request worked on for months is kept for the whole period after it ends. New,
contacted and scheduled requests are never purged. Run it daily (cron or a
scheduler); the audit log records each run with counts only.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry

from appointments.records import AppointmentRequest

Status = AppointmentRequest.Status


class Command(BaseCommand):
    help = "Delete closed, declined and spam appointment requests past their retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be deleted."
        )

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        retention_days = settings.APPOINTMENT_RETENTION_DAYS
        spam_days = settings.APPOINTMENT_SPAM_RETENTION_DAYS
        cutoffs = {
            Status.CLOSED: now - datetime.timedelta(days=retention_days),
            Status.DECLINED: now - datetime.timedelta(days=retention_days),
            Status.SPAM: now - datetime.timedelta(days=spam_days),
        }
        with transaction.atomic():
            counts = {}
            for status, cutoff in cutoffs.items():
                old = AppointmentRequest.objects.filter(status=status, status_changed_at__lt=cutoff)
                counts[status.value] = (
                    old.count()
                    if dry_run
                    else old.delete()[1].get(AppointmentRequest._meta.label, 0)
                )
            total = sum(counts.values())
            if not dry_run:
                # Counts only: the deleted requests leave nothing of themselves behind.
                ModelLogEntry.objects.create(
                    content_type=ContentType.objects.get_for_model(AppointmentRequest),
                    object_id="retention",
                    label="Retention purge",
                    action="appointments.purge",
                    data={
                        **counts,
                        "total": total,
                        "retention_days": retention_days,
                        "spam_retention_days": spam_days,
                    },
                    timestamp=now,
                )
        detail = ", ".join(f"{count} {status}" for status, count in counts.items())
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {total} appointment requests ({detail}).")
