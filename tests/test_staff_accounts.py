"""Staff sign-in (staff/): second factor, lockouts, idle timeout, audit, the development skip."""

import datetime as dt

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from staff import policy
from staff.models import StaffSecuritySettings

PASSWORD = "a long staff password 2026"
HOME = "/admin/"


@pytest.fixture
def frontdesk(db, django_user_model):
    user = django_user_model.objects.create_user("desk", password=PASSWORD)
    user.groups.add(Group.objects.get(name="Front desk"))
    return user


@pytest.fixture
def editor(db, django_user_model):
    user = django_user_model.objects.create_user("ed", password=PASSWORD)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(
        reverse("wagtailadmin_login"), {"username": username, "password": password}, **extra
    )


def main_text(response):
    return " ".join(BeautifulSoup(response.content, "html.parser").main.get_text().split())


def code_for(device):
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(6)


@pytest.mark.real_second_factor
class TestSecondFactor:
    def test_front_desk_without_a_device_reaches_only_enrolment(self, client, frontdesk):
        sign_in(client, "desk")
        response = client.get(HOME)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("staff_enrol"))
        assert client.get(response["Location"]).status_code == 200

    def test_enrol_then_sign_out_and_in_with_the_code(self, client, frontdesk):
        sign_in(client, "desk")
        page = client.get(reverse("staff_enrol"))
        assert b"<svg" in page.content
        key = client.session["staff_enrol_totp_key"]
        device = TOTPDevice(user=frontdesk, key=key)
        done = client.post(reverse("staff_enrol"), {"code": code_for(device)})
        assert done.status_code == 200 and b"recovery codes" in done.content
        assert client.get(HOME).status_code == 200
        client.post(reverse("wagtailadmin_logout"))
        sign_in(client, "desk")
        assert client.get(HOME)["Location"].startswith(reverse("staff_verify"))
        device = TOTPDevice.objects.get(user=frontdesk)
        client.post(
            reverse("staff_verify"),
            {"code": "000000" if code_for(device) != "000000" else "111111"},
        )
        assert client.get(HOME).status_code == 302
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=60)):
            client.post(reverse("staff_verify"), {"code": code_for(device)})
            assert client.get(HOME).status_code == 200
        actions = set(
            ModelLogEntry.objects.filter(object_id=str(frontdesk.pk)).values_list(
                "action", flat=True
            )
        )
        assert {
            "staff.sign_in",
            "staff.sign_out",
            "staff.second_factor_enrolled",
            "staff.second_factor_failed",
        } <= actions

    def test_an_editor_reaches_the_admin_without_a_second_factor(self, client, editor):
        sign_in(client, "ed")
        assert client.get(HOME).status_code == 200


class TestLockout:
    def test_refused_after_the_limit_alike_for_unknown_names_and_ends(
        self, client, frontdesk, settings
    ):
        settings.AXES_FAILURE_LIMIT = 3
        StaffSecuritySettings.objects.create(administrator_phone="(860) 555-0100")
        for name in ("desk", "nobody-here"):
            for _ in range(3):
                sign_in(client, name, "wrong password", REMOTE_ADDR=f"10.0.0.{len(name)}")
        known = sign_in(client, "desk", "wrong password", REMOTE_ADDR="10.0.0.4")
        unknown = sign_in(client, "nobody-here", "wrong password", REMOTE_ADDR="10.0.0.11")
        assert known.status_code == unknown.status_code == 429
        # The same words whether the username exists or not.
        assert main_text(known) == main_text(unknown)
        assert "administrator" in main_text(known)
        # Even the right password is refused while locked; accepted after the cool-off.
        assert sign_in(client, "desk", REMOTE_ADDR="10.0.0.9").status_code == 429
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)):
            assert sign_in(client, "desk", REMOTE_ADDR="10.0.0.9").status_code == 302

    def test_counted_per_client_behind_the_trusted_proxy(self, client, db, settings):
        settings.AXES_FAILURE_LIMIT = 3
        settings.TRUSTED_PROXIES = ["10.1.1.0/24"]
        proxy = {"REMOTE_ADDR": "10.1.1.1"}
        for n in range(3):
            sign_in(client, f"guess{n}", "x", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
        assert (
            sign_in(client, "guess9", "x", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code
            == 429
        )
        assert (
            sign_in(client, "other", "x", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code
            == 200
        )


def test_idle_session_that_saw_patient_data_ends(client, frontdesk):
    client.force_login(frontdesk)
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        assert client.get(HOME).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert client.get(HOME).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=30), tick=False):
        response = client.get(HOME)
        assert response.status_code == 302 and "login" in response["Location"]


def test_removal_from_a_group_ends_the_session(client, frontdesk):
    client.force_login(frontdesk)
    assert client.get(HOME).status_code == 200
    frontdesk.groups.clear()
    assert client.get(HOME).status_code == 302


def test_the_development_skip_is_never_on_with_debug_off(settings):
    settings.STAFF_DEV_SKIP_SECOND_FACTOR = True
    settings.DEBUG = False
    assert not policy.dev_skip_enabled()
    with pytest.raises(SystemCheckError, match="staff.E001"):
        call_command("check")
    settings.DEBUG = True
    assert policy.dev_skip_enabled()


class TestSuperuserSeesAndResetsSecondFactors:
    def test_users_list_shows_status_and_reset_is_confirmed_and_logged(
        self, client, frontdesk, editor, django_user_model
    ):
        TOTPDevice.objects.create(user=frontdesk, name="app", confirmed=True)
        admin = django_user_model.objects.create_superuser("boss", password=PASSWORD)
        client.force_login(admin)
        page = BeautifulSoup(client.get(reverse("wagtailusers_users:index")).content, "html.parser")
        headers = [th.get_text(" ", strip=True) for th in page.select("table thead th")]
        assert "Second factor" in headers
        rows = {}
        for row in page.select("table tbody tr"):
            cells = [cell.get_text(" ", strip=True) for cell in row.find_all(["td", "th"])]
            for name in ("desk", "ed"):
                if name in cells:
                    rows[name] = cells
        assert "Authenticator app" in rows["desk"]
        assert "Not set up" in rows["ed"]
        reset_url = reverse("staff_reset", args=[frontdesk.pk])
        assert page.find("a", href=reset_url) is not None
        # The button leads to a confirmation; nothing changes until it is confirmed.
        confirm = client.get(reset_url)
        assert confirm.status_code == 200 and b"Yes, reset" in confirm.content
        assert TOTPDevice.objects.filter(user=frontdesk).exists()
        client.post(reset_url)
        assert not TOTPDevice.objects.filter(user=frontdesk).exists()
        entry = ModelLogEntry.objects.get(
            object_id=str(frontdesk.pk), action="staff.second_factor_reset"
        )
        assert entry.user == admin

    def test_other_staff_neither_see_the_column_nor_reset(self, client, frontdesk, editor):
        TOTPDevice.objects.create(user=frontdesk, name="app", confirmed=True)
        client.force_login(editor)
        assert b"Yes, reset" not in client.get(reverse("staff_reset", args=[frontdesk.pk])).content
        client.post(reverse("staff_reset", args=[frontdesk.pk]))
        assert TOTPDevice.objects.filter(user=frontdesk).exists()


@pytest.mark.real_second_factor
def test_the_admin_icons_load_before_the_second_factor(client, frontdesk):
    # Wagtail's pages fetch their icons: a redirect there put a copy of the whole
    # enrolment page in the icons' place (two <main>, no icons).
    sign_in(client, "desk")
    enrol = BeautifulSoup(client.get(reverse("staff_enrol")).content, "html.parser")
    sprite_url = enrol.find("script", attrs={"data-icon-url": True})["data-icon-url"]
    sprite = client.get(sprite_url)
    assert sprite.status_code == 200
    assert BeautifulSoup(sprite.content, "html.parser").find("main") is None
