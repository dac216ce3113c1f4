"""The front desk's screens as a clerk reads them (issue 24 item 4), the Good Faith
Estimate owed to self-pay patients, and the language and access fields (issue 19)."""

import datetime
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.core import mail
from django.core.management import call_command
from wagtail.models import ModelLogEntry

from appointments.callback import CallBackClock
from appointments.models import AppointmentRequest, StatusChange
from locations.models import OpeningHours
from tests import factories
from tests.test_appointments_admin import BASE, exported, listed, menu_labels, text

pytestmark = pytest.mark.django_db

Status = AppointmentRequest.Status
FORM = "/request-appointment/"
# "Thu Dec 3, 2026, 1:16 AM": the one way the screens write a time.
ONE_FORMAT = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d [AP]M"
)


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def local(*args):
    from django.utils import timezone

    return datetime.datetime(*args, tzinfo=timezone.get_default_timezone())


@pytest.fixture
def clinic(home):
    """A clinic open Monday to Friday, 9 to 5."""
    index = factories.LocationIndexPageFactory(parent=home, slug="clinics")
    clinic = factories.LocationPageFactory(parent=index, title="Stamford")
    for weekday in range(5):
        factories.OpeningHoursFactory(
            location=clinic, weekday=weekday, opens=datetime.time(9), closes=datetime.time(17)
        )
    return clinic


@pytest.fixture
def patient_request(home, appointment_settings, clinic):
    return factories.AppointmentRequestFactory(
        first_name="Rosalind",
        last_name="Quimby",
        phone="+17185550123",
        phone_extension="12",
        location=clinic,
        location_name="Stamford",
        reason_name="Occipital Nerve Block",
        message="Morning calls are best",
    )


class TestTheMenu:
    def test_the_label_keeps_its_count_and_wraps_instead_of_being_cut(
        self, client, front_desk_user, patient_request
    ):
        factories.AppointmentRequestFactory()
        client.force_login(front_desk_user)
        response = client.get("/admin/")
        assert "Appointment requests (2 new)" in menu_labels(response)
        # The sidebar cuts labels with an ellipsis; this item's class lets it wrap.
        assert "appointment-requests-menu-item" in response.content.decode()
        css_text = Path(finders.find("appointments/admin.css")).read_text()
        assert ".appointment-requests-menu-item .menuitem-label { white-space: normal;" in css_text


class TestChangeStatusScreen:
    def test_shows_who_the_request_is_from_and_what_they_asked(
        self, client, front_desk_user, patient_request
    ):
        client.force_login(front_desk_user)
        page = soup(client.get(f"{BASE}edit/{patient_request.pk}/"))
        summary = page.select_one(".appointment-summary")
        said = text(summary)
        assert "From Rosalind Quimby" in said
        assert "Occipital Nerve Block" in said and "at Stamford" in said
        assert "Morning calls are best" in said
        assert "call back by" in said
        phone = summary.select_one("a.appointment-phone")
        assert (text(phone), phone["href"]) == ("(718) 555-0123 ext. 12", "tel:+17185550123;ext=12")

    def test_has_no_seen_status_section_but_keeps_the_hidden_field(
        self, client, front_desk_user, patient_request
    ):
        client.force_login(front_desk_user)
        page = soup(client.get(f"{BASE}edit/{patient_request.pk}/"))
        assert "seen status" not in text(page.find("main")).lower()
        assert not page.select('[data-panel-id*="seen_status"], #panel-child-seen_status-section')
        hidden = page.select_one('input[name="seen_status"]')
        assert (hidden["type"], hidden["value"]) == ("hidden", "new")

    def test_the_status_panel_gives_the_requests_status_not_a_pages(
        self, client, front_desk_user, patient_request
    ):
        patient_request.change_status(Status.NEW, Status.CONTACTED, front_desk_user)
        client.force_login(front_desk_user)
        page = soup(client.get(f"{BASE}edit/{patient_request.pk}/"))
        panel = page.select_one("[data-side-panel='status']")
        said = text(panel)
        assert "Status: Contacted" in said
        assert ONE_FORMAT.match(said.split("Received ", 1)[1])
        assert "Live" not in said.split()
        history = panel.find("a", string=re.compile("View history"))
        assert history["href"] == f"{BASE}history/{patient_request.pk}/"

    def test_page_titles_say_what_the_screen_is(self, client, front_desk_user, patient_request):
        client.force_login(front_desk_user)
        ref = patient_request.reference
        inspect = soup(client.get(f"{BASE}inspect/{ref and patient_request.pk}/"))
        assert text(inspect.title).startswith(f"Appointment request: {ref}")
        assert "Inspect" not in text(inspect.title)
        edit = soup(client.get(f"{BASE}edit/{patient_request.pk}/"))
        assert text(edit.title).startswith(
            f"Change status or add a note: Appointment request {ref}"
        )


class TestPhonesAndDates:
    def test_phones_are_written_for_the_practices_region_and_dial_from_a_click(
        self, client, front_desk_user, patient_request
    ):
        abroad = factories.AppointmentRequestFactory(phone="+442079460958")
        client.force_login(front_desk_user)
        page = soup(client.get(BASE))
        links = {text(a): a["href"] for a in page.select("table.listing a.appointment-phone")}
        assert links == {
            "(718) 555-0123 ext. 12": "tel:+17185550123;ext=12",
            "+44 20 7946 0958": "tel:+442079460958",
        }
        detail = soup(client.get(f"{BASE}inspect/{abroad.pk}/"))
        assert detail.select_one("dd a.appointment-phone")["href"] == "tel:+442079460958"

    def test_every_time_on_the_screens_is_written_one_way(
        self, client, front_desk_user, patient_request
    ):
        client.force_login(front_desk_user)
        client.post(
            f"{BASE}edit/{patient_request.pk}/",
            {"status": "contacted", "seen_status": "new", "note": "Left a message"},
        )
        client.post(
            f"{BASE}edit/{patient_request.pk}/",
            {"status": "new", "seen_status": "contacted"},
        )
        row = listed(client.get(BASE))[patient_request.reference]
        assert ONE_FORMAT.match(row["Received"]) and ONE_FORMAT.match(row["Call back by"])
        detail = soup(client.get(f"{BASE}inspect/{patient_request.pk}/"))
        fields = {text(dt): text(dt.find_next_sibling("dd")) for dt in detail.find_all("dt")}
        assert ONE_FORMAT.match(fields["Received"])
        assert ONE_FORMAT.match(fields["Consented to be contacted at"])
        for item in detail.select(".appointment-log li"):
            stamp = re.search(r"\w{3} \w{3} \d{1,2}, \d{4}, \d{1,2}:\d\d [AP]M", text(item))
            assert stamp, text(item)
        call_back = text(detail.find("p", string=re.compile("Call back by")))
        assert ONE_FORMAT.match(call_back.removeprefix("Call back by "))
        dashboard = text(
            soup(client.get("/admin/")).find(id="appointment-requests-panel-title").parent.parent
        )
        oldest = re.search(r"The oldest arrived (.*?) \(", dashboard).group(1)
        assert ONE_FORMAT.match(oldest)


class TestCallBackInOpeningHours:
    @pytest.mark.parametrize(
        "received, due",
        [
            # Thursday 1:16 AM, before opening: counts from 9:00, due at Thursday's close.
            (local(2026, 12, 3, 1, 16), local(2026, 12, 3, 17, 0)),
            # During hours: the same time one open day later.
            (local(2026, 12, 3, 10, 30), local(2026, 12, 4, 10, 30)),
            # Friday evening: counts from Monday's opening, due at Monday's close.
            (local(2026, 12, 4, 18, 0), local(2026, 12, 7, 17, 0)),
            # Wednesday before Thanksgiving: Thursday is a holiday, Friday it is.
            (local(2026, 11, 25, 15, 0), local(2026, 11, 27, 15, 0)),
        ],
    )
    def test_deadlines_land_in_the_clinics_hours(self, clinic, received, due):
        assert CallBackClock(1).deadline(received, clinic.pk) == due

    def test_a_time_past_the_next_days_closing_is_moved_to_it(self, clinic):
        OpeningHours.objects.filter(location=clinic, weekday=4).update(closes=datetime.time(12))
        # Thursday 3 PM; Friday closes at noon.
        due = CallBackClock(1).deadline(local(2026, 12, 3, 15, 0), clinic.pk)
        assert due == local(2026, 12, 4, 12, 0)

    def test_a_clinic_without_hours_uses_the_practices(self, clinic, home):
        virtual = factories.LocationPageFactory(parent=clinic.get_parent(), title="Virtual")
        due = CallBackClock(1).deadline(local(2026, 12, 3, 1, 16), virtual.pk)
        assert due == local(2026, 12, 3, 17, 0)

    def test_the_list_shows_the_deadline_in_hours(self, client, front_desk_user, clinic, home):
        appointment = factories.AppointmentRequestFactory(
            location=clinic, created_at=local(2026, 12, 3, 1, 16)
        )
        client.force_login(front_desk_user)
        row = listed(client.get(BASE))[appointment.reference]
        assert row["Call back by"].startswith("Thu Dec 3, 2026, 5:00 PM")


class TestSetAside:
    def test_set_aside_requests_are_one_click_from_the_list_with_their_reason(
        self, client, front_desk_user, patient_request
    ):
        spam = factories.AppointmentRequestFactory(
            status=Status.SPAM, spam_reasons="hidden field filled in"
        )
        client.force_login(front_desk_user)
        page = soup(client.get(BASE))
        link = page.select_one(".appointment-set-aside a")
        assert text(link) == "1 request set aside as possible spam"
        rows = listed(client.get(link["href"]))
        assert set(rows) == {spam.reference}
        assert rows[spam.reference]["Why it was set aside"] == "hidden field filled in"

    def test_only_a_set_aside_request_says_why_it_was_set_aside(
        self, client, front_desk_user, patient_request
    ):
        spam = factories.AppointmentRequestFactory(
            status=Status.SPAM, spam_reasons="hidden field filled in"
        )
        client.force_login(front_desk_user)

        def labels(appointment):
            page = soup(client.get(f"{BASE}inspect/{appointment.pk}/"))
            return [text(dt) for dt in page.select("main dt")]

        assert "Why it was set aside" in labels(spam)
        page = soup(client.get(f"{BASE}inspect/{spam.pk}/"))
        answers = {text(dt): text(dt.find_next_sibling("dd")) for dt in page.select("main dt")}
        assert answers["Message"] == "—"  # left empty: a dash, not a bare label
        assert "Why it was set aside" not in labels(patient_request)
        assert not any("spam" in label.lower() for label in labels(patient_request))

    def test_a_set_aside_request_is_restored_from_one_button(self, client, front_desk_user, home):
        spam = factories.AppointmentRequestFactory(
            status=Status.SPAM, spam_reasons="2 links in the message; form key missing"
        )
        client.force_login(front_desk_user)
        page = soup(client.get(f"{BASE}inspect/{spam.pk}/"))
        notice = page.select_one(".appointment-set-aside")
        assert "2 links in the message; form key missing" in text(notice)
        form = notice.find("form")
        assert text(form.find("button")) == "Not spam: back to new requests"
        data = {i["name"]: i.get("value", "") for i in form.find_all("input")}
        response = client.post(form["action"], data)
        assert response.status_code == 302
        spam.refresh_from_db()
        assert spam.status == Status.NEW
        change = StatusChange.objects.get(request=spam)
        assert (change.from_status, change.to_status) == (Status.SPAM, Status.NEW)
        assert spam.reference in listed(client.get(BASE))


def post_form(client, form_data, **overrides):
    response = client.post(FORM, form_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return AppointmentRequest.objects.latest("created_at")


class TestGoodFaithEstimate:
    def test_the_form_asks_how_the_patient_will_pay_and_links_the_notice(
        self, client, form_data, home
    ):
        from practice.models import PracticeSettings

        notice = factories.StandardPageFactory(parent=home, title="Good Faith Estimate", slug="gfe")
        practice = PracticeSettings.for_site(home.get_site())
        practice.good_faith_estimate_page = notice
        practice.save()
        form = soup(client.get(FORM)).find("form", class_="appointment-form")
        payment = form.find("input", attrs={"name": "payment"}).find_parent("fieldset")
        assert text(payment.legend) == "How will you pay? (optional)"
        assert [text(label) for label in payment.find_all("label")] == [
            "Insurance",
            "No insurance, or paying myself",
            "Not sure",
        ]
        assert form.find("a", string="Good Faith Estimate")["href"] == notice.url

    def test_a_self_pay_request_is_due_three_business_days_later_past_a_weekend_and_holiday(
        self, client, form_data, time_machine
    ):
        # Wednesday before Thanksgiving: Thu (holiday), Sat, Sun do not count.
        time_machine.move_to(local(2026, 11, 25, 10, 0))
        appointment = post_form(client, form_data, payment="self_pay")
        assert appointment.payment == "self_pay"
        assert appointment.estimate_due == datetime.date(2026, 12, 1)
        insured = post_form(client, form_data, payment="insurance")
        assert insured.estimate_due is None

    @pytest.mark.parametrize(
        "service, due",
        [
            # Scheduled Monday Dec 7 for 10+ business days away: within 3 business days,
            # but the request (received Dec 3) was due first, on Dec 8.
            (datetime.date(2026, 12, 28), datetime.date(2026, 12, 8)),
            # 3 to 9 business days away: within 1 business day of scheduling.
            (datetime.date(2026, 12, 11), datetime.date(2026, 12, 8)),
        ],
    )
    def test_scheduling_sets_the_deadlines_of_the_law(
        self, client, front_desk_user, home, appointment_settings, time_machine, service, due
    ):
        appointment = factories.AppointmentRequestFactory(
            payment="self_pay", created_at=local(2026, 12, 3, 10, 0)
        )
        time_machine.move_to(local(2026, 12, 7, 11, 0))
        client.force_login(front_desk_user)
        client.post(
            f"{BASE}edit/{appointment.pk}/",
            {"status": "scheduled", "seen_status": "new", "service_date": service.isoformat()},
        )
        appointment.refresh_from_db()
        assert (appointment.status, appointment.service_date) == ("scheduled", service)
        assert appointment.estimate_due == due

    def test_scheduling_ten_days_out_late_in_the_request_window(
        self, client, front_desk_user, home, appointment_settings, time_machine
    ):
        appointment = factories.AppointmentRequestFactory(
            payment="self_pay", created_at=local(2026, 12, 3, 10, 0)
        )
        appointment.estimate_due = appointment.good_faith_estimate_due()
        appointment.save()
        assert appointment.estimate_due == datetime.date(2026, 12, 8)
        # Scheduled on the Friday for a visit 3 business days on (Wed Dec 9): due Monday.
        time_machine.move_to(local(2026, 12, 4, 11, 0))
        client.force_login(front_desk_user)
        client.post(
            f"{BASE}edit/{appointment.pk}/",
            {"status": "scheduled", "seen_status": "new", "service_date": "2026-12-09"},
        )
        appointment.refresh_from_db()
        assert appointment.estimate_due == datetime.date(2026, 12, 7)

    def test_overdue_estimates_are_listed_filtered_counted_and_cleared_when_sent(
        self, client, front_desk_user, home, appointment_settings
    ):
        today = datetime.date.today()
        overdue = factories.AppointmentRequestFactory(
            payment="self_pay", estimate_due=today - datetime.timedelta(days=2)
        )
        owed = factories.AppointmentRequestFactory(
            payment="self_pay", estimate_due=today + datetime.timedelta(days=5)
        )
        insured = factories.AppointmentRequestFactory(payment="insurance")
        client.force_login(front_desk_user)
        rows = listed(client.get(BASE))
        assert rows[overdue.reference]["Good Faith Estimate"].endswith("Overdue")
        assert rows[owed.reference]["Good Faith Estimate"].startswith("Due by ")
        assert rows[insured.reference]["Good Faith Estimate"] == "—"
        assert set(listed(client.get(BASE, {"estimate": "overdue"}))) == {overdue.reference}
        assert set(listed(client.get(BASE, {"estimate": "owed"}))) == {
            overdue.reference,
            owed.reference,
        }
        dashboard = soup(client.get("/admin/"))
        link = dashboard.find("a", href=f"{BASE}?estimate=overdue")
        assert text(link) == "1 Good Faith Estimate overdue"

        edit = soup(client.get(f"{BASE}edit/{overdue.pk}/"))
        assert edit.find("input", attrs={"name": "estimate_sent"})
        client.post(
            f"{BASE}edit/{overdue.pk}/",
            {"status": "new", "seen_status": "new", "estimate_sent": "on"},
        )
        overdue.refresh_from_db()
        assert overdue.estimate_sent_at is not None
        assert ModelLogEntry.objects.filter(
            object_id=str(overdue.pk), action="appointments.estimate_sent"
        ).exists()
        assert not soup(client.get(BASE, {"estimate": "overdue"})).select("table.listing")
        # Insured patients are owed none: the box is not offered.
        edit = soup(client.get(f"{BASE}edit/{insured.pk}/"))
        assert not edit.find("input", attrs={"name": "estimate_sent"})

    def test_the_export_carries_the_estimate_and_is_audited(
        self, client, front_desk_user, home, appointment_settings
    ):
        appointment = factories.AppointmentRequestFactory(
            payment="self_pay", estimate_due=datetime.date(2026, 12, 8)
        )
        client.force_login(front_desk_user)
        [row] = exported(client, "csv")
        assert row["How they will pay"] == "No insurance, or paying myself"
        assert row["Good Faith Estimate due"] == "2026-12-08"
        assert ModelLogEntry.objects.filter(
            object_id=str(appointment.pk), action="appointments.export"
        ).exists()


ACCESS = {
    "preferred_language": "Polish",
    "needs_interpreter": "on",
    "accessibility_needs": "Wheelchair user, step-free entrance please",
}


@pytest.fixture
def physician(home):
    index = factories.TeamIndexPageFactory(parent=home)
    return factories.TeamMemberPageFactory(
        parent=index, title="Elie Sader", name="Elie Sader", credentials="MD", is_physician=True
    )


class TestLanguageAndAccess:
    def test_the_form_offers_them_all_optional_and_says_interpreters_are_free(
        self, client, form_data, physician
    ):
        form = soup(client.get(FORM)).find("form", class_="appointment-form")
        labels = {text(label) for label in form.find_all("label")}
        assert {
            "Preferred language (optional)",
            "I need an interpreter. Interpreters are free of charge.",
            "Accessibility needs (optional)",
            "Preferred physician (optional)",
        } <= labels

    def test_a_team_member_page_link_prefills_the_physician(self, client, form_data, physician):
        form = soup(client.get(f"{FORM}?{physician.request_query}")).find(
            "form", class_="appointment-form"
        )
        selected = form.select_one('select[name="physician"] option[selected]')
        assert text(selected) == "Elie Sader, MD"

    def test_stored_shown_to_the_front_desk_exported_and_in_no_email(
        self, client, form_data, physician, front_desk_user, django_capture_on_commit_callbacks
    ):
        appointment_settings = factories.AppointmentSettingsFactory()
        appointment_settings.send_patient_confirmation = True
        appointment_settings.save()
        with django_capture_on_commit_callbacks(execute=True):
            appointment = post_form(client, form_data, physician=str(physician.pk), **ACCESS)
        assert (
            appointment.preferred_language,
            appointment.needs_interpreter,
            appointment.accessibility_needs,
            appointment.physician_name,
        ) == ("Polish", True, ACCESS["accessibility_needs"], "Elie Sader, MD")
        assert mail.outbox
        for message in mail.outbox:
            for value in ("Polish", "interpreter", "Wheelchair", "Sader"):
                assert value not in message.subject + message.body

        client.force_login(front_desk_user)
        summary = text(
            soup(client.get(f"{BASE}edit/{appointment.pk}/")).select_one(".appointment-summary")
        )
        assert "Polish; needs an interpreter" in summary
        assert ACCESS["accessibility_needs"] in summary and "Elie Sader, MD" in summary
        [row] = exported(client, "csv")
        assert (
            row["Preferred language"],
            row["Needs an interpreter"],
            row["Accessibility needs"],
            row["Preferred physician"],
        ) == ("Polish", "Yes", ACCESS["accessibility_needs"], "Elie Sader, MD")

    def test_retention_deletes_them_with_the_request(self, home, appointment_settings):
        old = factories.AppointmentRequestFactory(
            status=Status.CLOSED,
            preferred_language="Polish",
            accessibility_needs="Hearing loop",
            needs_interpreter=True,
            physician_name="Elie Sader, MD",
        )
        AppointmentRequest.objects.filter(pk=old.pk).update(
            status_changed_at=old.created_at - datetime.timedelta(days=3650)
        )
        call_command("purge_appointment_requests", verbosity=0)
        assert not AppointmentRequest.objects.filter(preferred_language="Polish").exists()
        assert not AppointmentRequest.objects.filter(accessibility_needs__contains="loop").exists()
