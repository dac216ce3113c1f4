"""A patient on a phone requests an appointment; the front desk finds it and calls back."""

import re

import pytest
from django.contrib.auth.models import Group
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


@pytest.fixture
def front_desk(django_user_model, transactional_db):
    # Not the demo's own "frontdesk" account (its password is generated): one of the test's.
    user = django_user_model.objects.create_user(
        "fran", "fran@example.test", "front-desk-pw-2026", first_name="Fran", last_name="Desk"
    )
    user.groups.add(Group.objects.get(name="Front desk"))
    return user


def test_patient_requests_and_front_desk_calls_back(page: Page, live_server, demo, front_desk):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/procedures/occipital-nerve-block/")
    page.get_by_role("link", name="Request appointment").first.click()

    expect(page).to_have_url(re.compile(r"/request-appointment/\?procedure=occipital-nerve-block"))
    expect(page.get_by_text("This form is not for emergencies")).to_be_visible()
    form = page.locator("form.appointment-form")
    reason = form.get_by_label("Reason for your visit")
    expect(reason.locator("option:checked")).to_have_text("Occipital Nerve Block")
    assert axe_blocking_violations(page) == []

    form.get_by_label("First name").fill("Rosalind")
    form.get_by_label("Last name").fill("Quimby")
    form.get_by_label("Phone number").fill("555")  # too short: an error
    form.get_by_label("Email address").fill("rosalind@example.test")
    form.get_by_label("Phone call").check()
    form.get_by_label("New patient").check()
    form.get_by_label("Greenwich/Stamford, CT").check()
    form.get_by_label("Weekday mornings").check()
    form.get_by_label("Anything else we should know? (optional)").fill("Mornings are best.")
    form.get_by_label("I agree to be contacted").check()
    form.get_by_role("button", name="Send request").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter a valid phone number")
    expect(summary).to_be_focused()
    # Everything typed is still there; the error sits by its field.
    expect(form.get_by_label("First name")).to_have_value("Rosalind")
    expect(form.get_by_label("Anything else we should know? (optional)")).to_have_value(
        "Mornings are best."
    )
    expect(form.get_by_label("Greenwich/Stamford, CT")).to_be_checked()
    expect(reason.locator("option:checked")).to_have_text("Occipital Nerve Block")
    phone = form.get_by_label("Phone number")
    expect(phone).to_have_attribute("aria-invalid", "true")
    assert AppointmentRequest.objects.count() == 0
    assert axe_blocking_violations(page) == []

    summary.get_by_role("link").click()
    expect(phone).to_be_focused()
    phone.fill("(203) 555-0187")
    form.get_by_role("button", name="Send request").click()

    expect(page.get_by_role("heading", name="Request received")).to_be_visible()
    stored = AppointmentRequest.objects.get()
    expect(page.locator(".appointment__reference")).to_contain_text(stored.reference)
    assert stored.status == "new" and stored.reason_name == "Occipital Nerve Block"
    page.reload()  # a refresh sends nothing again
    assert AppointmentRequest.objects.count() == 1

    # The front desk signs in, finds the request by its reference and calls back.
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("fran")
    page.get_by_label("Password").fill("front-desk-pw-2026")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("1 new request")).to_be_visible()

    page.goto(live_server.url + "/admin/appointment-requests/")
    page.locator("input[name=q]").fill(stored.reference)
    page.locator("input[name=q]").press("Enter")
    page.get_by_role("link", name=stored.reference).click()
    expect(page.get_by_text("Rosalind", exact=True)).to_be_visible()
    page.get_by_role("link", name="Change status or add a note").click()
    page.get_by_role("combobox", name="Status").select_option("contacted")
    page.get_by_role("textbox", name="Add a note").fill(
        "Called back, booked Tuesday 9am in Stamford."
    )
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Called back, booked Tuesday 9am in Stamford.")).to_be_visible()
    stored.refresh_from_db()
    assert stored.status == "contacted"
    assert stored.status_changes.get().changed_by == front_desk
    assert stored.notes.get().author == front_desk
