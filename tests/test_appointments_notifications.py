"""Notifications about new requests: after commit, no patient details, never losing a request."""

import logging

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from appointments.models import AppointmentRequest
from appointments.tasks import notify_front_desk
from tests.factories import PATIENT

pytestmark = pytest.mark.django_db

URL = "/request-appointment/"
PERSONAL = [
    PATIENT["first_name"],
    PATIENT["last_name"],
    PATIENT["email"],
    PATIENT["message"],
    PATIENT["insurance"],
    "555-0187",
    "5550187",
    "+12035550187",
]


class FailingBackend(BaseEmailBackend):
    """An SMTP server that is down: every send raises."""

    attempts = 0

    def send_messages(self, messages):
        FailingBackend.attempts += 1
        raise ConnectionRefusedError(f"could not deliver to {messages[0].to}")


def email_text(message):
    return "\n".join([message.subject, message.body, *message.to, *message.cc, *message.bcc])


class RecordingHandler(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def log_records():
    """Everything logged while the test runs (works with `-p no:logging`, unlike caplog)."""
    handler = RecordingHandler()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler.records
    root.removeHandler(handler)
    root.setLevel(old_level)


@pytest.fixture
def fast_retries(settings):
    settings.APPOINTMENT_NOTIFY_RETRY_SECONDS = 0


def send(client, form_data, capture):
    with capture(execute=True):
        response = client.post(URL, form_data())
    assert response.status_code == 302
    return AppointmentRequest.objects.get()


class TestFrontDeskNotification:
    def test_is_sent_after_commit_with_reference_location_time_and_link_only(
        self, client, form_data, django_capture_on_commit_callbacks
    ):
        stored = send(client, form_data, django_capture_on_commit_callbacks)
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["frontdesk@example.test"]
        assert stored.reference in message.subject
        assert "Stamford, CT" in message.body
        assert f"/admin/appointment-requests/inspect/{stored.pk}/" in message.body
        text = email_text(message)
        for value in PERSONAL:
            assert value not in text, value
        # Nor the reason for the visit.
        assert stored.reason_name not in text

    def test_nothing_is_sent_before_the_transaction_commits(
        self, client, form_data, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            client.post(URL, form_data())
        assert mail.outbox == []
        assert len(callbacks) == 1

    def test_goes_to_every_address_in_the_settings(
        self, client, form_data, appointment_settings, django_capture_on_commit_callbacks
    ):
        appointment_settings.notification_emails = "a@example.test\nb@example.test"
        appointment_settings.save()
        send(client, form_data, django_capture_on_commit_callbacks)
        assert mail.outbox[0].to == ["a@example.test", "b@example.test"]


class TestPatientConfirmation:
    def test_is_off_unless_the_practice_turns_it_on(
        self, client, form_data, django_capture_on_commit_callbacks
    ):
        send(client, form_data, django_capture_on_commit_callbacks)
        assert [m.to for m in mail.outbox] == [["frontdesk@example.test"]]

    def test_carries_only_the_reference_and_the_practice_phone(
        self, client, form_data, appointment_settings, django_capture_on_commit_callbacks
    ):
        appointment_settings.send_patient_confirmation = True
        appointment_settings.save()
        stored = send(client, form_data, django_capture_on_commit_callbacks)
        confirmation = next(m for m in mail.outbox if m.to == [PATIENT["email"]])
        assert stored.reference in confirmation.body
        assert "(203) 555-0142" in confirmation.body
        text = confirmation.subject + confirmation.body
        for value in PERSONAL:
            assert value not in text, value
        assert stored.reason_name not in text and "Stamford" not in text


class TestFailingEmail:
    def test_a_broken_mail_server_never_loses_the_request(
        self,
        client,
        form_data,
        settings,
        fast_retries,
        log_records,
        django_capture_on_commit_callbacks,
    ):
        settings.EMAIL_BACKEND = "tests.test_appointments_notifications.FailingBackend"
        FailingBackend.attempts = 0
        stored = send(client, form_data, django_capture_on_commit_callbacks)
        assert stored.status == AppointmentRequest.Status.NEW
        assert FailingBackend.attempts == 3  # retried
        failures = [r for r in log_records if r.name == "appointments.tasks"]
        assert len(failures) == 4  # three attempts and the final give-up
        assert all(stored.reference in r.getMessage() for r in failures)
        # The logs carry neither the patient's details nor the failing recipient.
        logged = "\n".join(
            r.getMessage() + str(r.exc_info or "") + str(r.args) for r in log_records
        )
        for value in [*PERSONAL, "frontdesk@example.test"]:
            assert value not in logged, value

    def test_a_send_that_recovers_is_sent_once(
        self, client, form_data, settings, fast_retries, django_capture_on_commit_callbacks
    ):
        settings.EMAIL_BACKEND = "tests.test_appointments_notifications.FlakyBackend"
        FlakyBackend.calls = 0
        send(client, form_data, django_capture_on_commit_callbacks)
        assert FlakyBackend.calls == 2
        assert len(FlakyBackend.sent) == 1


class FlakyBackend(BaseEmailBackend):
    """Fails the first time, then delivers."""

    calls = 0
    sent = []

    def send_messages(self, messages):
        FlakyBackend.calls += 1
        if FlakyBackend.calls == 1:
            raise TimeoutError("timed out")
        FlakyBackend.sent = list(messages)
        return len(messages)


class TestDatabaseTaskBackend:
    """Production: the post only queues the notification; the worker sends it."""

    # The worker runs as in production, on committed rows: between tasks it
    # closes any connection it finds inside a transaction, as a test's own would be.
    @pytest.mark.django_db(transaction=True)
    def test_the_worker_sends_what_the_post_queued(self, client, form_data, settings):
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        assert client.post(URL, form_data()).status_code == 302
        stored = AppointmentRequest.objects.get()
        assert mail.outbox == []
        queued = DBTaskResult.objects.get().task_result
        assert queued.args[0] == stored.pk
        # Only ids are queued: the task table holds no patient details either.
        assert all(isinstance(arg, int) for arg in queued.args) and queued.kwargs == {}

        call_command("db_worker", "--batch", "--no-startup-delay")
        assert len(mail.outbox) == 1
        assert stored.reference in mail.outbox[0].subject
        assert notify_front_desk.get_result(queued.id).status == TaskResultStatus.SUCCESSFUL
