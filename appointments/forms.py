"""The patient's appointment request form.

Plain Django form, rendered by the page without JavaScript. Spam checks (a
honeypot and a signed start time) are read by the view, not by `is_valid()`:
a post that trips them is still stored, as Spam, so a real patient is never
lost.

The form speaks the page's language (English at today's URL, Spanish at /es/,
locale/es/LC_MESSAGES/django.po): its labels, help, choices and messages. What
it stores does not depend on the language: choices as their codes (the admin
shows the model's English labels), and the English page a patient chose (a
location, a reason, a physician) even when its Spanish translation's title was
the one offered, so the front desk reads every request in English.
"""

import re
import secrets
import time

import phonenumbers
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from appointments.records import REASON_PAGE_MODELS, AppointmentRequest
from locations.models import LocationPage
from practice.languages import locale_code
from practice.navigation import at_most, public
from team.models import TeamMemberPage

PHONE_REGION = "US"
NOT_SURE = "not-sure"
TIMER_SALT = "appointments.form-started"
HONEYPOT_FIELD = "website"
# One message for every unusable phone value, too long or not a number: a value
# over the limit is not a phone number either (browsers stop at maxlength anyway),
# and a length-dependent message would make two wrong numbers answer differently.
INVALID_PHONE = _("Enter a valid phone number, including the area code, like (203) 555-0142.")

Request = AppointmentRequest


# A page id as a form sends it: ASCII digits that fit a bigint. str.isdigit() is no test:
# it takes "²" and "١٢", which int() then refuses, and 30 digits overflow SQLite's integers.
PAGE_ID = re.compile(r"[0-9]{1,18}")


class OfferedPageChoiceField(forms.ModelChoiceField):
    """A page chosen from those the form lists, compared as the strings the form offered.

    Whatever else is posted (another page's id, a number too large for the
    database, digits of another script) is "invalid_choice", a form error:
    nothing unlisted ever reaches a query.

    The pages offered are the English ones; each is labelled with its title in
    the page's language (`titles`, set by the form) when it has a translation.
    """

    titles = None

    def label_from_instance(self, obj):
        return (self.titles or {}).get(obj.pk) or super().label_from_instance(obj)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value)
        offered = {str(pk): pk for pk in self.queryset.values_list("pk", flat=True)}
        if value not in offered:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return self.queryset.get(pk=offered[value])


# As long as AppointmentRequest.phone_extension holds.
EXTENSION_MAX_LENGTH = 10
# One request per form load: each load carries a key of its own (secrets.token_urlsafe),
# stored with the request; the same key posted again is the same request.
FORM_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
# A message with this many links or more looks like advertising (one of several signals).
MANY_LINKS = 2
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def new_form_key():
    return secrets.token_urlsafe(16)


def form_started_token(at=None):
    """A signed "the form was shown at" value for the hidden timer field."""
    return signing.dumps(at if at is not None else time.time(), salt=TIMER_SALT)


def too_long(label, limit):
    return format_lazy(
        _("{label} must be {limit} characters or fewer. Please shorten it."),
        label=label,
        limit=limit,
    )


def in_language(choices, labels):
    """A model's choices as the form offers them: the stored codes, labels in the page's language.

    The model's own labels stay English: they are what the front desk reads in the admin.
    """
    return [(value, labels[value]) for value in choices.values]


CONTACT_LABELS = {
    Request.ContactMethod.PHONE: _("Phone call"),
    Request.ContactMethod.EMAIL: _("Email"),
}
PATIENT_STATUS_LABELS = {
    Request.PatientStatus.NEW: _("New patient"),
    Request.PatientStatus.RETURNING: _("Returning patient"),
}
PAYMENT_LABELS = {
    Request.Payment.INSURANCE: _("Insurance"),
    Request.Payment.SELF_PAY: _("No insurance, or paying myself"),
    Request.Payment.NOT_SURE: _("Not sure"),
}
TIMES_LABELS = {
    Request.PreferredTimes.MORNINGS: _("Weekday mornings"),
    Request.PreferredTimes.AFTERNOONS: _("Weekday afternoons"),
    Request.PreferredTimes.ANY: _("Any time"),
}


def source_language(queryset):
    """The pages in the site's first language: the ones a request stores, in every language."""
    return queryset.filter(locale__language_code=settings.LANGUAGE_CODE)


def titles_in_language(pages, language=None):
    """{English page id: its live translation's title in `language` (the active one)}.

    Empty in English, and for pages not translated yet (they keep their English title).
    """
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE:
        return {}
    by_key = {page.translation_key: page.pk for page in pages}
    translated = Page.objects.live().filter(
        translation_key__in=by_key, locale__language_code=language
    )
    return {by_key[key]: title for key, title in translated.values_list("translation_key", "title")}


def in_source_language(page):
    """The English page of `page` (itself if it is English, or has no English source)."""
    if page is None or locale_code(page.locale_id) == settings.LANGUAGE_CODE:
        return page
    return (
        type(page)
        .objects.filter(translation_key=page.translation_key)
        .filter(locale__language_code=settings.LANGUAGE_CODE)
        .first()
        or page
    )


class AppointmentRequestForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        error_messages={
            "required": _("Enter your first name."),
            "max_length": too_long(_("First name"), 100),
        },
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        error_messages={
            "required": _("Enter your last name."),
            "max_length": too_long(_("Last name"), 100),
        },
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=30,
        help_text=_("For example (203) 555-0142."),
        error_messages={
            "required": _("Enter a phone number we can call you on."),
            "max_length": INVALID_PHONE,
        },
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    # Needed only when the patient asks to be contacted by email (`clean`).
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        required=False,
        help_text=_("Needed if you would like us to contact you by email."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.com."),
            "max_length": too_long(_("Email address"), 254),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    preferred_contact = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=in_language(Request.ContactMethod, CONTACT_LABELS),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how we should contact you.")},
    )
    patient_status = forms.ChoiceField(
        label=_("Have you been to our practice before?"),
        choices=in_language(Request.PatientStatus, PATIENT_STATUS_LABELS),
        widget=forms.RadioSelect,
        error_messages={"required": _("Tell us whether you are a new or returning patient.")},
    )
    location = OfferedPageChoiceField(
        label=_("Preferred location"),
        queryset=LocationPage.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose a location."),
            "invalid_choice": _("Choose one of the locations listed."),
        },
    )
    reason = forms.ChoiceField(
        label=_("Reason for your visit"),
        help_text=_("Choose the procedure or condition, or “Not sure”."),
        error_messages={
            "required": _("Choose a reason, or “Not sure”."),
            "invalid_choice": _("Choose one of the reasons listed."),
        },
    )
    preferred_times = forms.ChoiceField(
        label=_("When are you usually free?"),
        choices=in_language(Request.PreferredTimes, TIMES_LABELS),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose when you are usually free.")},
    )
    insurance = forms.CharField(
        label=_("Insurance (optional)"),
        max_length=100,
        required=False,
        help_text=_("The name of your insurance plan, if you have one."),
        error_messages={"max_length": too_long(_("Insurance"), 100)},
    )
    payment = forms.ChoiceField(
        label=_("How will you pay? (optional)"),
        choices=in_language(Request.Payment, PAYMENT_LABELS),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the ways to pay listed.")},
    )
    # Access and language (all optional): what the front desk arranges before the visit.
    preferred_language = forms.CharField(
        label=_("Preferred language (optional)"),
        max_length=60,
        required=False,
        help_text=_("For example Spanish, Polish or American Sign Language."),
        error_messages={"max_length": too_long(_("Preferred language"), 60)},
        widget=forms.TextInput(attrs={"autocomplete": "language"}),
    )
    needs_interpreter = forms.BooleanField(
        label=_("I need an interpreter. Interpreters are free of charge."),
        required=False,
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs (optional)"),
        max_length=500,
        required=False,
        help_text=_("For example wheelchair access, a hearing loop, large print or extra time."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": too_long(_("Accessibility needs"), 500)},
    )
    physician = OfferedPageChoiceField(
        label=_("Preferred physician (optional)"),
        queryset=TeamMemberPage.objects.none(),
        required=False,
        empty_label=_("No preference"),
        error_messages={"invalid_choice": _("Choose one of the physicians listed.")},
    )
    message = forms.CharField(
        label=_("Anything else we should know? (optional)"),
        max_length=1000,
        required=False,
        help_text=_(
            "Up to 1,000 characters. Please do not include your medical history; "
            "we will go over it with you."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": too_long(_("Your message"), 1000)},
    )
    consent = forms.BooleanField(
        label=_("I agree to be contacted by the practice about this request."),
        error_messages={"required": _("Tick the box so that we may contact you.")},
    )
    # Spam traps: hidden from people (and from assistive technology), filled in by bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    started = forms.CharField(required=False, widget=forms.HiddenInput)
    form_key = forms.CharField(required=False, widget=forms.HiddenInput)

    radio_fields = ("preferred_contact", "patient_status", "location", "preferred_times", "payment")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = source_language(
            LocationPage.objects.live().public().order_by("path")
        )
        self.fields["physician"].queryset = source_language(
            TeamMemberPage.objects.live().public().filter(is_physician=True).order_by("title")
        )
        for name in ("location", "physician"):
            field = self.fields[name]
            field.titles = titles_in_language(field.queryset.only("id", "translation_key"))
        self.reason_pages = reason_pages()
        if self.is_bound:
            # A reason the page offered only because the patient's link named it.
            value = str(self.data.get(self.add_prefix("reason"), ""))
            known = any(str(page.pk) == value for page in self.reason_pages)
            if not known and PAGE_ID.fullmatch(value):
                self.offer_reason(find_reason_page(pk=int(value)))
        self.fields["reason"].choices = reason_choices(self.reason_pages)
        self.fields[HONEYPOT_FIELD].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.initial.setdefault("started", form_started_token())
            self.initial.setdefault("form_key", new_form_key())
            self.initial.setdefault("reason", NOT_SURE)

    @classmethod
    def typed_values(cls, data):
        """What a post held, as initial values for an unbound form (shown again, never stored)."""
        values = {}
        for name, field in cls.base_fields.items():
            if name not in data:
                continue
            value = str(data.get(name, ""))[: getattr(field, "max_length", None) or 200]
            values[name] = bool(value) if isinstance(field, forms.BooleanField) else value
        return values

    def preselect(self, query):
        """Fill the choices a patient's link carried: ?procedure=, ?condition=, ?location=."""
        for key in ("procedure", "condition"):
            slug = query.get(key)
            if not slug:
                continue
            page = next(
                (p for p in self.reason_pages if p.slug == slug and p.kind == key), None
            ) or self.offer_reason(find_reason_page(slug=slug, kind=key))
            if page is not None:
                self.initial["reason"] = str(page.pk)
        # A Spanish page's link names its own slug or id: the English page is the one offered.
        slug = query.get("location")
        if slug:
            location = in_source_language(
                LocationPage.objects.live().public().filter(slug=slug).first()
            )
            if location and self.fields["location"].queryset.filter(pk=location.pk).exists():
                self.initial["location"] = location.pk
        # From a team member's page: "Request appointment" carries ?physician=<id>.
        physician = str(query.get("physician", ""))
        if PAGE_ID.fullmatch(physician):
            chosen = in_source_language(
                TeamMemberPage.objects.live().public().filter(pk=int(physician)).first()
            )
            if chosen and self.fields["physician"].queryset.filter(pk=chosen.pk).exists():
                self.initial["physician"] = chosen.pk

    def offer_reason(self, page):
        """Add `page` to the reasons offered (a site with more than a menu lists). Returns it."""
        if page is not None and all(p.pk != page.pk for p in self.reason_pages):
            self.reason_pages = sorted(
                [*self.reason_pages, *label_reasons([page])], key=lambda p: p.shown_title
            )
            self.fields["reason"].choices = reason_choices(self.reason_pages)
        return page

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def clean_phone(self):
        """Any way a patient writes a US number, stored as +1XXXXXXXXXX.

        An extension ("ext. 4417", "x4417", "extension 4417") is kept apart, in
        cleaned_data["phone_extension"]: the front desk needs it to reach the patient.
        """
        value = self.cleaned_data["phone"]
        try:
            number = phonenumbers.parse(value, PHONE_REGION)
        except phonenumbers.NumberParseException:
            number = None
        extension = (number.extension or "") if number is not None else ""
        if (
            number is None
            or not phonenumbers.is_valid_number(number)
            or len(extension) > EXTENSION_MAX_LENGTH
        ):
            raise forms.ValidationError(INVALID_PHONE, code="invalid_phone")
        self.cleaned_data["phone_extension"] = extension
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def clean(self):
        cleaned_data = super().clean()
        # Require what the chosen way of contact needs: the phone always, the email for email.
        if (
            cleaned_data.get("preferred_contact") == Request.ContactMethod.EMAIL
            and not cleaned_data.get("email")
            and "email" not in self.errors
        ):
            self.add_error(
                "email", _("Enter your email address, or choose a phone call instead of email.")
            )
        return cleaned_data

    def clean_form_key(self):
        """The form load's key, or "" for a post that carried none usable."""
        value = self.cleaned_data.get("form_key") or ""
        return value if FORM_KEY.fullmatch(value) else ""

    def clean_reason(self):
        value = self.cleaned_data["reason"]
        if value == NOT_SURE:
            return None
        return next(page for page in self.reason_pages if str(page.pk) == value)

    def spam_signals(self):
        """(strong, weak): what makes this post look automated. Call after is_valid().

        A strong signal is something no person's browser does (a field hidden from
        people filled in; the signed timer missing or altered). A weak one a person
        can cause: browser autofill sends a form within seconds, a patient may
        paste links or send from a page kept from an older version of the site.
        """
        strong, weak = [], []
        if self.cleaned_data.get(HONEYPOT_FIELD):
            strong.append("hidden field filled in")
        min_seconds = getattr(settings, "APPOINTMENT_MIN_FILL_SECONDS", 3)
        try:
            started = float(signing.loads(self.cleaned_data.get("started") or "", salt=TIMER_SALT))
        except (signing.BadSignature, TypeError, ValueError):
            strong.append("form timer missing or altered")
        else:
            if time.time() - started < min_seconds:
                weak.append(f"sent within {min_seconds:g} seconds of opening the form")
        links = len(LINK.findall(self.cleaned_data.get("message") or ""))
        if links >= MANY_LINKS:
            weak.append(f"{links} links in the message")
        if not self.cleaned_data.get("form_key"):
            weak.append("form key missing")
        return strong, weak

    def spam_reasons(self):
        """Why this post is set aside (empty: it is a patient's, filed as New).

        One strong signal sets it aside, or two weak ones together: a single weak
        signal (an autofilled form sent in two seconds) never hides a
        real-looking request. The reasons name every signal seen.
        """
        strong, weak = self.spam_signals()
        if strong or len(weak) >= 2:
            return strong + weak
        return []

    def mark_fields_for_assistive_technology(self):
        """Tie help text and errors to their fields with aria-describedby."""
        for name, field in self.fields.items():
            if name in (HONEYPOT_FIELD, "started", "form_key"):
                continue
            described_by = []
            if field.help_text:
                described_by.append(f"{name}-help")
            if name in self.errors:
                described_by.append(f"{name}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if described_by and name not in self.radio_fields:
                field.widget.attrs["aria-describedby"] = " ".join(described_by)

    def error_summary(self):
        """(id to link to, message) for each field in error, in the order of the form."""
        links = []
        for name in self.fields:
            for message in self.errors.get(name, []):
                bound = self[name]
                # A group of radios is reached through its first option.
                anchor = f"{bound.auto_id}_0" if name in self.radio_fields else bound.auto_id
                links.append((anchor, message))
        return links


def _reason_kinds():
    kinds = {}
    for label in REASON_PAGE_MODELS:
        content_type = ContentType.objects.get_for_model(apps.get_model(label))
        kinds[content_type.pk] = "procedure" if label.startswith("procedures") else "condition"
    return kinds


def _reason_queryset(kinds):
    return public(
        Page.objects.live()
        .filter(content_type__in=kinds)
        .only(
            "id",
            "title",
            "slug",
            "content_type_id",
            "show_in_menus",
            "translation_key",
            "locale_id",
        )
    )


def label_reasons(pages):
    """Give each reason page the title a patient reads: its translation's, in Spanish."""
    titles = titles_in_language(pages)
    for page in pages:
        page.shown_title = titles.get(page.pk, page.title)
    return pages


def reason_pages():
    """Live, public procedure and condition pages a patient can choose from, tagged with which.

    Every one of a kind while there are at most as many as a menu lists. A
    practice with hundreds would give patients an endless list and every
    visitor a heavy page: then the ones its menu shows ("Show in menus"), up
    to that limit. A page named by the patient's link or post is added by
    `RequestForm.offer_reason`.
    """
    kinds = _reason_kinds()
    pages = []
    for content_type_id in kinds:
        # The menu's pages first: one query tells a long list and holds what to show of it.
        of_kind = (
            source_language(_reason_queryset(kinds))
            .filter(content_type=content_type_id)
            .order_by("-show_in_menus", "title")
        )
        shown, more = at_most(of_kind)
        if more:
            shown = [page for page in shown if page.show_in_menus]
        pages.extend(shown)
    for page in pages:
        page.kind = kinds[page.content_type_id]
    return sorted(label_reasons(pages), key=lambda page: page.shown_title)


def find_reason_page(**lookup):
    """One live, public procedure or condition page (e.g. by pk or slug and kind), or None.

    Found in any language (a Spanish page's link names its Spanish slug), and
    returned as its English page when it has one: that is what a request stores.
    """
    kinds = _reason_kinds()
    kind = lookup.pop("kind", None)
    wanted = [pk for pk, name in kinds.items() if kind in (None, name)]
    page = _reason_queryset(kinds).filter(content_type__in=wanted, **lookup).first()
    if page is not None and locale_code(page.locale_id) != settings.LANGUAGE_CODE:
        page = (
            source_language(_reason_queryset(kinds))
            .filter(translation_key=page.translation_key)
            .first()
        ) or page
    if page is not None:
        page.kind = kinds[page.content_type_id]
    return page


def reason_choices(pages):
    procedures = [(str(p.pk), p.shown_title) for p in pages if p.kind == "procedure"]
    conditions = [(str(p.pk), p.shown_title) for p in pages if p.kind == "condition"]
    choices = [(NOT_SURE, _("Not sure"))]
    if procedures:
        choices.append((_("Procedures"), procedures))
    if conditions:
        choices.append((_("Conditions"), conditions))
    return choices
