"""Resume sending newsletter issues after a crash or restart of the task worker.

Deliveries a dead worker had claimed (older than NEWSLETTER_SEND_LEASE_SECONDS)
go back in the queue, and a batch is enqueued for every issue with deliveries
still queued. Subscribers already sent an issue are not sent it again. Run it
when the worker starts (deploy/serve.sh, or before `db_worker` in its service);
running it while a worker sends is harmless (each delivery is claimed once).
"""

from django.core.management.base import BaseCommand

from newsletter import issues


class Command(BaseCommand):
    help = "Queue again newsletter deliveries an interrupted worker left, and resume their issues."

    def handle(self, *args, **options):
        resumed = issues.resume()
        if resumed:
            self.stdout.write(
                f"Resumed sending {len(resumed)} issue{'' if len(resumed) == 1 else 's'}: "
                + ", ".join(str(pk) for pk in resumed)
            )
        else:
            self.stdout.write("No newsletter issue left to send.")
