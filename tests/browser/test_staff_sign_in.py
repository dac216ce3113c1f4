"""The front desk's second sign-in step in a real browser (issue 22, item 7): enrolling an
authenticator app or a passkey, signing out, signing in with it and reaching the
appointment requests; axe on each screen the project renders itself (enrolment, the
code step, the recovery codes, the lockout)."""

import base64
import re
import time

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django_otp.oath import hotp
from playwright.sync_api import Page, expect

from checks.browser import axe_blocking_violations
from tests.factories import AppointmentRequestFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.real_second_factor,
    pytest.mark.django_db(transaction=True),
]

DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "front-desk-pw-2026"


@pytest.fixture
def front_desk(django_user_model, transactional_db):
    cache.clear()  # no wrong-code counts left by an earlier test
    user = django_user_model.objects.create_user(
        "fran", "fran@example.test", PASSWORD, first_name="Fran", last_name="Desk"
    )
    user.groups.add(Group.objects.get(name="Front desk"))
    AppointmentRequestFactory(first_name="Rosalind", last_name="Quimby")
    yield user
    cache.clear()


@pytest.fixture
def refused_by_the_policy(page):
    """What the sign-in steps' Content-Security-Policy refused (Chromium says so in its console)."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def sign_in(page, live_server, password=PASSWORD):
    page.goto(live_server.url + "/admin/appointment-requests/")
    page.get_by_label("Username").fill("fran")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.locator(".sidebar-footer__account").click()
    page.get_by_text("Log out", exact=True).click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def own_screen_checks(page, heading):
    """One <main> (the skip link's target) under the screen's heading, and no axe violation."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("main")).to_have_count(1)
    # Wagtail fades its messages in (half a second): read the colours once it has.
    messages = page.locator(".messages > ul")
    if messages.count():
        expect(messages).to_have_css("opacity", "1")
    assert axe_blocking_violations(page) == []


def app_code(secret, at=None):
    """What an authenticator app shows for this key (now, or at another time)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return str(hotp(key, int((at or time.time()) // 30))).zfill(6)


def sees_the_requests(page):
    expect(page.get_by_role("heading", level=1)).to_contain_text("Appointment requests")
    expect(page.get_by_text("Rosalind")).to_be_visible()


def test_front_desk_enrols_an_authenticator_app_and_signs_in_with_it(
    page: Page, live_server, front_desk, refused_by_the_policy
):
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server)
    own_screen_checks(page, "Set up your second sign-in step")
    # Nothing else before the second factor: the requests are out of reach.
    page.goto(live_server.url + "/admin/appointment-requests/")
    own_screen_checks(page, "Set up your second sign-in step")

    secret = page.locator("[data-totp-secret]").inner_text()
    page.get_by_label("Code from the app").fill("000000" if app_code(secret) != "000000" else "1")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    own_screen_checks(page, "Set up your second sign-in step")
    page.get_by_label("Code from the app").fill(app_code(secret))
    page.get_by_role("button", name="Confirm").click()

    own_screen_checks(page, "Your recovery codes")
    expect(page.locator(".staff-codes li")).to_have_count(10)
    page.get_by_role("link", name="Continue").click()
    sees_the_requests(page)

    sign_out(page)
    sign_in(page, live_server)
    own_screen_checks(page, "Enter your sign-in code")
    # The app's next code (the one just used is not taken twice; one step either side is).
    page.get_by_label(re.compile("Code from your authenticator app")).fill(
        app_code(secret, at=time.time() + 30)
    )
    page.get_by_role("button", name="Sign in").click()
    sees_the_requests(page)
    assert refused_by_the_policy == []


def test_the_lockout_screen(page: Page, live_server, front_desk, settings):
    settings.AXES_FAILURE_LIMIT = 2
    page.set_viewport_size(DESKTOP)
    for _ in range(3):
        sign_in(page, live_server, password="not the password at all")
    own_screen_checks(page, "Sign-in refused for now")


def test_front_desk_enrols_a_passkey_and_signs_in_with_it(
    page: Page, live_server, front_desk, settings, refused_by_the_policy
):
    # Chromium's virtual authenticator, built in like a laptop's fingerprint reader.
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your second sign-in step")
    page.get_by_role("button", name="Set up a passkey").click()

    own_screen_checks(page, "Your recovery codes")
    expect(page.get_by_text("Your passkey is set up")).to_be_visible()
    page.get_by_role("link", name="Continue").click()
    sees_the_requests(page)

    sign_out(page)
    sign_in(page, live_server)
    own_screen_checks(page, "Sign in with your passkey")
    page.get_by_role("button", name="Use your passkey").click()
    sees_the_requests(page)
    stored = cdp.send("WebAuthn.getCredentials", authenticator)["credentials"]
    assert len(stored) == 1 and stored[0]["signCount"] >= 1
    # django-otp-webauthn's scripts run under the sign-in steps' policy: nothing refused.
    assert refused_by_the_policy == []
