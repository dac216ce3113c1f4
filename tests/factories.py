"""Factories for every page type and model; test_factories.py fails when one is missing."""

import datetime

import factory
import wagtail_factories
from django.utils import timezone
from wagtail.models import Site

from appointments.models import (
    AppointmentRequest,
    AppointmentRequestPage,
    AppointmentSettings,
    Note,
    StatusChange,
)
from conditions.models import ConditionIndexPage, ConditionPage
from locations.models import LocationIndexPage, LocationPage, OpeningHours
from newsletter.models import NewsletterIndexPage, NewsletterIssuePage, NewsletterSubscriber
from practice.images import SiteImage
from practice.models import (
    FooterLink,
    HomeFeaturedCondition,
    HomeFeaturedService,
    HomePage,
    NondiscriminationNoticePage,
    PracticeSettings,
    StandardPage,
)
from procedures.models import ProcedureIndexPage, ProcedurePage
from research.models import Publication, ResearchPage
from team.models import TeamIndexPage, TeamMemberPage

# A patient's answers on the appointment form, as typed.
PATIENT = {
    "first_name": "Rosalind",
    "last_name": "Quimby",
    "phone": "(203) 555-0187",
    "email": "rosalind.quimby@example.test",
    "message": "Pain in my left shoulder since March",
    "insurance": "Acme Health Gold",
}


def bullets(*items):
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


class ImageFactory(wagtail_factories.ImageFactory):
    """A site image, described for patients; `description=""` for one that says nothing."""

    title = factory.Sequence(lambda n: f"Photo {n}")
    description = factory.LazyAttribute(lambda image: f"What the photo “{image.title}” shows")

    class Meta:
        model = SiteImage


class HomePageFactory(wagtail_factories.PageFactory):
    title = "Demo Practice"
    hero_heading = "Neurology and pain care"
    hero_text = "Care close to home."

    class Meta:
        model = HomePage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Standard page {n}")
    summary = "A page of prose."
    body = "<p>Some words for patients.</p>"

    class Meta:
        model = StandardPage


class NondiscriminationNoticePageFactory(wagtail_factories.PageFactory):
    title = "Nondiscrimination notice"
    slug = "nondiscrimination"
    statement = "<p>We do not discriminate.</p>"
    free_help = "<p>Free interpreters and large print.</p>"
    grievance = "<p>Tell our coordinator.</p>"
    civil_rights_complaint = "<p>Or HHS's Office for Civil Rights.</p>"

    class Meta:
        model = NondiscriminationNoticePage


class NewsletterIndexPageFactory(wagtail_factories.PageFactory):
    title = "Newsletters"
    slug = "newsletters"

    class Meta:
        model = NewsletterIndexPage


class NewsletterIssuePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Spring news {n}")
    summary = "New clinic hours and a note on migraine diaries."
    body = (
        "<h2>New hours</h2><p>We now open at <b>8am</b>. "
        '<a href="https://example.org/hours">See the hours</a>.</p>'
        "<ul><li>Monday to Friday</li><li>Saturday mornings</li></ul>"
    )

    class Meta:
        model = NewsletterIssuePage


class TeamIndexPageFactory(wagtail_factories.PageFactory):
    title = "Meet The Team"

    class Meta:
        model = TeamIndexPage


class TeamMemberPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Team member {n}")
    name = factory.Sequence(lambda n: f"Casey Example {n}")
    credentials = "MD"
    role = "Neurologist"

    class Meta:
        model = TeamMemberPage


class LocationIndexPageFactory(wagtail_factories.PageFactory):
    title = "Locations"

    class Meta:
        model = LocationIndexPage


class LocationPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Clinic {n}")
    summary = "A clinic close to home."
    street = factory.Sequence(lambda n: f"{n} Example Avenue")
    city = "Stamford"
    state = "CT"
    postal_code = "06901"
    phone = "(203) 555-0100"
    fax = "(203) 555-0101"
    email = "clinic@example.test"

    class Meta:
        model = LocationPage


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    location = factory.SubFactory(LocationPageFactory)
    weekday = OpeningHours.Weekday.MONDAY
    opens = datetime.time(9)
    closes = datetime.time(17)

    class Meta:
        model = OpeningHours


class NewsletterSubscriberFactory(factory.django.DjangoModelFactory):
    email = factory.Sequence(lambda n: f"reader{n}@example.test")
    consented_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = NewsletterSubscriber

    class Params:
        # NewsletterSubscriberFactory(confirmed=True): followed the emailed link.
        confirmed = factory.Trait(confirmed_at=factory.LazyFunction(timezone.now))


class ConditionIndexPageFactory(wagtail_factories.PageFactory):
    title = "Conditions"

    class Meta:
        model = ConditionIndexPage


class ConditionPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Condition {n}")
    summary = "A condition we treat."
    overview = "<p>What this condition is.</p>"

    class Meta:
        model = ConditionPage


class ProcedureIndexPageFactory(wagtail_factories.PageFactory):
    title = "Procedures"

    class Meta:
        model = ProcedureIndexPage


class ProcedurePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Test Procedure {n}")
    summary = "A procedure we offer."
    overview = "<p>An overview of the procedure.</p>"
    preparation = bullets("Bring your medication list.", "Eat a light meal.")
    reasons = bullets("To relieve pain.", "To help find the cause of pain.")
    during = bullets("You lie on your side.", "It takes about 15 minutes.")
    follow_up = bullets("Rest for the day.", "We call you within a week.")
    common_risks = bullets("Soreness where the needle went in.", "Brief bruising.")
    serious_risks = bullets("Infection.", "Allergic reaction.")
    related_tests = bullets("An MRI may be ordered first.")
    # Serious risks need it before the editor's form publishes.
    aftercare_call_911 = bullets("Your face or lips swell.")
    last_reviewed = datetime.date(2026, 9, 30)

    class Meta:
        model = ProcedurePage


class AppointmentRequestPageFactory(wagtail_factories.PageFactory):
    title = "Request Appointment"
    slug = "request-appointment"

    class Meta:
        model = AppointmentRequestPage


class PracticeSettingsFactory(factory.django.DjangoModelFactory):
    site = factory.LazyFunction(lambda: Site.objects.get(is_default_site=True))
    practice_name = "Demo Practice"
    phone = "(203) 555-0142"
    email = "info@example.test"
    footer_blurb = "Neurology and pain care."
    copyright_holder = "Demo Practice PLLC"
    youtube_url = "https://www.youtube.com/@example"
    tiktok_url = "https://www.tiktok.com/@example"
    instagram_url = "https://www.instagram.com/example"

    class Meta:
        model = PracticeSettings
        django_get_or_create = ("site",)


class FooterLinkFactory(factory.django.DjangoModelFactory):
    setting = factory.SubFactory(PracticeSettingsFactory)
    column = "conditions"
    page = factory.SubFactory(ConditionPageFactory)

    class Meta:
        model = FooterLink


class AppointmentRequestFactory(factory.django.DjangoModelFactory):
    first_name = factory.Sequence(lambda n: f"Patient{n}")
    last_name = "Example"
    phone = "+12035550199"
    email = factory.Sequence(lambda n: f"patient{n}@example.test")
    preferred_contact = AppointmentRequest.ContactMethod.PHONE
    patient_status = AppointmentRequest.PatientStatus.NEW
    location = None
    location_name = "Stamford clinic"
    preferred_times = AppointmentRequest.PreferredTimes.ANY
    consented_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = AppointmentRequest


class AppointmentSettingsFactory(factory.django.DjangoModelFactory):
    site = factory.LazyFunction(lambda: Site.objects.get(is_default_site=True))
    notification_emails = "frontdesk@example.test"
    call_back_business_days = 1

    class Meta:
        model = AppointmentSettings
        django_get_or_create = ("site",)


class StatusChangeFactory(factory.django.DjangoModelFactory):
    request = factory.SubFactory(AppointmentRequestFactory)
    from_status = AppointmentRequest.Status.NEW
    to_status = AppointmentRequest.Status.CONTACTED

    class Meta:
        model = StatusChange


class NoteFactory(factory.django.DjangoModelFactory):
    request = factory.SubFactory(AppointmentRequestFactory)
    text = "Left a voicemail."

    class Meta:
        model = Note


class HomeFeaturedConditionFactory(factory.django.DjangoModelFactory):
    home = factory.SubFactory(HomePageFactory)
    page = factory.SubFactory(ConditionPageFactory)

    class Meta:
        model = HomeFeaturedCondition


class HomeFeaturedServiceFactory(factory.django.DjangoModelFactory):
    home = factory.SubFactory(HomePageFactory)
    page = factory.SubFactory(ProcedurePageFactory)

    class Meta:
        model = HomeFeaturedService


class ResearchPageFactory(wagtail_factories.PageFactory):
    title = "Research"
    slug = "research"

    class Meta:
        model = ResearchPage


class PublicationFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Occipital nerve block in migraine: cohort {n}")
    authors = "Sader E\nOkafor MJ"
    journal = "Headache: The Journal of Head and Face Pain"
    journal_abbreviation = "Headache"
    year = 2024
    volume = "64"
    issue = "2"
    pages = "101-110"
    doi = factory.Sequence(lambda n: f"10.5555/demo.{n}")

    class Meta:
        model = Publication
