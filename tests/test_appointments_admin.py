"""The front desk's side: who may see requests, the list, changes, notes, exports, audit."""

import csv
import datetime
import io
import json
import threading

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry, Site
from wagtail.users.models import UserProfile

from appointments.models import AppointmentRequest, Note, StatusChange
from appointments.records import add_business_days
from appointments.tasks import notify_front_desk
from appointments.viewsets import AppointmentRequestEditView
from tests import factories

pytestmark = pytest.mark.django_db

Status = AppointmentRequest.Status
BASE = "/admin/appointment-requests/"


@pytest.fixture
def appointment(home, appointment_settings):
    return factories.AppointmentRequestFactory(
        first_name="Rosalind", last_name="Quimby", email="rq@example.test", phone="+12035550187"
    )


def urls(appointment):
    return {
        "list": BASE,
        "detail": f"{BASE}inspect/{appointment.pk}/",
        "change": f"{BASE}edit/{appointment.pk}/",
        "history": f"{BASE}history/{appointment.pk}/",
        "csv export": f"{BASE}?export=csv",
        "xlsx export": f"{BASE}?export=xlsx",
    }


def text(element):
    """What a person reads in an element: its text, whitespace collapsed."""
    return " ".join(element.get_text(" ").split())


def page_text(response):
    return text(BeautifulSoup(response.content, "html.parser").find("main"))


def listed(response):
    """The list as the front desk reads it: {reference: {column heading: text, "row": <tr>}}."""
    table = BeautifulSoup(response.content, "html.parser").select_one("table.listing")
    headings = [text(heading) for heading in table.select("thead th")]
    rows = {}
    for row in table.select("tbody tr"):
        cells = dict(zip(headings, (text(cell) for cell in row.find_all("td")), strict=True))
        rows[cells["Reference"]] = {**cells, "row": row}
    return rows


def menu_labels(response):
    """The labels of the admin menu's items, as its sidebar shows them."""
    props = BeautifulSoup(response.content, "html.parser").find(id="wagtail-sidebar-props")
    labels = []

    def collect(node):
        if isinstance(node, dict):
            if isinstance(node.get("label"), str):
                labels.append(node["label"])
            nodes = node.values()
        else:
            nodes = node if isinstance(node, list) else []
        for child in nodes:
            collect(child)

    collect(json.loads(props.string))
    return labels


def log_actions(appointment, action):
    return ModelLogEntry.objects.filter(object_id=str(appointment.pk), action=action)


class TestWhoMaySeeWhat:
    def test_the_front_desk_sees_requests_and_no_pages(self, client, front_desk_user, home):
        client.force_login(front_desk_user)
        labels = menu_labels(client.get("/admin/"))
        assert "Appointment requests" in labels and "Pages" not in labels
        # The page editor sends them back to the dashboard.
        response = client.get(f"/admin/pages/{home.pk}/edit/")
        assert (response.status_code, response["Location"]) == (302, "/admin/")

    def test_anonymous_users_are_sent_to_the_login_page(self, client, appointment):
        for name, url in urls(appointment).items():
            response = client.get(url)
            assert response.status_code == 302, name
            assert response["Location"].startswith("/admin/login/"), name

    def test_page_editors_get_403_and_no_menu_item(self, client, editor_user, appointment):
        client.force_login(editor_user)
        for name, url in urls(appointment).items():
            assert client.get(url).status_code == 403, name
        assert not any(
            label.startswith("Appointment requests") for label in menu_labels(client.get("/admin/"))
        )
        assert client.post(urls(appointment)["change"], {"status": "closed"}).status_code == 403
        appointment.refresh_from_db()
        assert appointment.status == Status.NEW
        assert not ModelLogEntry.objects.filter(action="appointments.view").exists()

    @pytest.mark.parametrize("who", ["front desk", "superuser"])
    def test_front_desk_and_superusers_may_list_view_change_and_export(
        self, client, who, front_desk_user, admin_user, appointment
    ):
        client.force_login(front_desk_user if who == "front desk" else admin_user)
        for name, url in urls(appointment).items():
            assert client.get(url).status_code == 200, name
        assert "Appointment requests (1 new)" in menu_labels(client.get("/admin/"))

    def test_nobody_adds_copies_or_deletes_requests_by_hand(self, client, admin_user, appointment):
        client.force_login(admin_user)
        for url in (
            f"{BASE}new/",
            f"{BASE}delete/{appointment.pk}/",
            f"{BASE}copy/{appointment.pk}/",
        ):
            assert client.get(url).status_code == 404, url
        assert AppointmentRequest.objects.filter(pk=appointment.pk).exists()


class TestTheList:
    def test_shows_new_requests_with_a_count_in_the_menu_and_hides_spam(
        self, client, front_desk_user, appointment
    ):
        factories.AppointmentRequestFactory(status=Status.NEW)
        spam = factories.AppointmentRequestFactory(status=Status.SPAM, spam_reasons="hidden field")
        client.force_login(front_desk_user)
        response = client.get(BASE)
        rows = listed(response)
        assert rows[appointment.reference]["Name"] == "Rosalind Quimby"
        assert spam.reference not in rows and len(rows) == 2
        assert "Appointment requests (2 new)" in menu_labels(response)
        # The set-aside requests are one filter away, ready to be restored.
        assert set(listed(client.get(f"{BASE}?status=spam"))) == {spam.reference}

    def test_filters_by_status_location_patient_status_and_date(
        self, client, front_desk_user, appointment, locations
    ):
        contacted = factories.AppointmentRequestFactory(
            status=Status.CONTACTED,
            location=locations["virtual"],
            location_name="Virtual Appointment",
            patient_status="returning",
            created_at=timezone.now() - datetime.timedelta(days=40),
        )
        client.force_login(front_desk_user)

        def references(query):
            return set(listed(client.get(f"{BASE}?{query}")))

        assert references("status=new") == {appointment.reference}
        assert references("status=contacted") == {contacted.reference}
        assert references(f"location={locations['virtual'].pk}") == {contacted.reference}
        assert references("patient_status=returning") == {contacted.reference}
        since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
        assert references(f"created_at_from={since}") == {appointment.reference}

    @pytest.mark.parametrize(
        "query", ["REFERENCE", "quimby", "rq@example", "(203) 555-0187", "Rosalind Quimby"]
    )
    def test_search_finds_by_reference_name_email_and_phone(
        self, client, front_desk_user, appointment, query
    ):
        other = factories.AppointmentRequestFactory(first_name="Other", last_name="Person")
        client.force_login(front_desk_user)
        query = appointment.reference if query == "REFERENCE" else query
        found = set(listed(client.get(BASE, {"q": query})))
        assert found == {appointment.reference} and other.reference not in found

    def test_requests_past_the_call_back_promise_are_highlighted(
        self, client, front_desk_user, appointment
    ):
        # A week old is past one business day whatever the weekday.
        old = factories.AppointmentRequestFactory(
            created_at=timezone.now() - datetime.timedelta(days=7)
        )
        client.force_login(front_desk_user)
        rows = listed(client.get(BASE))
        overdue = {
            reference for reference, row in rows.items() if row["Call back by"].endswith("Overdue")
        }
        assert overdue == {old.reference}
        assert "appointment-overdue" in rows[old.reference]["row"]["class"]
        assert "appointment-overdue" not in rows[appointment.reference]["row"].get("class", [])

    def test_the_dashboard_shows_the_count_and_the_oldest(
        self, client, front_desk_user, appointment
    ):
        factories.AppointmentRequestFactory(created_at=timezone.now() - datetime.timedelta(days=3))
        client.force_login(front_desk_user)
        panel = (
            BeautifulSoup(client.get("/admin/").content, "html.parser")
            .find(id="appointment-requests-panel-title")
            .find_parent("section")
        )
        assert "2 new requests waiting for a call back." in text(panel)
        assert "(3\xa0days ago)" in panel.get_text()


def local(*args):
    """A time on the practice's clock (settings.TIME_ZONE)."""
    return datetime.datetime(*args, tzinfo=timezone.get_default_timezone())


class TestCallBackPromise:
    @pytest.mark.parametrize(
        "received, due",
        [
            # Wednesday afternoon before Thanksgiving: Thursday is no business day.
            (local(2026, 11, 25, 15, 0), local(2026, 11, 27, 15, 0)),
            # Friday before Labor Day: Monday is no business day.
            (local(2026, 9, 4, 10, 0), local(2026, 9, 8, 10, 0)),
            # July 4th falls on a Saturday and is observed on Friday the 3rd.
            (local(2026, 7, 2, 9, 30), local(2026, 7, 6, 9, 30)),
            # An ordinary Friday: the weekend does not count.
            (local(2026, 11, 27, 15, 0), local(2026, 11, 30, 15, 0)),
        ],
    )
    def test_weekends_and_public_holidays_are_not_business_days(self, received, due):
        assert add_business_days(received, 1) == due

    def test_the_holidays_are_those_of_the_practices_state(self, settings):
        thursday_before_good_friday = local(2026, 4, 2, 11, 0)
        settings.PRACTICE_REGION, settings.PRACTICE_SUBDIVISION = "US", "CT"
        assert add_business_days(thursday_before_good_friday, 1) == local(2026, 4, 6, 11, 0)
        settings.PRACTICE_SUBDIVISION = "MA"  # no state holiday on Good Friday
        assert add_business_days(thursday_before_good_friday, 1) == local(2026, 4, 3, 11, 0)

    def test_the_front_desk_sees_the_day_after_the_holiday(self, client, front_desk_user, home):
        received = local(2026, 11, 25, 15, 0)
        appointment = factories.AppointmentRequestFactory(created_at=received)
        client.force_login(front_desk_user)
        detail = page_text(client.get(urls(appointment)["detail"]))
        assert "Call back by Fri Nov 27, 2026, 3:00 PM" in detail
        row = listed(client.get(BASE))[appointment.reference]
        assert row["Call back by"].startswith("Fri Nov 27, 2026, 3:00 PM")


# 8:57 a.m. in New York (EST), 5:57 a.m. in Los Angeles.
RECEIVED = datetime.datetime(2026, 11, 28, 13, 57, tzinfo=datetime.UTC)


@pytest.fixture
def received_at_a_fixed_instant(home, appointment_settings, settings):
    settings.TIME_ZONE = "America/New_York"
    return factories.AppointmentRequestFactory(created_at=RECEIVED, consented_at=RECEIVED)


def inspected(response):
    """The detail view's fields: {label: value as shown}."""
    fields = BeautifulSoup(response.content, "html.parser").find("main").find("dl")
    return {text(label): text(label.find_next_sibling("dd")) for label in fields.find_all("dt")}


def exported(client, export_format):
    content = b"".join(client.get(f"{BASE}?export={export_format}").streaming_content)
    if export_format == "csv":
        return list(csv.DictReader(io.StringIO(content.decode())))
    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.values)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


class TestTimesOnThePracticesClock:
    def test_list_detail_and_exports_show_the_same_local_time(
        self, client, front_desk_user, received_at_a_fixed_instant
    ):
        appointment = received_at_a_fixed_instant
        client.force_login(front_desk_user)
        assert listed(client.get(BASE))[appointment.reference]["Received"] == (
            "Sat Nov 28, 2026, 8:57 AM"
        )
        fields = inspected(client.get(urls(appointment)["detail"]))
        assert fields["Received"] == "Sat Nov 28, 2026, 8:57 AM"
        assert fields["Consented to be contacted at"] == "Sat Nov 28, 2026, 8:57 AM"
        [row] = exported(client, "csv")
        assert row["Received (America/New_York)"] == "2026-11-28 08:57"
        [row] = exported(client, "xlsx")
        assert row["Received (America/New_York)"] == datetime.datetime(2026, 11, 28, 8, 57)

    def test_the_front_desk_email_says_the_same_time(self, received_at_a_fixed_instant):
        appointment = received_at_a_fixed_instant
        # The worker sends it later, in whatever time zone it runs in.
        with timezone.override("UTC"):
            notify_front_desk.enqueue(appointment.pk, Site.objects.get(is_default_site=True).pk)
        assert "Received: Saturday, November 28, 2026, 8:57 AM EST" in mail.outbox[0].body

    def test_a_staff_member_may_read_them_in_their_own_time_zone(
        self, client, front_desk_user, received_at_a_fixed_instant
    ):
        profile = UserProfile.get_for_user(front_desk_user)
        profile.current_time_zone = "America/Los_Angeles"
        profile.save()
        appointment = received_at_a_fixed_instant
        client.force_login(front_desk_user)
        assert listed(client.get(BASE))[appointment.reference]["Received"] == (
            "Sat Nov 28, 2026, 5:57 AM"
        )
        fields = inspected(client.get(urls(appointment)["detail"]))
        assert fields["Received"] == "Sat Nov 28, 2026, 5:57 AM"
        assert fields["Consented to be contacted at"] == "Sat Nov 28, 2026, 5:57 AM"
        [row] = exported(client, "csv")
        assert row["Received (America/Los_Angeles)"] == "2026-11-28 05:57"
        [row] = exported(client, "xlsx")
        assert row["Received (America/Los_Angeles)"] == datetime.datetime(2026, 11, 28, 5, 57)


class TestChanges:
    def test_a_status_change_and_a_note_are_recorded_with_who_and_when(
        self, client, front_desk_user, appointment
    ):
        client.force_login(front_desk_user)
        response = client.post(
            urls(appointment)["change"],
            {"status": "contacted", "note": "Left a voicemail, will try again at 3."},
        )
        assert response.status_code == 302
        appointment.refresh_from_db()
        assert appointment.status == Status.CONTACTED
        change = StatusChange.objects.get(request=appointment)
        assert (change.from_status, change.to_status) == ("new", "contacted")
        assert change.changed_by == front_desk_user
        note = Note.objects.get(request=appointment)
        assert note.author == front_desk_user and note.text.startswith("Left a voicemail")
        entry = log_actions(appointment, "appointments.status_change").get()
        assert entry.user == front_desk_user and entry.data == {"from": "new", "to": "contacted"}
        note_entry = log_actions(appointment, "appointments.note").get()
        assert "voicemail" not in str(note_entry.data)

        detail = page_text(client.get(urls(appointment)["detail"]))
        assert "New → Contacted , by Fran Desk" in detail
        assert "Fran Desk" in detail and "Left a voicemail, will try again at 3." in detail

    def test_notes_are_appended_never_edited(self, client, front_desk_user, appointment):
        client.force_login(front_desk_user)
        for text in ("First call: no answer.", "Second call: booked for Tuesday."):
            client.post(urls(appointment)["change"], {"status": "new", "note": text})
        assert list(appointment.notes.values_list("text", flat=True)) == [
            "First call: no answer.",
            "Second call: booked for Tuesday.",
        ]
        note = appointment.notes.first()
        note.text = "rewritten"
        with pytest.raises(ValueError):
            note.save()
        # Saving without a change records nothing.
        assert not StatusChange.objects.exists()

    def test_a_note_from_a_form_opened_before_a_colleagues_change_keeps_their_status(
        self, client, front_desk_user, appointment, django_user_model
    ):
        client.force_login(front_desk_user)
        form = BeautifulSoup(client.get(urls(appointment)["change"]).content, "html.parser")
        fields = {
            field["name"]: field.get("value", "")
            for field in form.select("form input[name], form textarea[name]")
        }
        fields["status"] = form.select_one("select[name=status] option[selected]")["value"]

        colleague = Client()
        colleague.force_login(
            django_user_model.objects.create_superuser("sam", "sam@example.test", "pw")
        )
        colleague.post(urls(appointment)["change"], {"status": "scheduled", "note": ""})

        fields["note"] = "Patient asked for a morning slot."
        assert client.post(urls(appointment)["change"], fields).status_code == 302
        appointment.refresh_from_db()
        assert appointment.status == Status.SCHEDULED
        assert list(StatusChange.objects.values_list("from_status", "to_status")) == [
            ("new", "scheduled")
        ]
        assert appointment.notes.get().text == "Patient asked for a morning slot."

        # A change made on that old form still applies, over the colleague's.
        fields.update(status="contacted", note="")
        client.post(urls(appointment)["change"], fields)
        appointment.refresh_from_db()
        assert appointment.status == Status.CONTACTED
        assert StatusChange.objects.latest("changed_at").from_status == "scheduled"

    def test_staff_posts_are_not_held_to_the_public_body_limit(
        self, client, front_desk_user, appointment
    ):
        # Public forms are capped at a few kilobytes; the admin (uploads, long pages) is not.
        client.force_login(front_desk_user)
        data = {"status": "contacted", "note": "", "unused": "x" * 40_000}
        assert client.post(urls(appointment)["change"], data).status_code == 302
        appointment.refresh_from_db()
        assert appointment.status == Status.CONTACTED

    def test_spam_can_be_restored_to_the_new_queue(self, client, front_desk_user, home):
        spam = factories.AppointmentRequestFactory(status=Status.SPAM, spam_reasons="too fast")
        client.force_login(front_desk_user)
        client.post(urls(spam)["change"], {"status": "new", "note": ""})
        assert AppointmentRequest.objects.new().filter(pk=spam.pk).exists()


class TestTwoStaffAtOnce:
    """Two staff change one request's status at the same moment, from two app threads."""

    @pytest.mark.django_db(transaction=True)
    def test_each_change_records_the_status_it_replaced(self, django_user_model, monkeypatch):
        # Nothing here relies on data from migrations: a transactional test before
        # this one may have emptied the database.
        appointment = factories.AppointmentRequestFactory()
        url = urls(appointment)["change"]
        browsers = []
        for name in ("fran", "sam"):
            staff = django_user_model.objects.create_superuser(name, f"{name}@example.test", "pw")
            browser = Client()
            browser.force_login(staff)
            assert browser.get(url).status_code == 200  # each has the page open
            browsers.append(browser)

        # Both requests read the status ("new") before either writes.
        both_have_read = threading.Barrier(2, timeout=20)
        read = AppointmentRequestEditView.get_object

        def read_then_wait(view, *args, **kwargs):
            appointment = read(view, *args, **kwargs)
            both_have_read.wait()
            return appointment

        monkeypatch.setattr(AppointmentRequestEditView, "get_object", read_then_wait)
        if connection.vendor == "sqlite":
            # SQLite has one writer at a time. With a database file a second writer
            # waits; the suite's in-memory database answers "table is locked" instead,
            # so here the two saves take turns. PostgreSQL runs them truly at once:
            # the second blocks on the first's row lock.
            one_writer = threading.Lock()
            save = AppointmentRequestEditView.form_valid

            def save_in_turn(view, form):
                with one_writer:
                    return save(view, form)

            monkeypatch.setattr(AppointmentRequestEditView, "form_valid", save_in_turn)

        answers = {}

        def change(browser, status):
            try:
                answers[status] = browser.post(url, {"status": status, "note": ""}).status_code
            finally:
                connections.close_all()  # this thread's own connection

        threads = [
            threading.Thread(target=change, args=(browser, status))
            for browser, status in zip(browsers, ["contacted", "scheduled"], strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert answers == {"contacted": 302, "scheduled": 302}

        # Whichever saved first, the history is one chain from "new", never two from "new".
        history = list(
            appointment.status_changes.order_by("pk").values_list("from_status", "to_status")
        )
        (first_from, first_to), (second_from, second_to) = history
        assert first_from == "new" and second_from == first_to
        assert {first_to, second_to} == {"contacted", "scheduled"}
        appointment.refresh_from_db()
        assert appointment.status == second_to
        audit = log_actions(appointment, "appointments.status_change").order_by("pk")
        assert [(entry.data["from"], entry.data["to"]) for entry in audit] == history


class TestAudit:
    def test_each_view_of_a_request_is_logged(self, client, front_desk_user, appointment):
        client.force_login(front_desk_user)
        client.get(urls(appointment)["detail"])
        client.get(urls(appointment)["detail"])
        entries = log_actions(appointment, "appointments.view")
        assert entries.count() == 2
        assert {e.user for e in entries} == {front_desk_user}
        # Audit labels carry the reference, never the patient's name.
        assert entries.first().label == appointment.reference

    def test_exports_are_logged_per_request(self, client, front_desk_user, appointment):
        other = factories.AppointmentRequestFactory()
        client.force_login(front_desk_user)
        b"".join(client.get(f"{BASE}?export=csv").streaming_content)
        for exported in (appointment, other):
            entry = log_actions(exported, "appointments.export").get()
            assert entry.user == front_desk_user and entry.data["format"] == "csv"

    def test_csv_export_neutralises_formulas_and_leaves_phone_numbers_alone(
        self, client, front_desk_user, home
    ):
        for reference, message in [("FORMULA1", "=1+2"), ("FORMULA2", "+SUM(A1:A9)")]:
            factories.AppointmentRequestFactory(
                reference=reference,
                first_name='=HYPERLINK("http://x")',
                phone="+12035550187",
                message=message,
            )
        client.force_login(front_desk_user)
        content = b"".join(client.get(f"{BASE}?export=csv").streaming_content).decode()
        rows = {row["Reference"]: row for row in csv.DictReader(io.StringIO(content))}
        assert rows["FORMULA1"]["Message"] == "'=1+2"
        assert rows["FORMULA2"]["Message"] == "'+SUM(A1:A9)"
        assert rows["FORMULA1"]["First name"] == '\'=HYPERLINK("http://x")'
        # A phone number in E.164 starts with "+" but is no formula: staff dial it as it is.
        assert {row["Phone"] for row in rows.values()} == {"+12035550187"}

    def test_xlsx_export_writes_what_the_public_typed_as_text(self, client, front_desk_user, home):
        factories.AppointmentRequestFactory(phone="+12035550187", message="=1+2")
        client.force_login(front_desk_user)
        response = client.get(f"{BASE}?export=xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        header = [cell.value for cell in sheet[1]]
        message = sheet.cell(row=2, column=header.index("Message") + 1)
        phone = sheet.cell(row=2, column=header.index("Phone") + 1)
        assert (message.value, message.data_type) == ("=1+2", "s")
        assert (phone.value, phone.data_type) == ("+12035550187", "s")

    def test_xlsx_export_of_the_filtered_list(self, client, front_desk_user, appointment):
        factories.AppointmentRequestFactory(status=Status.CLOSED)
        client.force_login(front_desk_user)
        response = client.get(f"{BASE}?status=new&export=xlsx")
        workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        rows = list(workbook.active.values)
        assert rows[0][0] == "Reference"
        assert [row[0] for row in rows[1:]] == [appointment.reference]


def test_the_front_desk_reads_the_preferred_physician(
    client, front_desk_user, home, appointment_settings
):
    """Issue 21 item 12: the physician a patient asked for, in the request and its export."""
    asked = factories.AppointmentRequestFactory(physician_name="Elie Sader, MD")
    client.force_login(front_desk_user)

    assert inspected(client.get(urls(asked)["detail"]))["Preferred physician"] == "Elie Sader, MD"
    [row] = exported(client, "csv")
    assert row["Preferred physician"] == "Elie Sader, MD"

    asked.physician_name = ""
    asked.save()
    assert inspected(client.get(urls(asked)["detail"]))["Preferred physician"] == "No preference"
