"""Pending purges delivered in the background, with back-off, until the cache takes them.

A purge that could not reach the cache after its commit stays recorded
(`PendingPurge`) and what it covers is served fresh meanwhile; this task tries
again, doubling its pause up to a minute, for as long as any purge is pending.
With a task backend that cannot defer (the immediate one of development), the
next requests deliver them instead (`versions.begin_request`).
"""

import datetime

from django.utils import timezone
from django_tasks import task

from pagecache import versions

FIRST_PAUSE_SECONDS = 1
LONGEST_PAUSE_SECONDS = 60


def schedule_delivery(pause=FIRST_PAUSE_SECONDS):
    if not deliver_pending_purges.get_backend().supports_defer:
        return
    later = deliver_pending_purges.using(
        run_after=timezone.now() + datetime.timedelta(seconds=pause)
    )
    later.enqueue(pause=pause)


@task()
def deliver_pending_purges(pause=FIRST_PAUSE_SECONDS):
    if not versions.deliver_pending():
        schedule_delivery(min(pause * 2, LONGEST_PAUSE_SECONDS))


FRONTEND_ATTEMPTS = 8


def purge_frontend_again(urls, whole_sites, attempt):
    """Queue the HTTP cache purges that failed again, with back-off, for a few tries."""
    if attempt >= FRONTEND_ATTEMPTS or not resend_frontend_purges.get_backend().supports_defer:
        return
    pause = min(FIRST_PAUSE_SECONDS * 2**attempt, LONGEST_PAUSE_SECONDS)
    resend_frontend_purges.using(
        run_after=timezone.now() + datetime.timedelta(seconds=pause)
    ).enqueue(urls, whole_sites, attempt + 1)


# How long after a withdrawing purge it is sent once more: longer than a page takes to render.
ONCE_MORE_SECONDS = 3


def purge_frontend_once_more(urls, whole_sites):
    """Send a withdrawing purge again in a few seconds (needs a task backend that can defer;
    without one, Varnish's copies still expire within seconds: deploy/varnish.vcl)."""
    if not resend_frontend_purges.get_backend().supports_defer:
        return
    resend_frontend_purges.using(
        run_after=timezone.now() + datetime.timedelta(seconds=ONCE_MORE_SECONDS)
    ).enqueue(urls, whole_sites, FRONTEND_ATTEMPTS - 1)


@task()
def resend_frontend_purges(urls, whole_sites, attempt):
    from pagecache import frontend

    frontend.send(urls, whole_sites, attempt=attempt)
