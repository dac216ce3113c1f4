"""Translations under clinical governance (issue 20, items 2 and 3).

A Spanish procedure page goes through the medical review on its own and keeps
its own review stamps; editors are told when its English source changed after
its review (patients never are); translators work through wagtail-localize's
editor or PO files; and a page a machine translated is not published until a
translator or medical reviewer approves it.
"""

import datetime

import polib
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, PageLogEntry, Workflow
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from procedures.sections import SECTION_FIELDS
from reviews.clinical import REVIEW_STAMP_FIELDS
from reviews.translations import MachineTranslationNotApproved
from tests import factories
from tests.html import one, soup, text
from tests.test_clinical_review import approve, make_user, submit_for_review

pytestmark = pytest.mark.django_db

DUMMY_TRANSLATOR = {"CLASS": "wagtail_localize.machine_translators.dummy.DummyTranslator"}


@pytest.fixture
def es(home):
    return Locale.objects.get(language_code="es")


@pytest.fixture
def editor(django_user_model, home):
    return make_user(django_user_model, "editor", "Editors")


@pytest.fixture
def reviewer(django_user_model, physician):
    user = make_user(django_user_model, "reviewer", "Medical reviewers")
    physician.user = user
    physician.save_revision().publish()
    return user


@pytest.fixture
def translator(django_user_model, home):
    return make_user(django_user_model, "traductora", "Translators")


@pytest.fixture
def procedure(procedure_index, physician):
    return factories.ProcedurePageFactory(
        parent=procedure_index,
        title="Occipital Nerve Block",
        slug="occipital-nerve-block",
        author=physician,
        reviewer=None,
        last_reviewed=None,
        next_review_due=None,
    )


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """wagtail-localize publishes a translation once the transaction commits: run it then."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def synced_translation(page, locale, after_commit):
    """The Spanish page made as wagtail-localize's "Translate this page" makes it, published."""
    source, _ = TranslationSource.get_or_create_from_instance(page)
    translation, _ = Translation.objects.get_or_create(source=source, target_locale=locale)
    with after_commit():
        translation.save_target(publish=True)
    return translation, page.get_translation(locale).specific


@pytest.fixture
def spanish(home, procedure, es, after_commit):
    """The Spanish home, procedures section and procedure, made by wagtail-localize."""
    synced_translation(home, es, after_commit)
    synced_translation(procedure.get_parent().specific, es, after_commit)
    translation, procedure_es = synced_translation(procedure, es, after_commit)
    assert procedure_es.live
    return {"translation": translation, "procedure": procedure_es}


def review(page, member, on):
    """A medical review of `page` recorded at `on` (a datetime), as the workflow records it."""
    from reviews.stamps import stamp_review

    with time_machine.travel(on, tick=False):
        stamp_review(page.specific, member, user=None)


def admin_messages(response):
    """What the admin's messages say ("" when there are none)."""
    messages = soup(response).select_one(".messages")
    return text(messages) if messages else ""


class TestMedicalReviewOfATranslation:
    def test_the_spanish_section_is_under_the_medical_review_too(self, spanish, procedure):
        workflow = Workflow.objects.get(name="Medical review")
        assert procedure.get_workflow() == workflow
        assert spanish["procedure"].get_workflow() == workflow
        assert spanish["procedure"].get_parent() != procedure.get_parent()

    def test_an_editor_cannot_publish_the_spanish_page_a_reviewer_can(
        self, spanish, editor, reviewer
    ):
        assert not spanish["procedure"].permissions_for_user(editor).can_publish()
        assert spanish["procedure"].permissions_for_user(reviewer).can_publish()

    def test_approving_the_english_page_leaves_the_spanish_one_as_it_was(
        self, client, spanish, procedure, editor, reviewer, physician, es
    ):
        procedure_es = spanish["procedure"]
        procedure_es.summary = "Borrador en revisión."
        procedure_es.save_revision(user=editor)
        Workflow.objects.get(name="Medical review").start(procedure_es, editor)

        approve(client, reviewer, procedure, submit_for_review(client, editor, procedure))

        procedure.refresh_from_db()
        assert procedure.last_reviewed == timezone.localdate()
        procedure_es.refresh_from_db()
        assert procedure_es.workflow_in_progress  # still waiting for its own review
        assert procedure_es.summary != "Borrador en revisión."  # not published
        assert [getattr(procedure_es, name) for name in REVIEW_STAMP_FIELDS[:3]] == [None] * 3

    def test_approving_the_spanish_page_publishes_and_stamps_only_it(
        self, client, spanish, procedure, editor, reviewer, physician
    ):
        procedure_es = spanish["procedure"]
        procedure_es.summary = "Un procedimiento que ofrecemos."
        procedure_es.save_revision(user=editor)
        task_state = Workflow.objects.get(name="Medical review").start(procedure_es, editor)

        response = approve(client, reviewer, procedure_es, task_state.current_task_state)
        assert response.status_code == 302

        procedure_es.refresh_from_db()
        assert procedure_es.summary == "Un procedimiento que ofrecemos."
        assert procedure_es.reviewer_id == physician.pk
        assert procedure_es.last_reviewed == timezone.localdate()
        procedure.refresh_from_db()
        assert procedure.last_reviewed is None  # the English page is not reviewed by it
        assert not procedure.workflow_in_progress

    def test_an_editor_sends_a_synced_translation_to_review_and_its_approval_publishes_it(
        self, client, spanish, editor, reviewer, physician
    ):
        """wagtail-localize's editor has no "Submit": the page's message offers it."""
        procedure_es, translation = spanish["procedure"], spanish["translation"]
        po = translation.export_po()
        for entry in po:
            if entry.msgid == "A procedure we offer.":
                entry.msgstr = "Un procedimiento que ofrecemos."
        translation.import_po(po)

        client.force_login(editor)
        edit = reverse("wagtailadmin_pages:edit", args=(procedure_es.pk,))
        offered = soup(client.get(edit)).select_one(".messages a[href$='/submit/']")
        assert text(offered) == "Send to medical review"
        response = client.post(offered["href"])
        assert response.status_code == 302
        procedure_es.refresh_from_db()
        assert procedure_es.workflow_in_progress
        assert procedure_es.summary == "A procedure we offer."  # a draft until approved
        assert "sent to medical review" in admin_messages(client.get(edit))

        approve(client, reviewer, procedure_es, procedure_es.current_workflow_task_state)
        procedure_es.refresh_from_db()
        assert procedure_es.summary == "Un procedimiento que ofrecemos."
        assert procedure_es.reviewer_id == physician.pk
        assert procedure_es.last_reviewed == timezone.localdate()

    def test_a_reviewers_publish_in_the_translation_editor_is_their_review(
        self, client, spanish, reviewer, physician, after_commit
    ):
        procedure_es = spanish["procedure"]
        client.force_login(reviewer)
        with after_commit():
            client.post(
                reverse("wagtailadmin_pages:edit", args=(procedure_es.pk,)), {"action": "publish"}
            )
        procedure_es.refresh_from_db()
        assert procedure_es.reviewer_id == physician.pk
        assert procedure_es.last_reviewed == timezone.localdate()
        assert PageLogEntry.objects.filter(page=procedure_es, action="reviews.stamp").exists()

    def test_a_translation_in_review_is_not_published_around_the_review(
        self, client, spanish, editor, reviewer, after_commit
    ):
        procedure_es = spanish["procedure"]
        procedure_es.save_revision(user=editor)
        Workflow.objects.get(name="Medical review").start(procedure_es, editor)
        client.force_login(reviewer)
        with after_commit():
            response = client.post(
                reverse("wagtailadmin_pages:edit", args=(procedure_es.pk,)),
                {"action": "publish"},
                follow=True,
            )
        assert "this page is in medical review" in admin_messages(response)
        procedure_es.refresh_from_db()
        assert procedure_es.workflow_in_progress
        assert procedure_es.last_reviewed is None
        # Told where its Approve is: the dashboard, which offers it.
        assert "under “Awaiting your review” on your dashboard" in admin_messages(response)
        approve_url = reverse(
            "wagtailadmin_pages:workflow_action",
            args=(procedure_es.pk, "approve", procedure_es.current_workflow_task_state.pk),
        )
        dashboard = soup(client.get(reverse("wagtailadmin_home")))
        offered = {
            value
            for element in dashboard.find_all(True)
            for value in element.attrs.values()
            if isinstance(value, str)
        }
        assert any(approve_url in value for value in offered)

    def test_translating_again_keeps_the_spanish_pages_own_stamps(
        self, spanish, procedure, physician, es, after_commit
    ):
        """After the English page changes: its source synced, a PO file imported, published."""
        colleague = factories.TeamMemberPageFactory(
            parent=physician.get_parent(), name="Rosa Revisora", slug="rosa"
        )
        procedure_es = spanish["procedure"]
        review(procedure_es, colleague, timezone.now() - datetime.timedelta(days=40))
        procedure_es.refresh_from_db()
        spanish_stamps = [getattr(procedure_es, name) for name in REVIEW_STAMP_FIELDS[:3]]

        review(procedure, physician, timezone.now())
        procedure.refresh_from_db()
        procedure.overview = "<p>A new overview of the procedure.</p>"
        procedure.save_revision().publish()
        translation = spanish["translation"]
        translation.source.update_from_db()
        po = translation.export_po()
        for entry in po:
            entry.msgstr = f"ES {entry.msgid}"
        translation.import_po(po)
        with after_commit():
            translation.save_target(publish=True)

        procedure_es.refresh_from_db()
        assert "ES A new overview of the procedure." in procedure_es.overview
        assert [getattr(procedure_es, name) for name in REVIEW_STAMP_FIELDS[:3]] == spanish_stamps
        assert procedure_es.reviewer_id == colleague.pk


class TestTranslationOutOfDate:
    def explorer(self, client, user, index):
        client.force_login(user)
        page = soup(client.get(reverse("wagtailadmin_explore", args=(index.pk,))))
        table = one(page, "table.listing")
        column = [text(th) for th in table.select("thead th")].index("Next review due")
        return {
            text(one(tr, "td.title a span")): text(tr.select("td")[column])
            for tr in table.select("tbody tr")
        }

    def report(self, client, user, **query):
        client.force_login(user)
        page = soup(client.get(reverse("reviews_clinical_review_due"), query))
        table = page.select_one("table.listing")
        if table is None:
            return {}
        headings = [text(th) for th in table.select("thead th")]
        return {
            row["Title"]: row
            for row in (
                dict(zip(headings, [text(td) for td in tr.select("td")], strict=True))
                for tr in table.select("tbody tr")
            )
        }

    @pytest.fixture
    def reviewed_in_spanish(self, spanish, procedure, physician):
        """Both pages reviewed now, after both were published; the Spanish title its own."""
        procedure_es = spanish["procedure"]
        procedure_es.title = "Bloqueo del nervio occipital"
        procedure_es.save_revision().publish()
        review(procedure, physician, timezone.now())
        review(procedure_es, physician, timezone.now())
        return procedure_es

    def change_english(self, procedure, on):
        procedure.refresh_from_db()
        procedure.summary = "A procedure we offer, now with more detail."
        with time_machine.travel(on, tick=False):
            procedure.save_revision().publish()

    def test_a_translation_reviewed_after_its_source_changed_is_not_flagged(
        self, client, editor, reviewed_in_spanish
    ):
        index = reviewed_in_spanish.get_parent()
        rows = self.explorer(client, editor, index)
        assert "Translation out of date" not in rows["Bloqueo del nervio occipital"]
        assert "Bloqueo del nervio occipital" not in self.report(client, editor)

    def test_the_english_page_published_after_the_review_flags_the_translation(
        self, client, editor, reviewed_in_spanish, procedure
    ):
        # The same day as the Spanish review, an hour later: still after it.
        reviewed = PageLogEntry.objects.filter(
            page=reviewed_in_spanish, action="reviews.stamp"
        ).latest("timestamp")
        self.change_english(procedure, reviewed.timestamp + datetime.timedelta(hours=1))

        rows = self.explorer(client, editor, reviewed_in_spanish.get_parent())
        assert "Translation out of date" in rows["Bloqueo del nervio occipital"]
        english = self.explorer(client, editor, procedure.get_parent())
        assert "Translation out of date" not in english["Occipital Nerve Block"]

        # Listed in the report although its next review is a year away, and filtered.
        listed = self.report(client, editor)
        row = listed["Bloqueo del nervio occipital"]
        assert row["State"] == "Up to date"
        assert row["Translation"].startswith("Out of date: source changed")
        assert "Occipital Nerve Block" not in listed  # reviewed, not due: the English page
        assert list(self.report(client, editor, translation="out_of_date")) == [
            "Bloqueo del nervio occipital"
        ]

    def test_a_new_spanish_review_clears_the_flag(
        self, client, editor, reviewed_in_spanish, procedure, physician
    ):
        self.change_english(procedure, timezone.now() + datetime.timedelta(hours=1))
        review(reviewed_in_spanish, physician, timezone.now() + datetime.timedelta(hours=2))
        rows = self.explorer(client, editor, reviewed_in_spanish.get_parent())
        assert "Translation out of date" not in rows["Bloqueo del nervio occipital"]

    def test_syncing_the_english_text_into_the_translation_does_not_clear_it(
        self, client, editor, reviewed_in_spanish, procedure, spanish, after_commit
    ):
        self.change_english(procedure, timezone.now() + datetime.timedelta(hours=1))
        translation = spanish["translation"]
        translation.source.update_from_db()
        with after_commit():
            translation.save_target(publish=True)  # published, but nobody reviewed it
        reviewed_in_spanish.refresh_from_db()
        rows = self.explorer(client, editor, reviewed_in_spanish.get_parent())
        assert "Translation out of date" in rows[reviewed_in_spanish.title]

    def test_patients_are_never_told(self, client, reviewed_in_spanish, procedure):
        self.change_english(procedure, timezone.now() + datetime.timedelta(hours=1))
        response = client.get(reviewed_in_spanish.url)
        assert response.status_code == 200
        shown = text(one(soup(response), "body")).lower()
        for words in ("out of date", "desactualizad", "traducción automática"):
            assert words not in shown


class TestSyncTranslatedPages:
    """wagtail-localize's "Sync translated pages" after the English page changed: the Spanish
    page's synced text is a draft for its own medical review, never its live page."""

    NEW_ENGLISH = "A new overview of the procedure."

    @pytest.fixture
    def reviewed_spanish(self, spanish, procedure, physician, after_commit):
        """The Spanish page in Spanish, published and reviewed; then the English page changed."""
        translation = spanish["translation"]
        po = translation.export_po()
        for entry in po:
            entry.msgstr = f"ES {entry.msgid}"
        translation.import_po(po)
        with after_commit():
            translation.save_target(publish=True)
        procedure_es = spanish["procedure"]
        review(procedure_es, physician, timezone.now())
        procedure.refresh_from_db()
        procedure.overview = f"<p>{self.NEW_ENGLISH}</p>"
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=1), tick=False):
            procedure.save_revision().publish()
        procedure_es.refresh_from_db()
        return procedure_es

    def sync(self, client, user, source, after_commit, **form):
        client.force_login(user)
        url = reverse("wagtail_localize:update_translations", args=(source.pk,))
        with after_commit():
            return client.post(url, form, follow=True)

    def public_text(self, client, page):
        client.logout()
        return text(one(soup(client.get(page.url)), "main"))

    def test_without_publish_the_synced_text_is_a_draft(
        self, client, editor, reviewed_spanish, spanish, after_commit
    ):
        response = self.sync(client, editor, spanish["translation"].source, after_commit)
        assert "the synced text is a draft" in admin_messages(response)

        reviewed_spanish.refresh_from_db()
        assert reviewed_spanish.has_unpublished_changes
        draft = reviewed_spanish.get_latest_revision_as_object()
        assert self.NEW_ENGLISH in draft.overview  # the new passage, to translate
        assert "ES An overview of the procedure." not in draft.overview
        # Patients still read the reviewed Spanish text.
        shown = self.public_text(client, reviewed_spanish)
        assert "ES An overview of the procedure." in shown
        assert self.NEW_ENGLISH not in shown
        # And editors are still told the Spanish page is behind its source.
        rows = TestTranslationOutOfDate().explorer(client, editor, reviewed_spanish.get_parent())
        assert "Translation out of date" in rows[reviewed_spanish.title]

    def test_with_publish_it_goes_to_the_medical_review_not_to_patients(
        self, client, editor, reviewer, reviewed_spanish, spanish, after_commit
    ):
        client.force_login(editor)
        form = soup(
            client.get(
                reverse(
                    "wagtail_localize:update_translations",
                    args=(spanish["translation"].source.pk,),
                )
            )
        )
        assert "sent to the medical review" in text(form.find("form"))
        response = self.sync(
            client, editor, spanish["translation"].source, after_commit, publish_translations="on"
        )
        assert "not published; the synced draft is sent to medical review" in (
            admin_messages(response)
        )
        reviewed_spanish.refresh_from_db()
        assert reviewed_spanish.workflow_in_progress
        assert self.NEW_ENGLISH not in self.public_text(client, reviewed_spanish)

        approve(client, reviewer, reviewed_spanish, reviewed_spanish.current_workflow_task_state)
        assert self.NEW_ENGLISH in self.public_text(client, reviewed_spanish)

    def test_a_superusers_publish_goes_to_the_review_too(
        self, client, django_user_model, reviewed_spanish, spanish, after_commit
    ):
        admin = django_user_model.objects.create_superuser("root", "root@example.test", "pw-x")
        self.sync(
            client, admin, spanish["translation"].source, after_commit, publish_translations="on"
        )
        reviewed_spanish.refresh_from_db()
        assert reviewed_spanish.workflow_in_progress
        assert self.NEW_ENGLISH not in self.public_text(client, reviewed_spanish)

    def test_a_page_that_is_not_clinical_is_published_as_before(
        self, client, editor, spanish, home, es, after_commit
    ):
        home_es = home.get_translation(es)
        home.refresh_from_db()
        home.title = "Welcome to the practice"
        home.save_revision().publish()
        source = TranslationSource.objects.get_for_instance(home)
        self.sync(client, editor, source, after_commit, publish_translations="on")
        home_es.refresh_from_db()
        assert home_es.title == "Welcome to the practice"
        assert not home_es.has_unpublished_changes

    def test_nor_is_any_page_a_machine_translated_unapproved(
        self, client, settings, editor, spanish, home, es, after_commit
    ):
        settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = DUMMY_TRANSLATOR
        home_es = home.get_translation(es)
        home.refresh_from_db()
        home.title = "Welcome to the practice"
        home.save_revision().publish()
        source = TranslationSource.objects.get_for_instance(home)
        response = self.sync(
            client,
            editor,
            source,
            after_commit,
            publish_translations="on",
            use_machine_translation="on",
        )
        assert "machine-translated and no translator or medical reviewer has approved" in (
            admin_messages(response)
        )
        home_es.refresh_from_db()
        assert home_es.title != "practice the to Welcome"  # the machine's, not published
        assert home_es.get_latest_revision_as_object().title == "practice the to Welcome"


class TestPOFileRoundTrip:
    def test_a_translator_downloads_and_uploads_a_procedures_sections(
        self, client, spanish, translator, procedure, after_commit
    ):
        translation = spanish["translation"]
        client.force_login(translator)
        response = client.get(reverse("wagtail_localize:download_pofile", args=(translation.pk,)))
        assert response.status_code == 200
        po = polib.pofile(response.content.decode())
        contexts = {entry.msgctxt.split(".")[0] for entry in po}
        # Every section field is there to translate; the review stamps are not.
        assert set(SECTION_FIELDS) <= contexts
        assert not set(REVIEW_STAMP_FIELDS) & contexts
        assert not {"reviewer", "last_reviewed", "next_review_due"} & {
            segment.context.path for segment in translation.source.overridablesegment_set.all()
        }

        spanish_words = {
            "occipital-nerve-block": "bloqueo-del-nervio-occipital",
            "An overview of the procedure.": "Una descripción del procedimiento.",
            "Infection.": "Infección.",
        }
        for entry in po:
            entry.msgstr = spanish_words.get(entry.msgid, f"[es] {entry.msgid}")
        upload = SimpleUploadedFile("bloqueo.po", str(po).encode(), "text/x-gettext-translation")
        edit = reverse("wagtailadmin_pages:edit", args=(spanish["procedure"].pk,))
        response = client.post(
            reverse("wagtail_localize:upload_pofile", args=(translation.pk,)),
            {"file": upload, "next": edit},
        )
        assert response.status_code == 302
        imported = StringTranslation.objects.filter(locale=translation.target_locale)
        assert imported.exists()
        assert set(imported.values_list("translation_type", flat=True)) == {"manual"}

        with after_commit():
            translation.save_target(publish=True)  # a reviewer publishes it
        client.logout()
        spanish["procedure"].refresh_from_db()
        assert spanish["procedure"].url == "/es/procedures/bloqueo-del-nervio-occipital/"
        page = soup(client.get(spanish["procedure"].url))
        assert "Una descripción del procedimiento." in text(one(page, "main"))
        assert "Infección." in text(one(page, "main"))


class TestMachineTranslation:
    @pytest.fixture
    def machine_translated(self, client, settings, spanish, editor):
        """An editor presses "Translate with Dummy translator" in wagtail-localize's editor."""
        settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = DUMMY_TRANSLATOR
        translation = spanish["translation"]
        client.force_login(editor)
        response = client.post(
            reverse("wagtail_localize:machine_translate", args=(translation.pk,)), {"next": "/"}
        )
        assert response.status_code == 302
        assert StringTranslation.objects.filter(translation_type="machine").exists()
        client.logout()
        return spanish["procedure"]

    @pytest.fixture
    def publish_in_translation_editor(self, client, after_commit):
        """ "Publish in Español" in wagtail-localize's editor."""

        def publish(user, page):
            client.force_login(user)
            with after_commit():
                return client.post(
                    reverse("wagtailadmin_pages:edit", args=(page.pk,)),
                    {"action": "publish"},
                    follow=True,
                )

        return publish

    def test_publishing_is_refused_with_the_reason_and_logged(
        self, client, machine_translated, reviewer, publish_in_translation_editor
    ):
        before = machine_translated.last_published_at
        response = publish_in_translation_editor(reviewer, machine_translated)

        assert "were machine-translated" in admin_messages(response)
        assert "Approve the translation" in admin_messages(response)
        machine_translated.refresh_from_db()
        assert machine_translated.last_published_at == before
        assert "procedure. the of overview An" not in machine_translated.overview
        assert PageLogEntry.objects.filter(
            page=machine_translated, action="reviews.translation_publish_refused"
        ).exists()

    def test_the_editor_says_why_when_opened(self, client, machine_translated, editor):
        client.force_login(editor)
        response = client.get(reverse("wagtailadmin_pages:edit", args=(machine_translated.pk,)))
        assert "cannot be published until a translator or medical reviewer approves" in (
            admin_messages(response)
        )

    def test_the_medical_review_cannot_approve_it_either(
        self, client, machine_translated, editor, reviewer
    ):
        machine_translated.save_revision(user=editor)
        workflow_state = Workflow.objects.get(name="Medical review").start(
            machine_translated, editor
        )
        client.force_login(reviewer)
        url = reverse(
            "wagtailadmin_pages:workflow_action",
            args=(machine_translated.pk, "approve", workflow_state.current_task_state.pk),
        )
        response = client.post(url, {"comment": ""}, follow=True)
        # Said as the editor says it, not Wagtail's "you do not have permission".
        assert "were machine-translated and no translator or medical reviewer has approved" in (
            admin_messages(response)
        )
        assert "Approve the translation" in admin_messages(response)
        machine_translated.refresh_from_db()
        assert machine_translated.workflow_in_progress
        assert "procedure. the of overview An" not in machine_translated.overview
        assert PageLogEntry.objects.filter(
            page=machine_translated, action="reviews.translation_publish_refused"
        ).exists()

        # The dashboard's "Awaiting your review" sends it from its modal, then follows.
        answer = client.post(url, {"comment": ""}, headers={"x-requested-with": "XMLHttpRequest"})
        followed = client.get(answer.json()["redirect"])
        assert "were machine-translated" in admin_messages(followed)
        machine_translated.refresh_from_db()
        assert machine_translated.workflow_in_progress

    def test_bulk_publish_leaves_it_out_and_publishes_the_others(
        self, client, machine_translated, reviewer, procedure
    ):
        procedure.refresh_from_db()
        procedure.summary = "A procedure we offer, updated."
        procedure.save_revision()
        before = machine_translated.last_published_at
        client.force_login(reviewer)
        url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
        response = client.post(
            f"{url}?id={machine_translated.pk}&id={procedure.pk}&next=/admin/",
            {},
            follow=True,
        )
        assert response.status_code == 200
        assert "were machine-translated" in admin_messages(response)
        assert "1 page has been published" in admin_messages(response)
        machine_translated.refresh_from_db()
        assert machine_translated.last_published_at == before
        assert "procedure. the of overview An" not in machine_translated.overview
        procedure.refresh_from_db()
        assert procedure.summary == "A procedure we offer, updated."

    def test_bulk_publish_with_descendants_leaves_it_out(
        self, client, machine_translated, reviewer
    ):
        machine_translated.unpublish()
        section = machine_translated.get_parent()
        client.force_login(reviewer)
        url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
        response = client.post(
            f"{url}?id={section.pk}&next=/admin/", {"include_descendants": "on"}, follow=True
        )
        assert "were machine-translated" in admin_messages(response)
        assert "1 page has been published" in admin_messages(response)
        machine_translated.refresh_from_db()
        assert not machine_translated.live

    def test_bulk_publish_of_it_alone_publishes_nothing(self, client, machine_translated, reviewer):
        before = machine_translated.last_published_at
        client.force_login(reviewer)
        url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
        response = client.post(f"{url}?id={machine_translated.pk}&next=/admin/", {}, follow=True)
        assert response.status_code == 200
        assert "were machine-translated" in admin_messages(response)
        assert "has been published" not in admin_messages(response)
        machine_translated.refresh_from_db()
        assert machine_translated.last_published_at == before

    def test_no_other_way_publishes_it(self, machine_translated):
        with pytest.raises(MachineTranslationNotApproved):
            machine_translated.save_revision().publish()

    def test_an_editor_may_not_approve(self, client, machine_translated, editor):
        client.force_login(editor)
        url = reverse("reviews_approve_translation", args=(machine_translated.pk,))
        page = soup(client.get(url))
        assert "Only a member of “Translators” or “Medical reviewers”" in text(page)
        assert not page.select("form button[type=submit]")
        response = client.post(url, follow=True)
        assert "do not have permission" in admin_messages(response)
        assert not PageLogEntry.objects.filter(action="reviews.translation_approved").exists()

    def test_a_translator_approves_then_a_reviewer_publishes(
        self, client, machine_translated, translator, reviewer, publish_in_translation_editor
    ):
        client.force_login(translator)
        url = reverse("reviews_approve_translation", args=(machine_translated.pk,))
        page = soup(client.get(url))
        sources = [text(td) for td in page.select("table.listing tbody td:first-child")]
        assert "An overview of the procedure." in sources
        response = client.post(url, follow=True)
        assert "approved" in admin_messages(response)
        entry = PageLogEntry.objects.get(
            page=machine_translated, action="reviews.translation_approved"
        )
        assert entry.user == translator
        assert entry.data["machine_translators"] == ["Dummy translator"]

        response = publish_in_translation_editor(reviewer, machine_translated)
        machine_translated.refresh_from_db()
        assert "procedure. the of overview An" in machine_translated.overview  # the machine's
        assert "machine-translated" not in admin_messages(response)

    def test_a_machine_translation_after_the_approval_needs_a_new_one(
        self,
        client,
        machine_translated,
        spanish,
        translator,
        reviewer,
        procedure,
        publish_in_translation_editor,
    ):
        client.force_login(translator)
        client.post(reverse("reviews_approve_translation", args=(machine_translated.pk,)))
        procedure.overview = "<p>A brand new overview.</p>"
        procedure.save_revision().publish()
        translation = spanish["translation"]
        translation.source.update_from_db()
        client.post(reverse("wagtail_localize:machine_translate", args=(translation.pk,)))

        response = publish_in_translation_editor(reviewer, machine_translated)
        assert "1 passage of this page was machine-translated" in admin_messages(response)

    def test_a_passage_retyped_by_a_person_needs_no_approval(
        self, client, machine_translated, spanish, editor
    ):
        translation = spanish["translation"]
        client.force_login(editor)
        for segment in translation.source.stringsegment_set.all():
            response = client.put(
                reverse(
                    "wagtail_localize:edit_string_translation",
                    args=(translation.pk, segment.pk),
                ),
                f"value=Texto+{segment.pk}",
                content_type="application/x-www-form-urlencoded",
            )
            assert response.status_code in (200, 201)
        response = client.get(reverse("wagtailadmin_pages:edit", args=(machine_translated.pk,)))
        assert response.status_code == 200
        assert "machine-translated" not in admin_messages(response)
