"""Background work that recovers: a failed notification is queued again with back-off,
fails for good after its last try, and is listed for admins with a Retry button."""

import datetime
import smtplib

import pytest
from bs4 import BeautifulSoup
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from appointments.models import AppointmentRequest
from tests.factories import PATIENT

URL = "/request-appointment/"


class BrokenMailServer(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay")


def time_passes():
    """The pause before the next try is over."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())


@pytest.fixture
def broken_mail_and_a_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "tests.test_background_tasks.BrokenMailServer"
    settings.APPOINTMENT_NOTIFY_RETRY_SECONDS = 60


@pytest.fixture
def failed_notification(client, form_data, broken_mail_and_a_queue):
    assert client.post(URL, form_data()).status_code == 302
    run_worker()
    for _ in range(2):
        time_passes()
        run_worker()
    return DBTaskResult.objects.get(status=TaskResultStatus.FAILED)


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_is_queued_again_later_not_retried_by_sleeping(
    client, form_data, broken_mail_and_a_queue
):
    assert client.post(URL, form_data()).status_code == 302
    started = timezone.now()
    run_worker()

    again = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert again.run_after >= started + datetime.timedelta(seconds=59)
    assert again.args_kwargs["kwargs"] == {"attempt": 2}
    assert all(isinstance(arg, int) for arg in again.args_kwargs["args"])

    time_passes()
    run_worker()
    third = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert third.run_after >= timezone.now() + datetime.timedelta(seconds=119)  # doubled

    time_passes()
    run_worker()
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert failed.exception_class_path.endswith("NotificationFailed")
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    assert AppointmentRequest.objects.count() == 1  # the request itself is never lost


@pytest.mark.django_db(transaction=True)
def test_admins_see_the_failure_without_its_arguments_and_can_retry(
    client, django_user_model, failed_notification
):
    admin = django_user_model.objects.create_superuser("boss", "b@example.test", "pw-b-1")
    client.force_login(admin)
    listing = client.get(reverse("background_tasks:index") + "?status=FAILED")
    assert listing.status_code == 200
    rows = BeautifulSoup(listing.content, "html.parser").select("tbody tr")
    row = next(r for r in rows if "Notify front desk" in r.get_text())
    cells = [cell.get_text(" ", strip=True) for cell in row.select("td")]
    assert "Failed" in cells and "3" in cells and "NotificationFailed" in cells
    html = listing.content.decode()
    for detail in (PATIENT["first_name"], PATIENT["email"], "args_kwargs"):
        assert detail not in html

    response = client.post(reverse("background_tasks:retry", args=(failed_notification.pk,)))
    assert response.status_code == 302
    queued = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert queued.args_kwargs["kwargs"] == {}  # a retry by hand starts its tries afresh


@pytest.mark.django_db(transaction=True)
def test_staff_who_are_not_admins_see_no_task_results(
    client, django_user_model, failed_notification
):
    from django.contrib.auth.models import Group

    desk = django_user_model.objects.create_user("desk", password="pw-desk-1")
    desk.groups.add(Group.objects.get(name="Front desk"))
    client.force_login(desk)
    listing = client.get(reverse("background_tasks:index"))
    assert listing.status_code in (302, 403)
    retry = client.post(reverse("background_tasks:retry", args=(failed_notification.pk,)))
    assert retry.status_code in (302, 403)  # Wagtail turns a refusal into a redirect
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
