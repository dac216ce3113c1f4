"""Retention: old closed, declined and spam requests are deleted; nothing else is."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from appointments.records import AppointmentRequest, add_business_days
from tests import factories

pytestmark = pytest.mark.django_db

Status = AppointmentRequest.Status


def aged(status, days):
    return factories.AppointmentRequestFactory(
        status=status,
        first_name="Rosalind",
        last_name="Quimby",
        created_at=timezone.now() - datetime.timedelta(days=days),
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


def test_business_days_skip_the_weekend():
    friday = datetime.datetime(2026, 11, 27, 15, 0)
    assert add_business_days(friday, 1) == datetime.datetime(2026, 11, 30, 15, 0)  # Monday
    saturday = datetime.datetime(2026, 11, 28, 10, 0)
    assert add_business_days(saturday, 1).weekday() == 0
    assert add_business_days(friday, 0) == friday
