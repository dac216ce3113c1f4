"""The appointment request form, its thank-you page, the newsletter and the site's notices in Spanish.

A patient at /es/ reads every label, choice, message and notice in Spanish;
the front desk reads what was stored in English, whatever the form's language
(issue 20, items 1 and 8).
"""

import datetime
import time
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from wagtail.models import Locale

from appointments.forms import form_started_token
from appointments.models import AppointmentRequest
from newsletter.models import NewsletterSubscriber
from practice.notices import Closure, SiteNotice
from tests import factories
from tests.factories import PATIENT
from tests.html import one, soup, text, texts

pytestmark = pytest.mark.django_db

FORM_URL = "/es/solicitar-cita/"


def translate(page, **fields):
    """A published Spanish translation of `page` (its parent must be translated already)."""
    translated = page.copy_for_translation(Locale.objects.get(language_code="es"))
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save()
    translated.save_revision().publish()
    return translated


@pytest.fixture
def spanish(home, request_page, locations, procedure, condition, appointment_settings):
    """The request form, the clinics, a procedure and a condition in Spanish."""
    home_es = translate(home, slug="inicio", hero_heading="Atención experta para el dolor")
    form_es = translate(
        request_page,
        title="Pida una cita",
        slug="solicitar-cita",
        emergency_notice="Este formulario no es para emergencias. "
        "Si tiene una emergencia médica, llame al 911.",
        thank_you="<p>Gracias, tenemos su solicitud.</p>",
    )
    translate(locations["stamford"].get_parent().specific, title="Clínicas", slug="clinicas")
    stamford_es = translate(
        locations["stamford"], title="Stamford (Connecticut)", slug="stamford-ct"
    )
    translate(procedure.get_parent().specific, title="Procedimientos", slug="procedimientos")
    procedure_es = translate(
        procedure, title="Bloqueo del nervio occipital", slug="bloqueo-del-nervio-occipital"
    )
    return {"home": home_es, "form": form_es, "stamford": stamford_es, "procedure": procedure_es}


def spanish_post(locations, procedure, **overrides):
    """A complete post of the Spanish form: the values it offers are the English pages' ids."""
    data = {
        **PATIENT,
        "preferred_contact": "email",
        "patient_status": "new",
        "location": str(locations["stamford"].pk),
        "reason": str(procedure.pk),
        "preferred_times": "afternoons",
        "payment": "self_pay",
        "needs_interpreter": "on",
        "consent": "on",
        "website": "",
        "started": form_started_token(time.time() - 60),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def the_form(response):
    return one(soup(response), "form.appointment-form")


def labels(form):
    return set(texts(form.select("label"))) | set(texts(form.select("legend")))


def choices(form, name):
    """{shown label: value} of a group of radios or a select's options."""
    radios = {
        text(form.select_one(f'label[for="{radio["id"]}"]')): radio["value"]
        for radio in form.select(f'input[type="radio"][name="{name}"]')
    }
    options = {
        text(option): option["value"] for option in form.select(f'select[name="{name}"] option')
    }
    return radios or options


class TestTheFormInSpanish:
    def test_every_label_choice_and_notice_is_in_spanish(self, client, spanish):
        response = client.get(FORM_URL)
        assert response.status_code == 200
        page = soup(response)
        assert one(page, "html")["lang"] == "es"
        assert text(one(page, "h1")) == "Pida una cita"
        assert "llame al 911" in text(one(page, ".appointment__emergency"))
        form = the_form(response)
        for label in [
            "Nombre",
            "Apellido",
            "Número de teléfono",
            "Correo electrónico",
            "¿Cómo prefiere que le contactemos?",
            "¿Ha venido antes a nuestra consulta?",
            "Lugar que prefiere",
            "Motivo de su visita",
            "¿Cuándo suele estar disponible?",
            "Seguro médico (opcional)",
            "Necesito un intérprete. Los intérpretes son gratuitos.",
            "Acepto que la consulta me contacte sobre esta solicitud.",
        ]:
            assert label in labels(form), label
        assert "no incluya su historial médico" in text(form)
        assert text(one(form, 'button[type="submit"]')) == "Enviar solicitud"
        assert choices(form, "preferred_contact") == {
            "Llamada telefónica": "phone",
            "Correo electrónico": "email",
        }
        assert choices(form, "patient_status") == {
            "Paciente nuevo": "new",
            "Ya he sido paciente": "returning",
        }

    def test_pages_are_offered_by_their_spanish_titles_as_the_english_pages(
        self, client, spanish, locations, procedure, condition
    ):
        form = the_form(client.get(FORM_URL))
        # The translated pages by their Spanish titles, an untranslated one in English;
        # each once, and always as the English page (what the front desk reads).
        assert choices(form, "location") == {
            "Stamford (Connecticut)": str(locations["stamford"].pk),
            "Virtual Appointment": str(locations["virtual"].pk),
        }
        assert choices(form, "reason") == {
            "No estoy seguro": "not-sure",
            "Bloqueo del nervio occipital": str(procedure.pk),
            "Headache": str(condition.pk),
        }
        # ... and the English form lists no Spanish page.
        english = the_form(Client().get("/request-appointment/"))
        assert set(choices(english, "location")) == {"Stamford, CT", "Virtual Appointment"}
        assert set(choices(english, "reason")) == {"Not sure", "Occipital Nerve Block", "Headache"}

    def test_the_spanish_procedure_page_links_to_the_spanish_form_with_it_chosen(
        self, client, spanish, procedure
    ):
        page = soup(client.get(spanish["procedure"].url))
        link = one(page, "aside.cta a.button")
        assert text(link) == "Pedir una cita"
        assert urlsplit(link["href"]).path == FORM_URL
        form = the_form(client.get(link["href"]))
        chosen = form.select_one('select[name="reason"] option[selected]')
        assert chosen["value"] == str(procedure.pk)
        assert text(chosen) == "Bloqueo del nervio occipital"


class TestASpanishRequestAsTheFrontDeskSeesIt:
    def test_is_stored_as_codes_and_english_pages_and_thanked_in_spanish(
        self, client, spanish, locations, procedure, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(FORM_URL, spanish_post(locations, procedure))
        assert response.status_code == 302
        assert response["Location"].startswith(f"{FORM_URL}thanks/")
        stored = AppointmentRequest.objects.get()
        assert (stored.preferred_contact, stored.patient_status, stored.preferred_times) == (
            "email",
            "new",
            "afternoons",
        )
        assert stored.payment == "self_pay"
        assert stored.location == locations["stamford"]
        assert stored.location_name == "Stamford, CT"
        assert stored.reason.pk == procedure.pk
        assert stored.reason_name == "Occipital Nerve Block"
        assert stored.form_language == "es"

        thanks = soup(client.get(response["Location"]))
        assert one(thanks, "html")["lang"] == "es"
        assert text(one(thanks, "h1")) == "Solicitud recibida"
        assert f"Su número de referencia es {stored.reference}" in text(one(thanks, "main"))
        assert "Gracias, tenemos su solicitud." in text(one(thanks, "main"))
        assert "en un plazo de 1 día hábil" in text(one(thanks, "main"))

    def test_the_front_desk_reads_it_in_english(
        self, client, spanish, locations, procedure, front_desk_user
    ):
        client.post(FORM_URL, spanish_post(locations, procedure))
        stored = AppointmentRequest.objects.get()
        staff = Client()
        staff.force_login(front_desk_user)
        page = soup(staff.get(f"/admin/appointment-requests/inspect/{stored.pk}/"))
        details = one(page.find("main"), "dl")
        fields = {
            text(label): text(label.find_next_sibling("dd")) for label in details.select("dt")
        }
        assert fields["Preferred contact method"] == "Email"
        assert fields["New or returning"] == "New patient"
        assert fields["Preferred times"] == "Weekday afternoons"
        assert fields["How the patient will pay"] == "No insurance, or paying myself"
        assert fields["Preferred location"] == "Stamford, CT"
        assert fields["Reason"] == "Occipital Nerve Block"
        assert fields["Form language"] == "Spanish"

    def test_the_patient_confirmation_is_in_spanish_and_says_nothing_of_health(
        self,
        client,
        spanish,
        locations,
        procedure,
        appointment_settings,
        mailoutbox,
        django_capture_on_commit_callbacks,
    ):
        appointment_settings.send_patient_confirmation = True
        appointment_settings.save()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(FORM_URL, spanish_post(locations, procedure))
        stored = AppointmentRequest.objects.get()
        [to_patient] = [message for message in mailoutbox if message.to == [PATIENT["email"]]]
        assert to_patient.subject == f"Recibimos su solicitud de cita ({stored.reference})"
        assert "ha recibido su solicitud de cita" in to_patient.body
        assert "(203) 555-0142" in to_patient.body
        for health in (PATIENT["message"], "Occipital", "Bloqueo", PATIENT["insurance"]):
            assert health not in to_patient.body


class TestBadInputInSpanish:
    def test_is_refused_in_spanish_and_nothing_typed_is_lost(
        self, client, spanish, locations, procedure
    ):
        data = spanish_post(
            locations,
            procedure,
            first_name="",
            phone="555",
            email="",
            consent=None,
        )
        response = client.post(FORM_URL, data)
        assert response.status_code == 200
        assert not AppointmentRequest.objects.exists()
        page = soup(response)
        assert text(one(page, "title")).startswith("Error:")
        summary = one(page, "#error-summary")
        assert text(one(summary, "h2")) == "Hay problemas con su solicitud"
        assert texts(summary.select("li")) == [
            "Escriba su nombre.",
            "Escriba un número de teléfono válido, con el código de área, como (203) 555-0142.",
            "Escriba su correo electrónico, o elija una llamada telefónica en lugar del correo.",
            "Marque la casilla para que podamos contactarle.",
        ]
        form = the_form(response)
        assert text(one(form, "#phone-error")).startswith("Error: Escriba un número de teléfono")
        # What the patient typed is all still there.
        assert form.select_one('input[name="last_name"]')["value"] == PATIENT["last_name"]
        assert form.select_one('input[name="phone"]')["value"] == "555"
        assert text(form.select_one('textarea[name="message"]')) == PATIENT["message"]
        assert form.select_one('input[name="insurance"]')["value"] == PATIENT["insurance"]
        assert form.select_one('input[name="preferred_contact"][value="email"]').has_attr("checked")
        assert form.select_one('input[name="needs_interpreter"]').has_attr("checked")
        chosen = form.select_one('select[name="reason"] option[selected]')
        assert chosen["value"] == str(procedure.pk)

    def test_a_message_too_long_is_refused_in_spanish(self, client, spanish, locations, procedure):
        response = client.post(FORM_URL, spanish_post(locations, procedure, message="a" * 1001))
        summary = one(soup(response), "#error-summary")
        assert text(one(summary, "h2")) == "Hay un problema con su solicitud"
        assert texts(summary.select("li")) == [
            "Su mensaje: puede tener 1000 caracteres como máximo. Por favor, acórtelo."
        ]


OWN_ORIGIN = "http://testserver"  # the test client's scheme and host


class TestTheNewsletterInSpanish:
    def test_signing_up_on_a_spanish_page_is_answered_and_emailed_in_spanish(
        self, spanish, mailoutbox, django_capture_on_commit_callbacks
    ):
        browser = Client(enforce_csrf_checks=True)
        footer = soup(browser.get("/es/"))
        form = one(footer, "form.newsletter-form")
        assert form["action"] == "/es/newsletter/"
        assert text(one(footer, 'label[for="newsletter-email"]')) == "Correo electrónico"
        with django_capture_on_commit_callbacks(execute=True):
            response = browser.post(
                form["action"],
                {"email": "lectora@example.test", "consent": "yes"},
                headers={"Origin": OWN_ORIGIN},
            )
        assert response.status_code == 303
        thanks = soup(browser.get(response["Location"]))
        assert one(thanks, "html")["lang"] == "es"
        assert text(one(thanks, "h1")) == "Revise su correo"

        (message,) = mailoutbox
        assert message.subject == "Confirme su suscripción al boletín de Demo Practice"
        assert "Para confirmar, abra este enlace en un plazo de 7 días" in message.body
        [confirm] = [word for word in message.body.split() if "/newsletter/confirm/" in word]
        assert urlsplit(confirm).path.startswith("/es/newsletter/confirm/")
        opened = soup(browser.get(urlsplit(confirm).path))
        assert text(one(opened, "h1")) == "Confirme su suscripción"
        button = one(opened, "main form button")
        assert text(button) == "Confirmar mi suscripción"
        confirmed = soup(browser.post(one(opened, "main form")["action"]))
        assert text(one(confirmed, "h1")) == "Ya está suscrito"
        assert NewsletterSubscriber.objects.get().is_confirmed

    def test_the_english_sign_up_is_unchanged(self, spanish):
        page = soup(Client().get("/newsletter/"))
        assert one(page, "html")["lang"] == "en"
        assert text(one(page, "h1")) == "Newsletter sign-up"


def at(*args):
    return datetime.datetime(*args, tzinfo=timezone.get_default_timezone())


class TestNoticesHoursAndDatesInSpanish:
    def test_a_notice_shows_its_spanish_text_and_falls_back_to_english_marked_so(
        self, client, spanish
    ):
        now = timezone.now()
        window = {
            "starts_at": now - datetime.timedelta(hours=1),
            "ends_at": now + datetime.timedelta(hours=1),
        }
        SiteNotice.objects.create(
            message="Our phone lines are down.",
            message_es="Nuestras líneas telefónicas no funcionan.",
            **window,
        )
        SiteNotice.objects.create(message="Flu shots on Saturday.", **window)
        notices = one(soup(client.get("/es/")), "section.site-notices")
        assert notices["aria-label"] == "Avisos"
        items = notices.select("li")
        assert texts(items) == [
            "Nuestras líneas telefónicas no funcionan.",
            "Flu shots on Saturday.",
        ]
        assert not items[0].select("[lang]")
        assert one(items[1], "span")["lang"] == "en"
        english = soup(client.get("/"))
        assert texts(english.select("section.site-notices li")) == [
            "Our phone lines are down.",
            "Flu shots on Saturday.",
        ]

    def test_a_clinic_closure_and_its_hours_on_the_spanish_clinic_page(
        self, client, spanish, locations
    ):
        stamford = locations["stamford"]
        # Each page has its own copy of the hours (wagtail-localize copies and syncs them).
        stamford_es = spanish["stamford"]
        for clinic in (stamford, stamford_es):
            factories.OpeningHoursFactory(
                location=clinic, weekday=0, opens=datetime.time(9), closes=datetime.time(17)
            )
        with time_machine.travel(at(2026, 12, 2, 12, 0), tick=False):
            Closure.objects.create(
                location=stamford,
                first_day=datetime.date(2026, 12, 3),
                reason="Snow",
                reason_es="Nieve",
            )
            page = soup(client.get(stamford_es.url))
            hours = one(page, "table.hours")
            assert texts(hours.select("tbody tr")[0].select("th, td")) == [
                "Lunes",
                "9:00 a. m. – 5:00 p. m.",
            ]
            assert texts(hours.select("tbody tr")[1].select("th, td")) == ["Martes", "Cerrado"]
            assert texts(page.select(".hours__closures li")) == ["jueves 3 de diciembre: Nieve"]

            english = soup(client.get(stamford.url))
            assert texts(english.select("table.hours tbody tr")[0].select("th, td")) == [
                "Monday",
                "9:00 AM – 5:00 PM",
            ]

        with time_machine.travel(at(2026, 12, 3, 12, 0), tick=False):
            banner = texts(soup(client.get(stamford_es.url)).select("section.site-notices li"))
            assert banner == ["Stamford (Connecticut): cerrado el jueves 3 de diciembre: Nieve"]

    def test_the_review_dates_of_a_spanish_page_read_as_spanish_dates(
        self, client, spanish, physician
    ):
        procedure_es = spanish["procedure"]
        procedure_es.last_reviewed = datetime.date(2026, 12, 3)
        procedure_es.reviewer = physician
        procedure_es.save_revision().publish()
        byline = one(soup(client.get(procedure_es.url)), "dl.byline")
        shown = {text(term): text(term.find_next_sibling("dd")) for term in byline.select("dt")}
        assert shown["Última revisión"] == "3 de diciembre de 2026"
