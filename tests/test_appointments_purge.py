"""Retention: old closed, declined and spam requests are deleted; nothing else is."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from appointments.records import AppointmentRequest
from tests import factories

pytestmark = pytest.mark.django_db

Status = AppointmentRequest.Status
EDIT = "/admin/appointment-requests/edit/"


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def aged(status, days):
    """A request that got its status `days` ago (and arrived then too)."""
    return factories.AppointmentRequestFactory(
        status=status,
        first_name="Rosalind",
        last_name="Quimby",
        created_at=days_ago(days),
        status_changed_at=days_ago(days),
    )


@pytest.fixture
def requests_of_all_ages():
    return {
        "old closed": aged(Status.CLOSED, 400),
        "old declined": aged(Status.DECLINED, 366),
        "young closed": aged(Status.CLOSED, 300),
        "old spam": aged(Status.SPAM, 31),
        "young spam": aged(Status.SPAM, 10),
        "old new": aged(Status.NEW, 800),
        "old contacted": aged(Status.CONTACTED, 800),
        "old scheduled": aged(Status.SCHEDULED, 800),
    }


def purge(*args):
    out = StringIO()
    call_command("purge_appointment_requests", *args, stdout=out)
    return out.getvalue()


def test_purge_respects_status_and_age(requests_of_all_ages):
    output = purge()
    assert "Deleted 3 appointment requests" in output
    left = set(AppointmentRequest.objects.values_list("pk", flat=True))
    kept = {"young closed", "young spam", "old new", "old contacted", "old scheduled"}
    assert left == {requests_of_all_ages[name].pk for name in kept}


def change_status(client, request, status):
    """What the front desk does in the admin: change the request's status today."""
    response = client.post(f"{EDIT}{request.pk}/", {"status": status, "note": ""})
    assert response.status_code == 302


def remaining():
    return set(AppointmentRequest.objects.values_list("pk", flat=True))


def test_retention_counts_from_when_a_request_was_closed_not_received(
    client, front_desk_user, home
):
    closed_long_ago = aged(Status.CLOSED, 400)
    declined_long_ago = aged(Status.DECLINED, 400)
    closed_today = factories.AppointmentRequestFactory(created_at=days_ago(400))
    declined_today = factories.AppointmentRequestFactory(created_at=days_ago(400))
    client.force_login(front_desk_user)
    change_status(client, closed_today, "closed")
    change_status(client, declined_today, "declined")
    assert "Deleted 2 appointment requests (1 closed, 1 declined, 0 spam)" in purge()
    assert remaining() == {closed_today.pk, declined_today.pk}
    assert not {closed_long_ago.pk, declined_long_ago.pk} & remaining()


def test_spam_retention_counts_from_when_it_was_set_aside(client, front_desk_user, home):
    stored_as_spam_long_ago = aged(Status.SPAM, 40)
    marked_spam_today = factories.AppointmentRequestFactory(created_at=days_ago(40))
    client.force_login(front_desk_user)
    change_status(client, marked_spam_today, "spam")
    assert "Deleted 1 appointment requests (0 closed, 0 declined, 1 spam)" in purge()
    assert remaining() == {marked_spam_today.pk}
    assert stored_as_spam_long_ago.pk not in remaining()


def test_dry_run_only_counts(requests_of_all_ages):
    output = purge("--dry-run")
    assert "Would delete 3 appointment requests (1 closed, 1 declined, 1 spam)" in output
    assert AppointmentRequest.objects.count() == len(requests_of_all_ages)
    assert not ModelLogEntry.objects.filter(action="appointments.purge").exists()


def test_retention_is_set_in_settings(requests_of_all_ages, settings):
    settings.APPOINTMENT_RETENTION_DAYS = 200
    assert "Deleted 4 appointment requests" in purge()
    assert not AppointmentRequest.objects.filter(pk=requests_of_all_ages["young closed"].pk)


def test_purge_leaves_an_audit_entry_with_counts_only(requests_of_all_ages):
    references = [r.reference for r in requests_of_all_ages.values()]
    purge()
    entry = ModelLogEntry.objects.get(action="appointments.purge")
    assert entry.data["total"] == 3
    assert entry.data["closed"] == 1 and entry.data["declined"] == 1 and entry.data["spam"] == 1
    recorded = f"{entry.label} {entry.data}"
    for secret in ("Rosalind", "Quimby", "example.test", *references):
        assert secret not in recorded
