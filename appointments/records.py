"""What the practice keeps about appointment requests: the requests, their
status changes and notes, and the notification settings.

The form page that creates them is in models.py, which imports this module:
the views and tasks read these models without importing the page, so no
import cycle runs through the page's routes.

A request is health information. It lives only in these tables, is shown only
in the admin to users with the appointment permissions, and never appears in
an email, a log line or an audit entry label (`__str__` is the reference).
"""

import datetime
import functools
import secrets

import holidays
import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.log_actions import log

from practice.phone import tel_uri

# No 0/O, 1/I/L: a reference read out over the phone cannot be misheard.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8

# The page types a patient can name as the reason for the visit.
REASON_PAGE_MODELS = ("procedures.ProcedurePage", "conditions.ConditionPage")


def readable_phone(number):
    """An E.164 number written the way the practice's region writes it ("" stays "")."""
    try:
        parsed = phonenumbers.parse(number, settings.PRACTICE_REGION)
    except phonenumbers.NumberParseException:
        return number
    local = phonenumbers.region_code_for_number(parsed) == settings.PRACTICE_REGION
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if local
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, style)


def new_reference():
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


@functools.cache
def public_holidays(region, subdivision):
    """The public holidays (with their observed days) of a country and state, any year."""
    return holidays.country_holidays(region, subdiv=subdivision or None)


def is_business_day(day):
    """Monday to Friday, and not a public holiday where the practice is."""
    closed = public_holidays(settings.PRACTICE_REGION, settings.PRACTICE_SUBDIVISION)
    return day.weekday() < 5 and day not in closed


def practice_today():
    """Today's date where the practice is (its business days are its local dates)."""
    return timezone.localdate(timezone.now(), timezone.get_default_timezone())


def business_days_between(start, end):
    """How many business days after `start`, up to and including `end`."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_business_day(day):
            count += 1
    return count


def add_business_days(start, days):
    """`start` moved on by `days` business days, at the same time of day.

    Weekends and the public holidays of settings.PRACTICE_REGION and
    PRACTICE_SUBDIVISION (a holiday on a weekend is observed on a weekday) do not
    count. `start` is a local time of the practice: its date decides.
    """
    moment = start
    remaining = days
    while remaining > 0:
        moment += datetime.timedelta(days=1)
        if is_business_day(moment):
            remaining -= 1
    return moment


class AppointmentRequestQuerySet(models.QuerySet):
    def new(self):
        return self.filter(status=AppointmentRequest.Status.NEW)

    def estimates_owed(self):
        """Self-pay requests whose Good Faith Estimate is not sent (spam and declined aside)."""
        return self.filter(estimate_due__isnull=False, estimate_sent_at__isnull=True).exclude(
            status__in=[AppointmentRequest.Status.SPAM, AppointmentRequest.Status.DECLINED]
        )

    def estimates_overdue(self, today=None):
        """Owed estimates past their due date (`today`: the practice's date)."""
        return self.estimates_owed().filter(estimate_due__lt=today or practice_today())


class AppointmentRequest(models.Model):
    """One patient's request to be called back about an appointment."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        SCHEDULED = "scheduled", "Scheduled"
        CLOSED = "closed", "Closed"
        DECLINED = "declined", "Declined"
        SPAM = "spam", "Set aside (possible spam)"

    class ContactMethod(models.TextChoices):
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Email"

    class PatientStatus(models.TextChoices):
        NEW = "new", "New patient"
        RETURNING = "returning", "Returning patient"

    class Payment(models.TextChoices):
        INSURANCE = "insurance", "Insurance"
        SELF_PAY = "self_pay", "No insurance, or paying myself"
        NOT_SURE = "not_sure", "Not sure"

    class FormLanguage(models.TextChoices):
        # The site's languages (settings.LANGUAGES), named in English for the front desk.
        ENGLISH = "en", "English"
        SPANISH = "es", "Spanish"

    class PreferredTimes(models.TextChoices):
        MORNINGS = "mornings", "Weekday mornings"
        AFTERNOONS = "afternoons", "Weekday afternoons"
        ANY = "any", "Any time"

    reference = models.CharField(max_length=REFERENCE_LENGTH, unique=True, editable=False)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.NEW, db_index=True
    )
    spam_reasons = models.CharField(
        max_length=255, blank=True, editable=False, help_text="Why the form set this aside."
    )
    created_at = models.DateTimeField("received", default=timezone.now)
    # When the status last changed (for a new request, when it arrived): retention counts from it.
    status_changed_at = models.DateTimeField(default=timezone.now, editable=False)

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    phone = models.CharField(max_length=20, help_text="E.164, e.g. +12035550142")
    phone_extension = models.CharField(
        max_length=10, blank=True, help_text="Dialled after the number, e.g. 4417."
    )
    email = models.EmailField(blank=True, help_text="Given when the patient chose email.")
    preferred_contact = models.CharField(
        "preferred contact method", max_length=10, choices=ContactMethod.choices
    )
    patient_status = models.CharField(
        "new or returning", max_length=10, choices=PatientStatus.choices
    )
    location = models.ForeignKey(
        "locations.LocationPage",
        verbose_name="preferred location",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as typed at the time, so renaming or deleting a page loses nothing.
    location_name = models.CharField(max_length=255, blank=True, editable=False)
    reason = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A procedure or condition page; empty means “Not sure”.",
    )
    reason_name = models.CharField(max_length=255, blank=True, editable=False)
    preferred_times = models.CharField(max_length=12, choices=PreferredTimes.choices)
    insurance = models.CharField(max_length=100, blank=True)
    payment = models.CharField(
        "how the patient will pay", max_length=12, choices=Payment.choices, blank=True
    )
    # The No Surprises Act's Good Faith Estimate, owed to a self-pay patient (estimates.py).
    service_date = models.DateField(
        "appointment date",
        null=True,
        blank=True,
        help_text="The day of the scheduled visit: it sets when a self-pay patient's "
        "Good Faith Estimate is due.",
    )
    estimate_due = models.DateField("estimate due", null=True, editable=False)
    estimate_sent_at = models.DateTimeField("estimate sent", null=True, editable=False)
    # Access and language: what the front desk arranges before the visit.
    preferred_language = models.CharField(max_length=60, blank=True)
    needs_interpreter = models.BooleanField("needs an interpreter", default=False)
    accessibility_needs = models.TextField(max_length=500, blank=True)
    physician = models.ForeignKey(
        "team.TeamMemberPage",
        verbose_name="preferred physician",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    physician_name = models.CharField(max_length=255, blank=True, editable=False)
    # The language of the form the patient used (English, or Spanish at /es/): their
    # confirmation email is written in it, and the front desk may call back in it.
    form_language = models.CharField(
        max_length=8,
        choices=FormLanguage.choices,
        default=settings.LANGUAGE_CODE,
        editable=False,
        help_text="The language of the form the patient filled in.",
    )
    message = models.TextField(max_length=1000, blank=True)
    consented_at = models.DateTimeField("consented to be contacted at", null=True, editable=False)
    # The key of the form load that sent it: the same load posted again (a double
    # click, a resubmit after "back") finds this request instead of making another.
    form_key = models.CharField(max_length=64, null=True, unique=True, editable=False)

    objects = AppointmentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "appointment request"
        indexes = [
            # The front desk's list (appointments/viewsets.py): newest first, all but spam
            # unless a status is chosen, filtered by status, preferred location or new or
            # returning. Each index holds a filter's rows in the list's order, and the status
            # after it, so the list is counted and paged in the index: the table is read only
            # for the 50 rows shown (bench/bench_admin_list.py).
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["created_at", "status"], name="appointment_recent"),
            models.Index(
                fields=["location", "created_at", "status"], name="appointment_location_recent"
            ),
            models.Index(
                fields=["patient_status", "created_at", "status"], name="appointment_patient_recent"
            ),
            # The retention purge: closed, declined or spam since before a cutoff.
            models.Index(fields=["status", "status_changed_at"]),
            # Good Faith Estimates still owed, by due date (the list's filter, the dashboard).
            models.Index(
                fields=["estimate_due"],
                name="appointment_estimate_owed",
                condition=models.Q(estimate_due__isnull=False, estimate_sent_at__isnull=True),
            ),
        ]

    def __str__(self):
        # Only the reference: this string lands in audit log labels and admin titles.
        return self.reference

    def save(self, *args, **kwargs):
        # Unique by constraint: a clash (1 in 31**8 per pair) raises IntegrityError,
        # and the form's view draws again.
        if not self.reference:
            self.reference = new_reference()
        super().save(*args, **kwargs)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def phone_display(self):
        """The number as the practice's staff dial it: (203) 555-0187, or +44 20 … abroad."""
        number = readable_phone(self.phone)
        return f"{number} ext. {self.phone_extension}" if self.phone_extension else number

    @property
    def phone_href(self):
        return tel_uri(
            f"{self.phone} ext. {self.phone_extension}" if self.phone_extension else self.phone
        )

    @property
    def reason_display(self):
        return self.reason_name or "Not sure"

    @property
    def physician_display(self):
        return self.physician_name or "No preference"

    @property
    def interpreter_display(self):
        return "Yes" if self.needs_interpreter else "No"

    def call_back_by(self, clock):
        """When the practice promised to have called back, in opening hours (callback.py)."""
        return clock.deadline(self.created_at, self.location_id)

    def is_overdue(self, clock, now=None):
        if self.status != self.Status.NEW:
            return False
        return (now or timezone.now()) > self.call_back_by(clock)

    def scheduled_on(self):
        """The practice's date the request was last moved to Scheduled (None: never)."""
        change = (
            self.status_changes.filter(to_status=self.Status.SCHEDULED)
            .order_by("-changed_at", "-pk")
            .first()
        )
        if change is None:
            return None
        return timezone.localdate(change.changed_at, timezone.get_default_timezone())

    def good_faith_estimate_due(self):
        """When the No Surprises Act wants a self-pay patient's Good Faith Estimate (None: not owed).

        45 CFR 149.610(b): within 3 business days of a request for one (a self-pay
        request on the form is one); once the visit is scheduled, within 1 business
        day when it is 3 to 9 business days away and within 3 business days when it
        is 10 or more. The earliest deadline that applies is the one to meet.
        """
        if self.payment != self.Payment.SELF_PAY:
            return None
        received = timezone.localdate(self.created_at, timezone.get_default_timezone())
        deadlines = [add_business_days(received, 3)]
        scheduled = self.scheduled_on() if self.service_date else None
        if scheduled is not None:
            away = business_days_between(scheduled, self.service_date)
            if away >= 10:
                deadlines.append(add_business_days(scheduled, 3))
            elif away >= 3:
                deadlines.append(add_business_days(scheduled, 1))
        return min(deadlines)

    def estimate_is_overdue(self, today=None):
        return (
            self.estimate_due is not None
            and self.estimate_sent_at is None
            and self.status not in (self.Status.SPAM, self.Status.DECLINED)
            and self.estimate_due < (today or practice_today())
        )

    def change_status(self, seen_status, to_status, user):
        """Move this request to `to_status` and record the status it actually replaced.

        Two staff can change one request at once, both having read the same status.
        Compare-and-set: the update applies only if the status is still `seen_status`,
        and it is the transaction's first statement, so it takes the write lock before
        anything is read (the row's lock on PostgreSQL; the database's on SQLite,
        where a read first and a write later can deadlock). If another change got in
        first, the row is read again under that lock and its status is the one
        replaced. Returns the StatusChange, or None when there was nothing to change.
        """
        rows = AppointmentRequest.objects.filter(pk=self.pk)
        with transaction.atomic():
            now = timezone.now()
            if rows.filter(status=seen_status).update(status=to_status, status_changed_at=now):
                from_status = seen_status
            else:
                from_status = rows.select_for_update().values_list("status", flat=True).get()
                if from_status == to_status:
                    return None
                now = timezone.now()
                rows.update(status=to_status, status_changed_at=now)
            self.status = to_status
            self.status_changed_at = now
            change = StatusChange.objects.create(
                request=self,
                from_status=from_status,
                to_status=to_status,
                changed_by=user,
                changed_at=now,
            )
            log(
                self,
                "appointments.status_change",
                user=user,
                data={"from": from_status, "to": to_status},
            )
        return change


class StatusChange(models.Model):
    """One change of a request's status: who, when, from what, to what."""

    request = models.ForeignKey(
        AppointmentRequest, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=12, choices=AppointmentRequest.Status.choices)
    to_status = models.CharField(max_length=12, choices=AppointmentRequest.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.request}: {self.from_status} → {self.to_status}"


class Note(models.Model):
    """What the front desk recorded about a request. Appended, never edited."""

    request = models.ForeignKey(AppointmentRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(max_length=2000)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Note on {self.request}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Notes are appended, never edited: add a new note instead.")
        super().save(*args, **kwargs)


def validate_email_list(value):
    for address in split_addresses(value):
        validate_email(address)
    if not split_addresses(value) and value.strip():
        raise ValidationError("Enter email addresses separated by commas or new lines.")


def split_addresses(value):
    return [item.strip() for item in value.replace(",", "\n").splitlines() if item.strip()]


@register_setting(icon="mail")
class AppointmentSettings(BaseSiteSetting):
    """Who hears about new requests, and what the practice promises patients."""

    notification_emails = models.TextField(
        "notify these addresses",
        blank=True,
        validators=[validate_email_list],
        help_text="One per line. They get the reference, location and a link: never "
        "the patient's details.",
    )
    call_back_business_days = models.PositiveSmallIntegerField(
        "call back within (business days)",
        default=1,
        help_text="Requests still New after this are highlighted as overdue.",
    )
    send_patient_confirmation = models.BooleanField(
        "email the patient a confirmation",
        default=False,
        help_text="Only the reference and the practice's phone number.",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("notification_emails"), FieldPanel("send_patient_confirmation")],
            heading="Notifications",
        ),
        FieldPanel("call_back_business_days"),
    ]

    class Meta:
        verbose_name = "appointment requests"

    @property
    def notification_addresses(self):
        return split_addresses(self.notification_emails)
