"""Fixtures for the appointment request tests (imported by those modules)."""

import time

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from appointments.forms import form_started_token
from tests import factories

PATIENT = {
    "first_name": "Rosalind",
    "last_name": "Quimby",
    "phone": "(203) 555-0187",
    "email": "rosalind.quimby@example.test",
    "message": "Pain in my left shoulder since March",
    "insurance": "Acme Health Gold",
}


@pytest.fixture(autouse=True)
def clear_rate_limits():
    """The rate limit lives in the cache: start every test with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def request_page(home):
    return factories.AppointmentRequestPageFactory(
        parent=home,
        intro="<p>Tell us how to reach you.</p>",
        privacy_notice="<p>We use this only to contact you.</p>",
        thank_you="<p>Thank you, we have your request.</p>",
    )


@pytest.fixture
def locations(home):
    index = factories.LocationIndexPageFactory(parent=home, slug="locations")
    return {
        "stamford": factories.LocationPageFactory(
            parent=index, title="Stamford, CT", slug="stamford"
        ),
        "virtual": factories.LocationPageFactory(
            parent=index, title="Virtual Appointment", slug="virtual-appointment"
        ),
    }


@pytest.fixture
def procedure(procedure_index):
    return factories.ProcedurePageFactory(
        parent=procedure_index, title="Occipital Nerve Block", slug="occipital-nerve-block"
    )


@pytest.fixture
def condition(home):
    index = factories.ConditionIndexPageFactory(parent=home, slug="conditions")
    return factories.ConditionPageFactory(parent=index, title="Headache", slug="headache")


@pytest.fixture
def appointment_settings(home):
    return factories.AppointmentSettingsFactory(notification_emails="frontdesk@example.test")


@pytest.fixture
def form_data(request_page, locations, procedure, condition, appointment_settings):
    """A complete, valid post: as a patient would send it after a minute on the page."""

    def make(**overrides):
        data = {
            **PATIENT,
            "preferred_contact": "phone",
            "patient_status": "new",
            "location": str(locations["stamford"].pk),
            "reason": str(procedure.pk),
            "preferred_times": "mornings",
            "consent": "on",
            "website": "",
            "started": form_started_token(time.time() - 60),
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    return make


@pytest.fixture
def front_desk_user(django_user_model):
    user = django_user_model.objects.create_user(
        "frontdesk", "fd@example.test", "pw-front-desk-1", first_name="Fran", last_name="Desk"
    )
    user.groups.add(Group.objects.get(name="Front desk"))
    return user


@pytest.fixture
def editor_user(django_user_model):
    user = django_user_model.objects.create_user("editor", "ed@example.test", "pw-editor-1")
    user.groups.add(Group.objects.get(name="Editors"))
    return user
