"""A patient on a phone switches a procedure page to Spanish and requests an appointment in Spanish."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from appointments.models import AppointmentRequest
from checks.browser import axe_blocking_violations
from demo.loader import DemoLoader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def demo(transactional_db, settings):
    DemoLoader().load()
    cache.clear()
    # The test fills the form faster than a person could; the timer is tested elsewhere.
    settings.APPOINTMENT_MIN_FILL_SECONDS = 0
    yield
    cache.clear()


def fits_the_screen(page):
    """Nothing scrolls sideways at this width."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_patient_switches_to_spanish_and_requests_an_appointment(page: Page, live_server, demo):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/procedures/occipital-nerve-block/")
    assert axe_blocking_violations(page) == []

    page.locator("nav.language-switcher").get_by_role("link", name="Español").click()

    expect(page).to_have_url(re.compile(r"/es/procedimientos/bloqueo-del-nervio-occipital/$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bloqueo del nervio occipital")
    assert fits_the_screen(page)
    assert axe_blocking_violations(page) == []

    page.get_by_role("link", name="Pedir una cita").first.click()

    expect(page).to_have_url(
        re.compile(r"/es/solicitar-cita/\?procedure=bloqueo-del-nervio-occipital$")
    )
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_text("Este formulario no es para emergencias")).to_be_visible()
    form = page.locator("form.appointment-form")
    reason = form.get_by_label("Motivo de su visita")
    expect(reason.locator("option:checked")).to_have_text("Bloqueo del nervio occipital")
    assert fits_the_screen(page)
    assert axe_blocking_violations(page) == []

    form.get_by_label("Nombre", exact=True).fill("Rosalinda")
    form.get_by_label("Apellido").fill("Quimby")
    form.get_by_label("Número de teléfono").fill("555")  # too short: an error, in Spanish
    form.get_by_label("Llamada telefónica").check()
    form.get_by_label("Paciente nuevo").check()
    form.locator('input[name="location"]').first.check()
    form.get_by_label("Mañanas de lunes a viernes").check()
    form.get_by_label("Necesito un intérprete").check()
    form.get_by_label("Acepto que la consulta me contacte").check()
    form.get_by_role("button", name="Enviar solicitud").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Hay un problema con su solicitud")
    expect(summary).to_contain_text("Escriba un número de teléfono válido")
    expect(summary).to_be_focused()
    expect(form.get_by_label("Nombre", exact=True)).to_have_value("Rosalinda")
    expect(reason.locator("option:checked")).to_have_text("Bloqueo del nervio occipital")
    assert AppointmentRequest.objects.count() == 0
    assert axe_blocking_violations(page) == []

    form.get_by_label("Número de teléfono").fill("(203) 555-0187")
    form.get_by_role("button", name="Enviar solicitud").click()

    expect(page.get_by_role("heading", name="Solicitud recibida")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    stored = AppointmentRequest.objects.get()
    expect(page.locator(".appointment__reference")).to_contain_text(stored.reference)
    expect(page.get_by_text("Qué pasa ahora")).to_be_visible()
    assert fits_the_screen(page)
    assert axe_blocking_violations(page) == []
    # Stored for the front desk as the English page and the choices' codes.
    assert stored.reason_name == "Occipital Nerve Block"
    assert (stored.preferred_contact, stored.preferred_times) == ("phone", "mornings")
    assert stored.needs_interpreter and stored.form_language == "es"
