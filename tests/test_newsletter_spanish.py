"""The newsletter for readers who signed up on the Spanish site (issue 20, item 1).

A subscriber keeps the language of the page they signed up on. The
confirmation email, and every issue after it, is in that language, with its
links to /es/newsletter/...: the issue's Spanish translation (made with
wagtail-localize) when it is published, otherwise the issue as written with
the email's own words in Spanish. The issue's Spanish page and the archive
read Spanish. Emails go through Django's email backend (locmem in the tests'
settings) exactly as they are sent.
"""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource

from newsletter.models import NewsletterSettings, NewsletterSubscriber
from tests import factories
from tests.html import one, soup, text

pytestmark = pytest.mark.django_db

OWN_ORIGIN = "http://testserver"  # the test client's scheme and host

SPANISH_ISSUE = {
    "Spring news": "Noticias de primavera",
    "spring-news": "noticias-de-primavera",
    "New clinic hours and a note on migraine diaries.": (
        "Nuevo horario de la clínica y una nota sobre los diarios de migraña."
    ),
    "New hours": "Nuevo horario",
    'We now open at <b>8am</b>. <a id="a1">See the hours</a>.': (
        'Ahora abrimos a las <b>8 de la mañana</b>. <a id="a1">Vea el horario</a>.'
    ),
    "Monday to Friday": "De lunes a viernes",
    "Saturday mornings": "Los sábados por la mañana",
    "Newsletters": "Boletines",
    "newsletters": "boletines",
}


@pytest.fixture
def es(home):
    return Locale.objects.get(language_code="es")


def translate(page, locale, after_commit, publish=True):
    """The page's translation as wagtail-localize's "Translate this page" makes it.

    Its segments are translated by a PO file, as a translator returns it
    (SPANISH_ISSUE); a segment not in it stays English.
    """
    source, _ = TranslationSource.get_or_create_from_instance(page)
    translation, _ = Translation.objects.get_or_create(source=source, target_locale=locale)
    po = translation.export_po()
    for entry in po:
        entry.msgstr = SPANISH_ISSUE.get(entry.msgid, "")
    translation.import_po(po)
    with after_commit(execute=True):
        translation.save_target(publish=publish)
    return page.get_translation(locale).specific


@pytest.fixture
def archive(home, es, django_capture_on_commit_callbacks):
    NewsletterSettings.objects.update_or_create(
        site=home.get_site(), defaults={"postal_address": "12 Harbour Road\nSpringfield, IL 62701"}
    )
    translate(home, es, django_capture_on_commit_callbacks)
    english = factories.NewsletterIndexPageFactory(parent=home)
    spanish = translate(english, es, django_capture_on_commit_callbacks)
    return {"en": english, "es": spanish}


@pytest.fixture
def issue(archive):
    return factories.NewsletterIssuePageFactory(
        parent=archive["en"], title="Spring news", slug="spring-news"
    )


@pytest.fixture
def issue_es(issue, es, django_capture_on_commit_callbacks):
    return translate(issue, es, django_capture_on_commit_callbacks)


@pytest.fixture
def readers(db):
    return {
        "en": factories.NewsletterSubscriberFactory(
            email="reader@example.test", language="en", confirmed=True
        ),
        "es": factories.NewsletterSubscriberFactory(
            email="lectora@example.test", language="es", confirmed=True
        ),
    }


@pytest.fixture
def send(client, editor_user, django_capture_on_commit_callbacks):
    """The editor presses "Send to ... subscribers" on an issue's Sending screen."""

    def press(issue):
        client.force_login(editor_user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(sending_url(issue), {"action": "send"})
        assert response.status_code == 302
        return response

    return press


def sending_url(issue):
    return reverse("newsletter_issue_sending", args=(issue.pk,))


def sign_up(email, path, after_commit):
    with after_commit(execute=True):
        response = Client(enforce_csrf_checks=True).post(
            path, {"email": email, "consent": "yes"}, headers={"Origin": OWN_ORIGIN}
        )
    assert response.status_code == 303
    return response


def only_message_to(mailoutbox, address):
    (message,) = [message for message in mailoutbox if address in message.to]
    return message


def html_of(message):
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return soup(html)


def unsubscribe_path(message):
    return urlsplit(message.extra_headers["List-Unsubscribe"].strip("<>")).path


class TestSigningUpInSpanish:
    def test_the_reader_is_recorded_in_spanish_and_emailed_in_spanish_with_spanish_links(
        self, archive, mailoutbox, django_capture_on_commit_callbacks
    ):
        sign_up("lectora@example.test", "/es/newsletter/", django_capture_on_commit_callbacks)

        assert NewsletterSubscriber.objects.get().language == "es"
        (message,) = mailoutbox
        assert message.subject == "Confirme su suscripción al boletín de Demo Practice"
        assert "Hola:" in message.body
        [confirm] = [word for word in message.body.split() if "/newsletter/confirm/" in word]
        assert urlsplit(confirm).path.startswith("/es/newsletter/confirm/")
        # The unsubscribe link, in the body and in the header, leads to the Spanish page.
        assert "dese de baja aquí" in message.body
        [unsubscribe] = [word for word in message.body.split() if "/unsubscribe/" in word]
        assert urlsplit(unsubscribe).path == unsubscribe_path(message)
        assert unsubscribe_path(message).startswith("/es/newsletter/unsubscribe/")
        page = soup(Client().get(unsubscribe_path(message)))
        assert one(page, "html")["lang"] == "es"
        assert text(one(page, "h1")) == "Darse de baja del boletín"

    def test_an_english_sign_up_is_recorded_in_english_with_english_links(
        self, archive, mailoutbox, django_capture_on_commit_callbacks
    ):
        sign_up("reader@example.test", "/newsletter/", django_capture_on_commit_callbacks)

        assert NewsletterSubscriber.objects.get().language == "en"
        (message,) = mailoutbox
        assert message.subject == "Please confirm your subscription to the Demo Practice newsletter"
        assert unsubscribe_path(message).startswith("/newsletter/unsubscribe/")

    def test_signing_up_again_before_confirming_takes_the_latest_pages_language(
        self, archive, django_capture_on_commit_callbacks
    ):
        sign_up("lectora@example.test", "/newsletter/", django_capture_on_commit_callbacks)
        sign_up("lectora@example.test", "/es/newsletter/", django_capture_on_commit_callbacks)
        assert NewsletterSubscriber.objects.get().language == "es"

    def test_someone_typing_a_confirmed_readers_address_does_not_change_their_language(
        self, archive, readers, mailoutbox, django_capture_on_commit_callbacks
    ):
        sign_up(readers["en"].email, "/es/newsletter/", django_capture_on_commit_callbacks)
        readers["en"].refresh_from_db()
        assert readers["en"].language == "en"
        # Whoever typed it is answered in the page's language: nothing more is changed.
        (message,) = mailoutbox
        assert message.subject == "Ya está suscrito al boletín de Demo Practice"


class TestAnIssueInEachReadersLanguage:
    def test_the_spanish_reader_gets_the_spanish_translation_and_the_english_reader_the_issue(
        self, issue, issue_es, readers, send, mailoutbox
    ):
        send(issue)
        assert len(mailoutbox) == 2

        spanish = only_message_to(mailoutbox, readers["es"].email)
        assert spanish.subject == "Noticias de primavera"
        page = html_of(spanish)
        assert one(page, "html")["lang"] == "es"
        assert page.select("[lang=en]") == []
        assert text(one(page, "h1")) == "Noticias de primavera"
        assert "Ahora abrimos a las 8 de la mañana." in text(page)
        assert page.select(".language-note") == []
        online = one(page, "a[href*='/boletines/']")
        assert text(online) == "Lea este número en nuestro sitio web"
        assert urlsplit(online["href"]).path == "/es/boletines/noticias-de-primavera/"
        footer = text(one(page, ".footer"))
        assert "Recibe este correo porque se suscribió al boletín de Demo Practice" in footer
        assert "12 Harbour Road" in footer
        assert text(one(page, f"a[href='{spanish.extra_headers['List-Unsubscribe'][1:-1]}']")) == (
            "Darse de baja"
        )
        assert unsubscribe_path(spanish).startswith("/es/newsletter/unsubscribe/")
        assert "Nuevo horario\n=============" in spanish.body
        assert "Para dejar de recibirlo, dese de baja aquí:" in spanish.body
        assert "You get this email" not in spanish.body

        english = only_message_to(mailoutbox, readers["en"].email)
        assert english.subject == "Spring news"
        page = html_of(english)
        assert one(page, "html")["lang"] == "en"
        assert text(one(page, "h1")) == "Spring news"
        assert "You get this email because you subscribed" in text(one(page, ".footer"))
        assert unsubscribe_path(english).startswith("/newsletter/unsubscribe/")
        assert "To stop getting it, unsubscribe here:" in english.body

    def test_the_spanish_readers_unsubscribe_link_works_and_answers_in_spanish(
        self, issue, issue_es, readers, send, mailoutbox
    ):
        send(issue)
        path = unsubscribe_path(only_message_to(mailoutbox, readers["es"].email))
        reader = Client(enforce_csrf_checks=True)
        form = one(soup(reader.get(path)), "main form")
        done = soup(reader.post(form["action"]))
        assert text(one(done, "h1")) == "Se ha dado de baja"
        assert not NewsletterSubscriber.objects.filter(email=readers["es"].email).exists()
        assert NewsletterSubscriber.objects.filter(email=readers["en"].email).exists()

    def test_without_a_published_translation_the_issue_comes_in_a_spanish_frame(
        self, issue, readers, send, mailoutbox
    ):
        send(issue)
        spanish = only_message_to(mailoutbox, readers["es"].email)
        assert spanish.subject == "Spring news"
        page = html_of(spanish)
        assert one(page, "html")["lang"] == "es"
        assert text(one(page, ".language-note")) == (
            "Este número de nuestro boletín todavía no está traducido a su idioma: "
            "aquí lo tiene en inglés."
        )
        # The issue's own text is marked English, for screen readers' voices.
        issue_text = one(page, ".issue-text")
        assert issue_text["lang"] == "en"
        assert text(one(issue_text, "h1")) == "Spring news"
        online = one(page, "a[href$='/newsletters/spring-news/']")
        assert urlsplit(online["href"]).path == "/newsletters/spring-news/"  # the English page
        assert text(online) == "Lea este número en nuestro sitio web"
        assert online["hreflang"] == "en"
        assert "Recibe este correo porque se suscribió" in text(one(page, ".footer"))
        assert unsubscribe_path(spanish).startswith("/es/newsletter/unsubscribe/")
        assert spanish.body.startswith("Este número de nuestro boletín todavía no está traducido")

    def test_an_unpublished_translation_is_not_sent(
        self, issue, es, readers, send, mailoutbox, django_capture_on_commit_callbacks
    ):
        translate(issue, es, django_capture_on_commit_callbacks, publish=False)
        send(issue)
        assert only_message_to(mailoutbox, readers["es"].email).subject == "Spring news"

    def test_the_issue_goes_once_to_each_reader_whichever_language_version_it_is_sent_from(
        self, client, issue, issue_es, readers, send, mailoutbox
    ):
        send(issue_es)  # from the Spanish page: the English reader still gets the English issue
        assert only_message_to(mailoutbox, readers["en"].email).subject == "Spring news"
        assert only_message_to(mailoutbox, readers["es"].email).subject == "Noticias de primavera"

        screen = soup(client.get(sending_url(issue)))
        assert screen.find("button", value="send") is None
        assert "Every confirmed subscriber has been sent this issue." in text(screen)
        assert text(one(screen, "dd[data-count=sent]")) == "2"
        send(issue)
        assert len(mailoutbox) == 2

    def test_the_sending_screen_says_what_each_language_gets(
        self, client, issue, es, readers, editor_user, django_capture_on_commit_callbacks
    ):
        client.force_login(editor_user)
        rows = soup(client.get(sending_url(issue))).select(".newsletter-languages li")
        assert [text(row) for row in rows] == [
            "1 in English: this issue",
            "1 in Español: this issue as written, with the email’s own words (why they get it, "
            "the unsubscribe link, the footer) in Español: no published translation in "
            "Español yet",
        ]
        translate(issue, es, django_capture_on_commit_callbacks)
        rows = soup(client.get(sending_url(issue))).select(".newsletter-languages li")
        assert text(rows[1]) == "1 in Español: its translation “Noticias de primavera”"

    def test_the_editors_test_of_the_spanish_page_reads_spanish(
        self, issue_es, editor_user, client, mailoutbox
    ):
        client.force_login(editor_user)
        client.post(sending_url(issue_es), {"action": "test"})
        (message,) = mailoutbox
        assert message.subject == "[Test] Noticias de primavera"
        page = html_of(message)
        assert one(page, "html")["lang"] == "es"
        assert text(one(page, ".test-note")) == (
            "Esta es una copia de prueba. Su enlace para darse de baja no cambia nada."
        )
        assert unsubscribe_path(message).startswith("/es/newsletter/unsubscribe/")


class TestTheIssuePagesInSpanish:
    def test_the_spanish_issue_page_reads_spanish(self, issue_es):
        page = soup(Client().get("/es/boletines/noticias-de-primavera/"))
        assert one(page, "html")["lang"] == "es"
        assert text(one(page, "main h1")) == "Noticias de primavera"
        published = one(page, "article .byline time")
        assert " de " in text(published)  # "4 de diciembre de 2026"
        back = one(page, "article + p a")
        assert back["href"] == "/es/boletines/"
        assert text(back) == "Todos los números del boletín"

    def test_the_spanish_archive_lists_the_spanish_issue_and_offers_the_sign_up(self, issue_es):
        page = soup(Client().get("/es/boletines/"))
        assert one(page, "html")["lang"] == "es"
        card = one(page, "main .card")
        assert text(one(card, "a")) == "Noticias de primavera"
        assert " de " in text(one(card, "time"))
        assert "Suscríbase al boletín para recibir cada número por correo electrónico." in text(
            one(page, "main")
        )

    def test_the_english_pages_keep_their_english_labels(self, issue, issue_es):
        page = soup(Client().get("/newsletters/spring-news/"))
        assert one(page, "html")["lang"] == "en"
        back = one(page, "article + p a")
        assert (back["href"], text(back)) == ("/newsletters/", "All newsletter issues")
        archive = soup(Client().get("/newsletters/"))
        assert "Subscribe to the newsletter to get each issue by email." in text(
            one(archive, "main")
        )


class TestTheSubscribersList:
    def test_staff_see_and_filter_by_each_readers_language(
        self, client, admin_user, readers, archive
    ):
        client.force_login(admin_user)
        url = reverse("newsletter_subscribers:index")

        def subscriber_rows(response):
            return [text(row) for row in soup(response).select("tbody tr") if "@" in text(row)]

        (row,) = subscriber_rows(client.get(url, {"language": "es"}))
        assert readers["es"].email in row
        assert "Español" in row
        assert len(subscriber_rows(client.get(url))) == 2
