"""Passkeys as the second sign-in step (staff/passkeys.py, django-otp-webauthn).

A software passkey (tests/passkeys.py) answers the ceremonies, so the library's
real verification runs on what is posted.
"""

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from wagtail.models import ModelLogEntry

from tests.html import soup, text, texts
from tests.passkeys import SoftwarePasskey

PASSWORD = "a long staff password 2026"
HOME = "/admin/"

pytestmark = pytest.mark.real_second_factor


@pytest.fixture
def frontdesk(db, django_user_model):
    user = django_user_model.objects.create_user("desk", password=PASSWORD)
    user.groups.add(Group.objects.get(name="Front desk"))
    return user


@pytest.fixture
def passkey(settings):
    return SoftwarePasskey(settings.OTP_WEBAUTHN_RP_ID, settings.OTP_WEBAUTHN_ALLOWED_ORIGINS[0])


def sign_in(client, username="desk"):
    client.post(reverse("wagtailadmin_login"), {"username": username, "password": PASSWORD})


def post_json(client, name, body=None, **query):
    url = reverse(f"otp_webauthn:{name}")
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def register(client, passkey):
    options = post_json(client, "credential-registration-begin").json()
    return post_json(client, "credential-registration-complete", passkey.register(options))


def use(client, passkey, **query):
    options = post_json(client, "credential-authentication-begin").json()
    return post_json(
        client, "credential-authentication-complete", passkey.sign_in(options), **query
    )


def actions(user):
    return list(
        ModelLogEntry.objects.filter(object_id=str(user.pk))
        .order_by("timestamp", "pk")
        .values_list("action", "data")
    )


def test_front_desk_enrols_a_passkey_then_signs_in_with_it(client, frontdesk, passkey):
    sign_in(client)
    enrol = client.get(HOME, follow=True)
    assert enrol.redirect_chain[-1][0].startswith(reverse("staff_enrol"))
    page = soup(enrol)
    # The passkey button comes with the library's script, beside the app's QR code.
    assert page.select_one("template#passkey-registration-available-template button")
    assert page.find("script", id="otp_webauthn_config") is not None

    assert register(client, passkey).status_code == 200
    codes_page = client.get(reverse("staff_passkey_added"), {"next": HOME})
    codes = texts(soup(codes_page).select(".staff-codes code"))
    assert len(set(codes)) == 10
    assert "passkey is set up" in text(soup(codes_page).main)
    # Shown once: going back there shows no codes again.
    assert client.get(reverse("staff_passkey_added"))["Location"] == HOME
    assert client.get(HOME).status_code == 200

    client.post(reverse("wagtailadmin_logout"))
    sign_in(client)
    # A passkey is a second factor: the person is asked for it, not sent to enrolment.
    asked = client.get(HOME)
    assert asked["Location"].startswith(reverse("staff_verify"))
    verify = soup(client.get(asked["Location"]))
    assert verify.select_one("template#passkey-verification-available-template button")

    done = use(client, passkey, next="/admin/appointments/")
    assert done.status_code == 200 and done.json()["redirect_url"] == "/admin/appointments/"
    assert client.get(HOME).status_code == 200

    logged = actions(frontdesk)
    assert ("staff.second_factor_enrolled", {"method": "passkey"}) in logged
    assert [a for a, _ in logged].count("staff.passkey_used") == 1
    # Recovery codes still work for a passkey-only person.
    client.post(reverse("wagtailadmin_logout"))
    sign_in(client)
    client.post(reverse("staff_verify"), {"code": codes[0]})
    assert client.get(HOME).status_code == 200


def test_a_passkey_answer_that_does_not_verify_is_refused_and_counted(
    client, frontdesk, passkey, settings
):
    settings.STAFF_OTP_FAILURE_LIMIT = 2
    sign_in(client)
    register(client, passkey)
    client.post(reverse("wagtailadmin_logout"))
    sign_in(client)
    someone_elses = SoftwarePasskey(passkey.rp_id, passkey.origin)
    someone_elses.credential_id = passkey.credential_id  # same id, wrong key
    assert use(client, someone_elses).status_code in (400, 403, 422)
    assert client.get(HOME).status_code == 302
    # Another site's page asking for this site's passkey: refused too.
    phishing = SoftwarePasskey(passkey.rp_id, "https://practice-login.example")
    phishing.key, phishing.credential_id = passkey.key, passkey.credential_id
    assert use(client, phishing).status_code in (400, 403, 422)
    # The code step's limit covers passkeys: now even the real one waits.
    refused = post_json(client, "credential-authentication-begin")
    assert refused.status_code == 429 and "Too many" in refused.json()["detail"]
    assert [a for a, _ in actions(frontdesk)].count("staff.second_factor_failed") == 2


def test_with_only_the_password_no_second_factor_can_be_added_or_replaced(
    client, frontdesk, passkey
):
    sign_in(client)
    register(client, passkey)
    client.post(reverse("wagtailadmin_logout"))
    sign_in(client)  # the password only: the passkey not used yet
    assert post_json(client, "credential-registration-begin").status_code == 403
    assert WebAuthnCredential.objects.filter(user=frontdesk).count() == 1
    # Nor an authenticator app of their own in place of the passkey.
    assert client.get(reverse("staff_enrol"))["Location"].startswith(reverse("staff_verify"))
    key = TOTPDevice(user=frontdesk).key
    session = client.session
    session["staff_enrol_totp_key"] = key
    session.save()
    device = TOTPDevice(user=frontdesk, key=key)
    client.post(reverse("staff_enrol"), {"code": str(totp(device.bin_key)).zfill(6)})
    assert not TOTPDevice.objects.filter(user=frontdesk).exists()
    assert client.get(HOME).status_code == 302


def test_no_passkey_sign_in_without_the_password(client, frontdesk, passkey):
    sign_in(client)
    register(client, passkey)
    client.post(reverse("wagtailadmin_logout"))
    assert post_json(client, "credential-authentication-begin").status_code in (302, 401, 403)
    assert client.get(HOME)["Location"].startswith(reverse("wagtailadmin_login"))


def test_superuser_sees_passkeys_and_the_reset_removes_them(
    client, frontdesk, passkey, django_user_model
):
    sign_in(client)
    register(client, passkey)
    client.get(reverse("staff_passkey_added"))
    boss = django_user_model.objects.create_superuser("boss", password=PASSWORD)
    TOTPDevice.objects.create(user=boss, name="app", confirmed=True)
    admin = client.__class__()
    admin.force_login(boss)
    session = admin.session
    # Signed in as after the code step (django_otp's session key for the device).
    session["otp_device_id"] = TOTPDevice.objects.get(user=boss).persistent_id
    session.save()
    users = soup(admin.get(reverse("wagtailusers_users:index")))
    row = next(r for r in users.select("table tbody tr") if "desk" in text(r))
    assert "Passkey" in text(row) and "Authenticator app" not in text(row)
    admin.post(reverse("staff_reset", args=[frontdesk.pk]))
    assert not WebAuthnCredential.objects.filter(user=frontdesk).exists()
    assert not StaticDevice.objects.filter(user=frontdesk).exists()
    entry = ModelLogEntry.objects.get(
        object_id=str(frontdesk.pk), action="staff.second_factor_reset"
    )
    assert entry.user == boss and "passkey" in entry.data["removed"]
    # The person's session ended; at the next sign-in they enrol again.
    assert client.get(HOME)["Location"].startswith(reverse("wagtailadmin_login"))
    sign_in(client)
    assert client.get(HOME)["Location"].startswith(reverse("staff_enrol"))


def test_someone_with_the_app_adds_a_passkey_from_their_account(client, frontdesk, passkey):
    device = TOTPDevice.objects.create(user=frontdesk, name="app", confirmed=True)
    StaticDevice.objects.create(user=frontdesk, name="Recovery codes").token_set.create(
        token="keepme12"
    )
    sign_in(client)
    client.post(
        reverse("staff_verify"),
        {"code": str(totp(device.bin_key)).zfill(6)},
    )
    account = soup(client.get(reverse("wagtailadmin_account")))
    link = account.find("a", string="Second sign-in step")
    assert link["href"] == reverse("staff_enrol")
    assert client.get(link["href"]).status_code == 200
    assert register(client, passkey).status_code == 200
    added = client.get(reverse("staff_passkey_added"), follow=True)
    assert "Passkey added." in text(soup(added))
    # The recovery codes the person already keeps still work: none are replaced.
    assert StaticDevice.objects.get(user=frontdesk).token_set.filter(token="keepme12").exists()
    assert WebAuthnCredential.objects.filter(user=frontdesk, confirmed=True).count() == 1
