"""Notifications about new requests, sent as background tasks after commit.

In development and tests the tasks run at once (ImmediateBackend); in
production they are stored by django-tasks-db and sent by `manage.py
db_worker`. A send that fails is queued again to run later (`run_after`,
doubling the pause each time) rather than retried by sleeping in the worker,
so one broken mail server never holds a worker up; after the last try the
task is recorded as failed (Settings › Background tasks lists it, with a
Retry button). A failure is logged with the reference and the error's type
only (an SMTP error can quote a recipient), and never touches the request.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task
from wagtail.models import Site

from appointments.records import AppointmentRequest, AppointmentSettings
from practice.models import PracticeSettings

logger = logging.getLogger(__name__)

ATTEMPTS = 3


class NotificationFailed(Exception):
    """Raised after the last attempt, so the task backend records a failure."""


def send_or_queue_again(task, args, attempt, reference, what, send):
    """Send now; on failure queue `task` again with back-off, or fail after the last try."""
    try:
        send()
    except Exception as error:  # noqa: BLE001 - any backend error is tried again
        logger.warning(
            "Sending %s for appointment request %s failed (try %d of %d): %s",
            what,
            reference,
            attempt,
            ATTEMPTS,
            type(error).__name__,
        )
    else:
        return True
    if attempt < ATTEMPTS:
        pause = getattr(settings, "APPOINTMENT_NOTIFY_RETRY_SECONDS", 2) * 2 ** (attempt - 1)
        again = task
        if task.get_backend().supports_defer:
            again = task.using(run_after=timezone.now() + datetime.timedelta(seconds=pause))
        # Ids and the try number only: nothing about the patient goes into a task.
        again.enqueue(*args, attempt=attempt + 1)
        return False
    logger.error("Gave up sending %s for appointment request %s", what, reference)
    # `from None`: the original error (which may quote an address) stays out of the record.
    raise NotificationFailed(f"{what} for {reference}") from None


def admin_url(appointment):
    path = reverse("appointment_requests:inspect", args=(appointment.pk,))
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


@task()
def notify_front_desk(request_id, site_id, attempt=1):
    """Tell the front desk a request arrived: reference, location, time, link. Nothing else."""
    appointment = AppointmentRequest.objects.filter(pk=request_id).first()
    if appointment is None:  # purged before the worker got to it
        return 0
    site = Site.objects.get(pk=site_id)
    recipients = AppointmentSettings.for_site(site).notification_addresses
    if not recipients:
        return 0
    context = {
        "reference": appointment.reference,
        "location": appointment.location_name,
        "received": appointment.created_at,
        "admin_url": admin_url(appointment),
    }
    subject = f"New appointment request {appointment.reference}"
    # On the practice's clock, wherever and whenever the task runs.
    with timezone.override(timezone.get_default_timezone()):
        body = render_to_string("appointments/email/front_desk.txt", context)
    sent = send_or_queue_again(
        notify_front_desk,
        (request_id, site_id),
        attempt,
        appointment.reference,
        "the front desk notification",
        lambda: send_mail(subject, body, None, recipients),
    )
    return len(recipients) if sent else 0


@task()
def confirm_to_patient(request_id, site_id, attempt=1):
    """Tell the patient their request arrived: the reference and our phone. Nothing else."""
    appointment = AppointmentRequest.objects.filter(pk=request_id).first()
    if appointment is None or not appointment.email:  # a phone call asked for, no email given
        return 0
    site = Site.objects.get(pk=site_id)
    practice = PracticeSettings.for_site(site)
    context = {
        "reference": appointment.reference,
        "practice_name": practice.practice_name,
        "phone": practice.phone,
    }
    # In the language of the form the patient used; still only the reference and our phone.
    with translation.override(appointment.form_language):
        subject = gettext("We received your appointment request (%(reference)s)") % {
            "reference": appointment.reference
        }
        body = render_to_string("appointments/email/patient_confirmation.txt", context)
    sent = send_or_queue_again(
        confirm_to_patient,
        (request_id, site_id),
        attempt,
        appointment.reference,
        "the patient confirmation",
        lambda: send_mail(subject, body, None, [appointment.email]),
    )
    return 1 if sent else 0
