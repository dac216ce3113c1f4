"""Staff sessions (staff/): when they end, and what a person keeps when they do.

Sessions end on a password change and when a person loses access to patient data
(removed from Front desk, no longer a superuser); a password reset leaves the
second factor in place; a page being edited when the idle timeout hits keeps its
draft (Wagtail's autosave).
"""

import datetime as dt
import re

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories

PASSWORD = "a long staff password 2026"
NEW_PASSWORD = "another long password 2027"
HOME = "/admin/"


@pytest.fixture
def frontdesk(db, django_user_model):
    user = django_user_model.objects.create_user(
        "desk", email="desk@example.test", password=PASSWORD, first_name="Dana", last_name="Reyes"
    )
    user.groups.add(Group.objects.get(name="Front desk"))
    return user


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser(
        "boss", "boss@example.test", PASSWORD, first_name="Sam", last_name="Ortiz"
    )


def signed_in(user):
    client = Client()
    client.force_login(user)
    assert client.get(HOME).status_code == 200
    return client


def is_signed_out(client):
    response = client.get(HOME)
    return response.status_code == 302 and response["Location"].startswith(
        reverse("wagtailadmin_login")
    )


def form_data(form, **changes):
    """What the browser would send for this form as shown, with `changes` applied."""
    data = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button", "file"):
            continue
        if field.name == "textarea":
            data[name] = field.get_text()
        elif field.name == "select":
            options = field.find_all("option")
            chosen = [o.get("value", o.get_text()) for o in options if o.has_attr("selected")]
            if field.has_attr("multiple"):
                data[name] = chosen
            elif chosen or options:  # a browser sends the first option when none is chosen
                data[name] = chosen[0] if chosen else options[0].get("value", "")
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        else:
            data[name] = field.get("value", "")
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def admin_form(client, url, selector=None):
    """The screen's own form: the one that posts back to it."""
    page = BeautifulSoup(client.get(url).content, "html.parser")
    if selector:
        return page.select_one(selector)
    return next(
        form
        for form in page.find_all("form")
        if form.get("method", "").lower() == "post" and form.get("action", url) in ("", url)
    )


class TestSessionsEnd:
    def test_on_a_password_change_every_other_session_ends(self, frontdesk):
        at_the_desk, at_home = signed_in(frontdesk), signed_in(frontdesk)
        form = admin_form(at_the_desk, reverse("wagtailadmin_account"))
        response = at_the_desk.post(
            reverse("wagtailadmin_account"),
            form_data(
                form,
                **{
                    "password-old_password": PASSWORD,
                    "password-new_password1": NEW_PASSWORD,
                    "password-new_password2": NEW_PASSWORD,
                },
            ),
        )
        assert response.status_code == 302
        frontdesk.refresh_from_db()
        assert frontdesk.check_password(NEW_PASSWORD)
        # The person who changed it carries on; the other computer signs in again.
        assert at_the_desk.get(HOME).status_code == 200
        assert is_signed_out(at_home)

    def test_when_a_superuser_sets_a_new_password_the_persons_sessions_end(
        self, frontdesk, superuser
    ):
        desk = signed_in(frontdesk)
        boss = signed_in(superuser)
        url = reverse("wagtailusers_users:edit", args=[frontdesk.pk])
        boss.post(
            url,
            form_data(admin_form(boss, url), password1=NEW_PASSWORD, password2=NEW_PASSWORD),
        )
        frontdesk.refresh_from_db()
        assert frontdesk.check_password(NEW_PASSWORD)
        assert is_signed_out(desk)
        assert boss.get(HOME).status_code == 200

    def test_removed_from_front_desk_in_the_users_screen_signs_the_person_out(
        self, frontdesk, superuser, django_user_model
    ):
        colleague = django_user_model.objects.create_user(
            "desk2", "desk2@example.test", PASSWORD, first_name="Lee", last_name="Park"
        )
        colleague.groups.add(Group.objects.get(name="Front desk"))
        desk, other_desk, boss = signed_in(frontdesk), signed_in(colleague), signed_in(superuser)
        url = reverse("wagtailusers_users:edit", args=[frontdesk.pk])
        form = admin_form(boss, url)
        front_desk = str(Group.objects.get(name="Front desk").pk)
        data = form_data(form)
        assert front_desk in data["groups"]
        data["groups"] = [pk for pk in data["groups"] if pk != front_desk]
        assert boss.post(url, data).status_code == 302
        assert not frontdesk.groups.filter(name="Front desk").exists()
        assert is_signed_out(desk)
        # Only that person: the rest of the front desk keeps working.
        assert other_desk.get(HOME).status_code == 200

    def test_removed_from_a_group_from_the_groups_side_too(self, frontdesk):
        desk = signed_in(frontdesk)
        Group.objects.get(name="Front desk").user_set.remove(frontdesk)
        assert is_signed_out(desk)

    def test_no_longer_a_superuser_signs_the_person_out(self, superuser, django_user_model):
        other = django_user_model.objects.create_superuser(
            "chief", "c@example.test", PASSWORD, first_name="Ana", last_name="Cruz"
        )
        demoted, chief = signed_in(superuser), signed_in(other)
        url = reverse("wagtailusers_users:edit", args=[superuser.pk])
        data = form_data(admin_form(chief, url))
        data.pop("is_superuser", None)
        assert chief.post(url, data).status_code == 302
        superuser.refresh_from_db()
        assert not superuser.is_superuser
        assert is_signed_out(demoted)
        assert chief.get(HOME).status_code == 200

    def test_other_changes_to_a_person_leave_their_session_alone(self, frontdesk):
        desk = signed_in(frontdesk)
        frontdesk.first_name = "Danielle"
        frontdesk.save()
        assert desk.get(HOME).status_code == 200


@pytest.mark.real_second_factor
def test_a_password_reset_does_not_skip_the_second_factor(client, frontdesk):
    TOTPDevice.objects.create(user=frontdesk, name="Authenticator app", confirmed=True)
    client.post(reverse("wagtailadmin_password_reset"), {"email": "desk@example.test"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/admin/password_reset/confirm/\S+/)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    form = BeautifulSoup(form_page.content, "html.parser").select_one("form[method=post]")
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        form_data(form, new_password1=NEW_PASSWORD, new_password2=NEW_PASSWORD),
    )
    assert done.status_code == 302
    frontdesk.refresh_from_db()
    assert frontdesk.check_password(NEW_PASSWORD)
    # Not signed in by the reset; signing in with the new password still asks for the code.
    assert client.get(HOME)["Location"].startswith(reverse("wagtailadmin_login"))
    client.post(reverse("wagtailadmin_login"), {"username": "desk", "password": NEW_PASSWORD})
    response = client.get(HOME)
    assert response["Location"].startswith(reverse("staff_verify"))
    assert TOTPDevice.objects.filter(user=frontdesk, confirmed=True).exists()


class TestIdleTimeoutWhileEditing:
    @pytest.fixture
    def page(self, home):
        return factories.StandardPageFactory(parent=home, title="Parking", slug="parking")

    def autosave(self, client, page, title):
        url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        form = admin_form(client, url, "form[data-edit-form]")
        return client.post(url, form_data(form, title=title), HTTP_ACCEPT="application/json")

    def test_the_draft_autosaved_before_the_timeout_is_there_after_signing_in_again(
        self, superuser, page
    ):
        start = dt.datetime.now(dt.UTC)
        with time_machine.travel(start, tick=False):
            boss = signed_in(superuser)
            response = self.autosave(boss, page, "Parking and drop-off")
            assert response.status_code == 200 and response.json()["success"]
        with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
            # The next autosave finds the session ended: a 401 the editor can handle,
            # not the sign-in page in place of the save.
            url = reverse("wagtailadmin_pages:edit", args=[page.pk])
            late = boss.post(url, {"title": "x"}, HTTP_ACCEPT="application/json")
            assert late.status_code == 401
            assert is_signed_out(boss)
            boss.force_login(superuser)
            form = admin_form(boss, url, "form[data-edit-form]")
            assert form.find("input", attrs={"name": "title"})["value"] == "Parking and drop-off"
        page.refresh_from_db()
        assert page.title == "Parking"  # a draft, not published


class TestAnEditScreenLeftOpen:
    """Wagtail's edit screen pings its editing session every 10 seconds on its own
    (concurrent-editing notices): a screen left open on a front-desk computer still
    signs out after the idle period; a person who works there does not."""

    @pytest.fixture
    def page(self, home):
        return factories.StandardPageFactory(parent=home, title="Parking", slug="parking")

    def ping_url(self, client, page):
        edit = BeautifulSoup(
            client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content, "html.parser"
        )
        url = edit.select_one("form.w-editing-sessions")["data-w-swap-src-value"]
        assert url.startswith("/admin/editing-sessions/ping/")
        return url

    def test_the_pings_alone_do_not_keep_the_session(self, superuser, page):
        start = dt.datetime.now(dt.UTC)
        with time_machine.travel(start, tick=False):
            boss = signed_in(superuser)
            ping = self.ping_url(boss, page)
        for seconds in range(10, 15 * 60, 10):
            with time_machine.travel(start + dt.timedelta(seconds=seconds), tick=False):
                assert boss.post(ping, HTTP_X_REQUESTED_WITH="fetch").status_code == 200
        with time_machine.travel(start + dt.timedelta(minutes=15, seconds=10), tick=False):
            # The next ping finds the session ended: a 401 the screen can handle.
            assert boss.post(ping, HTTP_X_REQUESTED_WITH="fetch").status_code == 401
            assert is_signed_out(boss)

    def test_a_person_working_on_the_screen_stays_signed_in(self, superuser, page):
        start = dt.datetime.now(dt.UTC)
        with time_machine.travel(start, tick=False):
            boss = signed_in(superuser)
            ping = self.ping_url(boss, page)
        with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
            boss.post(ping, HTTP_X_REQUESTED_WITH="fetch")
            self.ping_url(boss, page)  # opens the edit screen again: activity
        with time_machine.travel(start + dt.timedelta(minutes=20), tick=False):
            assert boss.post(ping, HTTP_X_REQUESTED_WITH="fetch").status_code == 200
            assert boss.get(HOME).status_code == 200
