"""The patient's side: show the form, store a request, thank the patient.

Nothing here logs or reports what the patient typed: the POST is marked
sensitive for Django's error reports, and log lines carry the reference only.
"""

import logging
import time
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.debug import sensitive_variables
from wagtail.models import Site

from appointments import ratelimit, tasks
from appointments.forms import AppointmentRequestForm
from appointments.records import AppointmentRequest, AppointmentSettings, new_reference
from practice.clients import client_address

logger = logging.getLogger(__name__)

THANKS_SALT = "appointments.thanks"
THANKS_MAX_AGE = 60 * 60 * 24  # a day: long enough to reload, too short to bookmark
# Oversize posts never get here: practice.middleware.RequestBodyLimitMiddleware answers
# 413 from Content-Length before the CSRF check reads the body (PUBLIC_MAX_BODY_BYTES).


def private(response):
    """Never kept by a shared cache: the form has a CSRF token, the thanks a reference."""
    add_never_cache_headers(response)
    return response


def over_rate_limit(request):
    """Count this post against its client; True once it is over the limit for the last hour.

    Called for posts that would be stored only (see appointments.ratelimit).
    """
    limit = getattr(settings, "APPOINTMENT_RATE_LIMIT", 5)
    if not limit:
        return False
    return ratelimit.count_post(client_address(request)) > limit


def practice_context(page, request):
    site = Site.find_for_request(request) or page.get_site()
    return {"page": page, "self": page, "request": request, "site": site}


@sensitive_variables()
def request_form(page, request):
    # Django's error reports would otherwise include the patient's POST.
    request.sensitive_post_parameters = "__ALL__"
    if request.method == "POST":
        return private(handle_post(page, request))
    if request.method not in ("GET", "HEAD"):
        return private(HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"}))
    form = AppointmentRequestForm()
    form.preselect(request.GET)
    return private(render_form(page, request, form))


def render_form(page, request, form, status=200, not_sent=None):
    """The form page; `not_sent` ("csrf" or "rate_limit") says why a post came back unsent."""
    form.mark_fields_for_assistive_technology()
    context = practice_context(page, request)
    context["form"] = form
    context["not_sent"] = not_sent
    return TemplateResponse(
        request, "appointments/appointment_request_page.html", context, status=status
    )


@sensitive_variables()
def reshow(page, request, not_sent, status):
    """The form again with what the patient typed, unvalidated and unstored, and a fresh token."""
    form = AppointmentRequestForm(initial=AppointmentRequestForm.typed_values(request.POST))
    return private(render_form(page, request, form, status=status, not_sent=not_sent))


@sensitive_variables()
def reshow_after_csrf_failure(request):
    """For practice.csrf: a refused post to the request form comes back as the form (or None)."""
    if request.method != "POST":
        return None
    from appointments.models import AppointmentRequestPage  # the page module imports this one

    for page in AppointmentRequestPage.objects.live().specific():
        if page.get_url(request) == request.path:
            request.sensitive_post_parameters = "__ALL__"
            return reshow(page, request, "csrf", status=403)
    return None


@sensitive_variables()
def handle_post(page, request):
    form = AppointmentRequestForm(request.POST)
    if not form.is_valid():
        # A patient fixing a typo: never counted against the rate limit.
        return render_form(page, request, form)
    # The same form load sent again (a double click, a resubmit): the same thank-you,
    # nothing stored or sent again, nothing counted.
    already = sent_before(form.cleaned_data["form_key"])
    if already is not None:
        return redirect_to_thanks(page, already)
    # Counted only now, for a post that would be stored. Over the limit it is not:
    # the form comes back with what was typed and the phone number.
    if over_rate_limit(request):
        return reshow(page, request, "rate_limit", status=429)
    site = Site.find_for_request(request) or page.get_site()
    appointment = store_request(form, form.spam_reasons(), site)
    return redirect_to_thanks(page, appointment)


def form_language():
    """The page's language, as the URL set it (practice.middleware.URLLanguageMiddleware)."""
    code = translation.get_language() or settings.LANGUAGE_CODE
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def sent_before(form_key):
    if not form_key:
        return None
    return AppointmentRequest.objects.filter(form_key=form_key).only("reference").first()


def redirect_to_thanks(page, appointment):
    thanks_path = page.reverse_subpage(
        "thanks", args=(appointment.reference, thanks_code(appointment.reference))
    )
    return HttpResponseRedirect(page.url + thanks_path)


@sensitive_variables()
def store_request(form, spam_reasons, site):
    """Save the request in one transaction; notify only once it is committed."""
    data = form.cleaned_data
    location = data["location"]
    reason = data["reason"]
    for _attempt in range(3):
        appointment = AppointmentRequest(
            first_name=data["first_name"],
            last_name=data["last_name"],
            phone=data["phone"],
            phone_extension=data.get("phone_extension", ""),
            email=data["email"],
            preferred_contact=data["preferred_contact"],
            patient_status=data["patient_status"],
            location=location,
            location_name=location.title,
            reason=reason,
            reason_name=reason.title if reason else "",
            preferred_times=data["preferred_times"],
            insurance=data["insurance"],
            payment=data.get("payment") or "",
            preferred_language=data.get("preferred_language", "").strip(),
            needs_interpreter=bool(data.get("needs_interpreter")),
            accessibility_needs=data.get("accessibility_needs", "").strip(),
            physician=data.get("physician"),
            physician_name=str(data["physician"]) if data.get("physician") else "",
            message=data["message"],
            consented_at=timezone.now(),
            status=AppointmentRequest.Status.SPAM
            if spam_reasons
            else AppointmentRequest.Status.NEW,
            spam_reasons="; ".join(spam_reasons)[:255],
            form_key=data["form_key"] or None,
            form_language=form_language(),
        )
        appointment.estimate_due = appointment.good_faith_estimate_due()
        try:
            with transaction.atomic():
                appointment.reference = new_reference()
                appointment.save()
                if not spam_reasons:
                    transaction.on_commit(
                        partial(enqueue_notifications, appointment.pk, site.pk), robust=True
                    )
        except IntegrityError:
            # The same form load posted twice at once (a double click reaching two
            # workers): the first stored it, this one is that request.
            already = sent_before(data["form_key"])
            if already is not None:
                return already
            # Two new requests drew the same reference at once: draw again.
            continue
        break
    else:  # pragma: no cover - 31**8 references make this vanishingly rare
        raise RuntimeError("Could not find an unused appointment reference")
    if spam_reasons:
        logger.info("Appointment request %s set aside as spam", appointment.reference)
    return appointment


def enqueue_notifications(request_id, site_id):
    tasks.notify_front_desk.enqueue(request_id, site_id)
    appointment_settings = AppointmentSettings.for_site(Site.objects.get(pk=site_id))
    if appointment_settings.send_patient_confirmation:
        tasks.confirm_to_patient.enqueue(request_id, site_id)


def thanks_code(reference, now=None):
    """A code that proves the thank-you link came from this site, recently.

    Hex timestamp + keyed MAC, letters and digits only (Wagtail's page paths
    allow nothing else). Without it a reference alone shows nothing.
    """
    stamp = f"{int(now or time.time()):08x}"
    mac = salted_hmac(THANKS_SALT, f"{reference}:{stamp}").hexdigest()[:32]
    return stamp + mac


def thanks_code_is_valid(reference, code):
    stamp, mac = code[:8], code[8:]
    try:
        issued = int(stamp, 16)
    except ValueError:
        return False
    expected = salted_hmac(THANKS_SALT, f"{reference}:{stamp}").hexdigest()[:32]
    return constant_time_compare(mac, expected) and 0 <= time.time() - issued <= THANKS_MAX_AGE


def thanks(page, request, reference, code):
    if not thanks_code_is_valid(reference, code):
        raise Http404("No such request")
    context = practice_context(page, request)
    context["reference"] = reference
    context["appointment_settings"] = AppointmentSettings.for_request(request)
    return private(TemplateResponse(request, "appointments/thanks.html", context))
