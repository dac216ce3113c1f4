"""A site whose new appointment requests notify nobody is told so where staff look."""

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from appointments.records import AppointmentSettings

pytestmark = pytest.mark.django_db

WARNING = "notify nobody"


def deploy_check_output(capsys):
    try:
        call_command("check", "--deploy", "--tag", "appointments")
    except SystemCheckError as error:  # pragma: no cover - warnings do not raise
        return str(error)
    return capsys.readouterr().err


def test_a_request_page_without_an_address_is_named_everywhere(
    client, admin_client, request_page, capsys
):
    health = client.get("/healthz")
    assert health.status_code == 200  # said in the body, not by the status
    assert health.content.decode().startswith("ok\n")
    assert "warning: New appointment requests on localhost notify nobody" in health.text

    assert "appointments.W001" in deploy_check_output(capsys)

    dashboard = BeautifulSoup(admin_client.get("/admin/").content, "html.parser")
    panel = dashboard.find(id="appointment-notifications-panel-title").find_parent("section")
    assert WARNING in panel.get_text()
    assert panel.find("a", string="Set a notification address")["href"].startswith(
        "/admin/settings/appointments/appointmentsettings/"
    )


def test_an_address_silences_every_warning(
    client, admin_client, request_page, appointment_settings, capsys
):
    assert client.get("/healthz").content == b"ok\n"
    assert "appointments.W001" not in deploy_check_output(capsys)
    dashboard = BeautifulSoup(admin_client.get("/admin/").content, "html.parser")
    assert dashboard.find(id="appointment-notifications-panel-title") is None


def test_the_demo_notifies_the_front_desk_and_confirms_to_patients(demo_site):
    settings = AppointmentSettings.for_site(demo_site)
    assert settings.notification_addresses == ["frontdesk@example-practice.test"]
    assert settings.send_patient_confirmation


def test_the_demo_thank_you_text_leaves_the_promise_to_the_page(demo_site):
    """The page says when and how we get back (from the settings); the demo's own text
    must not promise a call ("one business day") beside it."""
    from appointments.models import AppointmentRequestPage

    text = BeautifulSoup(
        AppointmentRequestPage.objects.get(locale__language_code="en").thank_you, "html.parser"
    ).get_text()
    assert "business day" not in text
    assert "call" not in text
