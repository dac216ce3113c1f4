"""The front desk's view of appointment requests in the Wagtail admin.

Requests are listed, read and updated (status and notes) here; they are never
created or deleted by hand: patients create them, the retention command
deletes them. Every detail view, change and export is written to the audit log.
"""

import django_filters
from django import forms
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.defaults import permission_denied
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.components import MediaContainer
from wagtail.admin.ui.side_panels import StatusSidePanel
from wagtail.admin.ui.tables import Column, Table, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, Site

from appointments.callback import CallBackClock
from appointments.display import staff_date, staff_time
from appointments.records import AppointmentRequest, AppointmentSettings, Note
from locations.models import LocationPage
from practice.spreadsheets import csv_safe

Status = AppointmentRequest.Status


MENU_ITEM_CLASS = "appointment-requests-menu-item"

# A search that finds at most this many requests lists them by their ids (search_queryset).
FEW_MATCHES = 500

# Exported datetimes: in the staff member's time zone, like the list.
DATETIME_EXPORTS = {"created_at", "estimate_sent_at"}


def call_back_days(request):
    site = Site.find_for_request(request) or Site.objects.filter(is_default_site=True).first()
    return AppointmentSettings.for_site(site).call_back_business_days if site else 1


def call_back_clock(request):
    return CallBackClock(call_back_days(request))


class EstimateFilter(django_filters.ChoiceFilter):
    """Self-pay requests by where their Good Faith Estimate stands."""

    def filter(self, queryset, value):
        if value == "owed":
            return queryset.filter(pk__in=AppointmentRequest.objects.estimates_owed())
        if value == "overdue":
            return queryset.filter(pk__in=AppointmentRequest.objects.estimates_overdue())
        if value == "sent":
            return queryset.filter(estimate_sent_at__isnull=False)
        return queryset


class AppointmentRequestFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        choices=Status.choices,
        empty_label="All but spam",
        widget=forms.RadioSelect,
    )
    location = django_filters.ModelChoiceFilter(
        queryset=LocationPage.objects.order_by("path"), empty_label="All locations"
    )
    patient_status = django_filters.ChoiceFilter(
        label="New or returning",
        choices=AppointmentRequest.PatientStatus.choices,
        empty_label="All",
        widget=forms.RadioSelect,
    )
    created_at = django_filters.DateFromToRangeFilter(
        label="Received", widget=DateRangePickerWidget
    )
    estimate = EstimateFilter(
        label="Good Faith Estimate",
        choices=[("owed", "To send"), ("overdue", "Overdue"), ("sent", "Sent")],
        empty_label="Any",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = AppointmentRequest
        fields = ["status", "location", "patient_status", "created_at", "estimate"]

    def filter_queryset(self, queryset):
        # Spam is set aside: it shows only when the front desk asks for it.
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.exclude(status=Status.SPAM)
        return super().filter_queryset(queryset)


class OverdueColumn(Column):
    """When the practice promised to call back, flagged once that has passed."""

    cell_template_name = "appointments/admin/call_back_cell.html"

    def __init__(self, *args, clock, **kwargs):
        super().__init__(*args, **kwargs)
        self.clock = clock

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["call_back_by"] = instance.call_back_by(self.clock)
        context["overdue"] = instance.is_overdue(self.clock)
        return context


class TemplateColumn(Column):
    """A cell drawn by a template of this app (a link, a date, a flag)."""

    def __init__(self, *args, template, **kwargs):
        super().__init__(*args, **kwargs)
        self.cell_template_name = template


class ForbiddenNotRedirectMixin:
    """A plain 403 for staff without the appointment permissions.

    Wagtail turns a refused admin view into a redirect to the dashboard; for
    patient data the refusal should be explicit (and testable) instead.
    """

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied as error:
            return permission_denied(request, error)


class AppointmentRequestIndexView(ForbiddenNotRedirectMixin, generic.IndexView):
    default_ordering = "-created_at"

    results_template_name = "appointments/admin/index_results.html"

    @cached_property
    def clock(self):
        return call_back_clock(self.request)

    @cached_property
    def showing_set_aside(self):
        return self.request.GET.get("status") == Status.SPAM

    @cached_property
    def columns(self):
        columns = [
            TitleColumn(
                "reference",
                label="Reference",
                sort_key="reference",
                classname="appointment-reference",
                get_url=lambda obj: reverse(self.inspect_url_name, args=(quote(obj.pk),)),
            ),
            Column("full_name", label="Name", sort_key="last_name"),
            TemplateColumn("phone", label="Phone", template="appointments/admin/phone_cell.html"),
            Column(
                "received",
                label="Received",
                sort_key="created_at",
                accessor=lambda obj: staff_time(obj.created_at),
            ),
            Column("location_name", label="Location", sort_key="location_name"),
            Column("get_patient_status_display", label="New or returning"),
            Column("get_status_display", label="Status", sort_key="status"),
            OverdueColumn("call_back", label="Call back by", clock=self.clock),
            TemplateColumn(
                "estimate",
                label="Good Faith Estimate",
                sort_key="estimate_due",
                template="appointments/admin/estimate_cell.html",
            ),
        ]
        if self.showing_set_aside:
            columns.append(Column("spam_reasons", label="Why it was set aside"))
        return columns

    @cached_property
    def table_class(self):
        clock = self.clock

        class AppointmentTable(Table):
            def get_row_classname(self, instance):
                return "appointment-overdue" if instance.is_overdue(clock) else ""

        return AppointmentTable

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        # Set aside as possible spam: one click from the list, however it is filtered.
        context["set_aside_count"] = AppointmentRequest.objects.filter(status=Status.SPAM).count()
        context["set_aside_url"] = reverse(self.index_url_name) + f"?status={Status.SPAM}"
        context["showing_set_aside"] = self.showing_set_aside
        return context

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        query = self.search_query.strip()
        condition = (
            Q(reference__iexact=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
        digits = "".join(ch for ch in query if ch.isdigit())
        if len(digits) >= 3:
            # Phones are stored as +1XXXXXXXXXX; staff type them any way.
            condition |= Q(phone__contains=digits)
        parts = query.split()
        if len(parts) == 2:
            condition |= Q(first_name__icontains=parts[0], last_name__icontains=parts[1])
        matches = queryset.filter(condition)
        # No index serves "contains": a search reads the whole table. The usual one (a
        # reference, a patient's name, an email, a phone) finds a few requests: read their
        # ids in one pass and list them by id. Left to itself the database reads the table
        # to count them, then again, row by row in the order of the list's index, to fill
        # the first page (it expects far more matches than such a search finds): 2 to 4
        # times slower at 100,000 requests (bench/bench_admin_list.py). A search that finds
        # many (a common first name) stops early here and is listed as it was.
        ids = list(matches.order_by().values_list("pk", flat=True)[: FEW_MATCHES + 1])
        if len(ids) <= FEW_MATCHES:
            return queryset.filter(pk__in=ids)
        return matches

    def as_spreadsheet(self, queryset, spreadsheet_format):
        # The CSV is streamed after this view returns, outside the time zone Wagtail
        # activates for the staff member (theirs, or the practice's): keep it for the rows.
        self.export_time_zone = timezone.get_current_timezone()
        exported = list(queryset.values_list("pk", "reference"))
        content_type = ContentType.objects.get_for_model(AppointmentRequest)
        now = timezone.now()
        # One entry per exported request, so each request's history shows the export.
        ModelLogEntry.objects.bulk_create(
            ModelLogEntry(
                content_type=content_type,
                object_id=str(pk),
                label=reference,
                action="appointments.export",
                data={"format": spreadsheet_format, "rows": len(exported)},
                timestamp=now,
                user=self.request.user,
            )
            for pk, reference in exported
        )
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def get_heading(self, queryset, field):
        heading = super().get_heading(queryset, field)
        if field in DATETIME_EXPORTS:
            # A spreadsheet cell has no time zone: the heading says which one.
            heading = f"{heading} ({self.export_time_zone})"
        return heading

    def preprocess_field_value(self, field, value, export_format):
        if field in DATETIME_EXPORTS and value is not None:
            local = timezone.localtime(value, self.export_time_zone)
            if export_format == self.FORMAT_CSV:
                return local.strftime("%Y-%m-%d %H:%M")
            # XLSX: a date cell, with the wall-clock time the list shows.
            return timezone.make_naive(local, self.export_time_zone)
        return super().preprocess_field_value(field, value, export_format)


def request_context(appointment, request):
    """What the request screens show around the fields: the call back, the history."""
    clock = call_back_clock(request)
    return {
        "appointment": appointment,
        "call_back_by": appointment.call_back_by(clock),
        "overdue": appointment.is_overdue(clock),
        "status_changes": appointment.status_changes.select_related("changed_by"),
        "notes": appointment.notes.select_related("author"),
    }


class AppointmentRequestInspectView(ForbiddenNotRedirectMixin, generic.InspectView):
    template_name = "appointments/admin/inspect.html"
    # The browser's tab and the header read "Appointment request: 4WQG5DHC": the
    # reference is what a clerk reads out on the phone. No patient name in a tab title.
    page_title = "Appointment request"

    def get(self, request, *args, **kwargs):
        log(self.object, "appointments.view", user=request.user)
        return super().get(request, *args, **kwargs)

    def get_object(self, queryset=None):
        appointment = super().get_object(queryset)
        if not appointment.spam_reasons:
            # Never set aside: no empty "Why it was set aside" row.
            self.fields = [name for name in self.fields if name != "spam_reasons"]
        return appointment

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        # Left empty by the patient: a dash, as the other empty fields, not a bare label.
        return "—" if value in ("", None) else value

    def get_field_label(self, field_name, field):
        if field_name == "spam_reasons":
            return "Why it was set aside"  # as the list's column says it
        return super().get_field_label(field_name, field)

    def get_page_subtitle(self):
        return f"{self.object.reference}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(request_context(self.object, self.request))
        if self.object.status == Status.SPAM and self.get_edit_url():
            context["restore_url"] = self.get_edit_url()
        return context

    # Wagtail's inspect template shows datetimes in UTC (it localizes the format, not
    # the time zone): these show the time zone the list and the exports use.
    def get_created_at_display_value(self):
        return staff_time(self.object.created_at)

    def get_consented_at_display_value(self):
        return staff_time(self.object.consented_at)

    def get_reason_display_value(self):
        return self.object.reason_display

    def get_location_display_value(self):
        return self.object.location_name or "—"

    def get_phone_display_value(self):
        return render_to_string("appointments/admin/phone.html", {"appointment": self.object})

    def get_phone_extension_display_value(self):
        return self.object.phone_extension or "—"

    def get_service_date_display_value(self):
        return staff_date(self.object.service_date)

    def get_estimate_due_display_value(self):
        return render_to_string("appointments/admin/estimate.html", {"appointment": self.object})

    def get_physician_display_value(self):
        return self.object.physician_display

    def get_needs_interpreter_display_value(self):
        return self.object.interpreter_display

    def get_payment_display_value(self):
        return self.object.get_payment_display() or "Not answered"


class AppointmentRequestUpdateForm(WagtailAdminModelForm):
    note = forms.CharField(
        label="Add a note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Notes are kept with the request and cannot be edited later.",
    )
    # The status when this form was opened. A colleague may change it while
    # the form is open: saving a note then must not put the old status back.
    # Rendered by the template as a hidden input, in no panel: a panel would show
    # an empty "Seen status" section, with a comment button and a minimap entry.
    seen_status = forms.ChoiceField(
        choices=AppointmentRequest.Status.choices, required=False, widget=forms.HiddenInput
    )
    estimate_sent = forms.BooleanField(
        label="Good Faith Estimate sent",
        required=False,
        help_text="Tick once the written estimate has gone to the patient (No Surprises Act).",
    )

    class Meta:
        model = AppointmentRequest
        fields = ["status", "service_date", "note", "seen_status", "estimate_sent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_status"].initial = self.instance.status
        if self.instance.payment == AppointmentRequest.Payment.SELF_PAY:
            self.fields["estimate_sent"].initial = self.instance.estimate_sent_at is not None
        else:
            # Owed to self-pay patients only.
            del self.fields["estimate_sent"]


class RequestStatusSidePanel(StatusSidePanel):
    """The Status panel with the request's own status ("New", "Contacted", …) and its
    history: Wagtail's says "Live", as of a published page, which a request is not."""

    PAGE_STATUS = "wagtailadmin/shared/side_panels/includes/status/workflow.html"

    def get_status_templates(self, context):
        return [
            "appointments/admin/status_side_panel.html" if name == self.PAGE_STATUS else name
            for name in super().get_status_templates(context)
        ]


class AppointmentRequestEditView(ForbiddenNotRedirectMixin, generic.EditView):
    """Change the status and append a note; records who did it and when."""

    template_name = "appointments/admin/edit.html"
    page_title = "Change status or add a note"

    def get_side_panels(self):
        return MediaContainer(
            [
                RequestStatusSidePanel(
                    self.object,
                    self.request,
                    history_url=self.get_history_url(),
                    last_updated_info=self.get_last_updated_info(),
                )
            ]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Who the request is from and what they asked, above the form.
        context.update(request_context(self.object, self.request))
        return context

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.original_status = obj.status
        return obj

    def get_page_subtitle(self):
        return f"Appointment request {self.object.reference}"

    def get_success_url(self):
        return reverse("appointment_requests:inspect", args=(quote(self.object.pk),))

    def get_success_message(self):
        return f"Appointment request {self.object.reference} updated."

    def save_instance(self):
        appointment = self.form.instance
        user = self.request.user
        note_text = self.form.cleaned_data.get("note", "").strip()
        # What the clerk saw when the form opened; the status now, for an older form.
        seen_status = self.form.cleaned_data.get("seen_status") or self.original_status
        # Inside Wagtail's transaction (form_valid), with nothing read in it yet.
        if appointment.status != seen_status:
            appointment.change_status(seen_status, appointment.status, user)
        else:
            # Left as it was: whatever a colleague set meanwhile stands.
            appointment.status = self.original_status
        if note_text:
            Note.objects.create(request=appointment, author=user, text=note_text)
            # The note's text stays out of the audit log: it may hold health details.
            log(appointment, "appointments.note", user=user)
        self.save_estimate(appointment, user)
        return appointment

    def save_estimate(self, appointment, user):
        """The visit's date and the Good Faith Estimate: its due date follows them."""
        changes = {"service_date": self.form.cleaned_data.get("service_date")}
        if "estimate_sent" in self.form.fields:
            sent = self.form.cleaned_data.get("estimate_sent")
            if sent and appointment.estimate_sent_at is None:
                changes["estimate_sent_at"] = timezone.now()
                log(appointment, "appointments.estimate_sent", user=user)
            elif not sent and appointment.estimate_sent_at is not None:
                changes["estimate_sent_at"] = None
                log(appointment, "appointments.estimate_unsent", user=user)
        for name, value in changes.items():
            setattr(appointment, name, value)
        changes["estimate_due"] = appointment.estimate_due = appointment.good_faith_estimate_due()
        AppointmentRequest.objects.filter(pk=appointment.pk).update(**changes)


class AppointmentRequestHistoryView(ForbiddenNotRedirectMixin, history.HistoryView):
    pass


class AppointmentRequestUsageView(ForbiddenNotRedirectMixin, usage.UsageView):
    pass


class AppointmentRequestViewSet(ModelViewSet):
    model = AppointmentRequest
    name = "appointment_requests"
    url_prefix = "appointment-requests"
    icon = "date"
    menu_label = "Appointment requests"
    menu_order = 150
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = AppointmentRequestIndexView
    inspect_view_class = AppointmentRequestInspectView
    edit_view_class = AppointmentRequestEditView
    history_view_class = AppointmentRequestHistoryView
    usage_view_class = AppointmentRequestUsageView
    filterset_class = AppointmentRequestFilterSet
    search_fields = ["reference", "first_name", "last_name", "email", "phone"]
    search_backend_name = None  # Django ORM: patient details never go into a search index
    list_per_page = 50
    ordering = "-created_at"
    export_filename = "appointment-requests"
    list_export = [
        "reference",
        "created_at",
        "get_status_display",
        "first_name",
        "last_name",
        "phone",
        "phone_extension",
        "email",
        "get_preferred_contact_display",
        "get_patient_status_display",
        "location_name",
        "reason_display",
        "get_preferred_times_display",
        "insurance",
        "get_payment_display",
        "estimate_due",
        "estimate_sent_at",
        "service_date",
        "preferred_language",
        "get_form_language_display",
        "interpreter_display",
        "accessibility_needs",
        "physician_name",
        "message",
        "spam_reasons",
    ]
    export_headings = {
        "created_at": "Received",
        "get_status_display": "Status",
        "phone_extension": "Extension",
        "get_preferred_contact_display": "Preferred contact",
        "get_patient_status_display": "New or returning",
        "location_name": "Location",
        "reason_display": "Reason",
        "get_preferred_times_display": "Preferred times",
        "get_payment_display": "How they will pay",
        "estimate_due": "Good Faith Estimate due",
        "estimate_sent_at": "Good Faith Estimate sent",
        "service_date": "Appointment date",
        "preferred_language": "Preferred language",
        "get_form_language_display": "Form language",
        "interpreter_display": "Needs an interpreter",
        "accessibility_needs": "Accessibility needs",
        "physician_name": "Preferred physician",
    }
    inspect_view_fields = [
        "reference",
        "status",
        "spam_reasons",
        "created_at",
        "first_name",
        "last_name",
        "phone",
        "phone_extension",
        "email",
        "preferred_contact",
        "patient_status",
        "location",
        "reason",
        "preferred_times",
        "insurance",
        "payment",
        "estimate_due",
        "service_date",
        "preferred_language",
        "form_language",
        "needs_interpreter",
        "accessibility_needs",
        "physician",
        "message",
        "consented_at",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("status"),
            FieldPanel("service_date"),
            FieldPanel("estimate_sent"),
            FieldPanel("note"),
        ],
        base_form_class=AppointmentRequestUpdateForm,
    )

    def get_index_view_kwargs(self, **kwargs):
        custom_preprocess = {
            field: {"csv": csv_safe} for field in self.list_export if field not in DATETIME_EXPORTS
        }
        return super().get_index_view_kwargs(custom_field_preprocess=custom_preprocess, **kwargs)

    def get_common_view_kwargs(self, **kwargs):
        # No add, copy or delete: patients create requests, retention deletes them.
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "delete_url_name": None, **kwargs}
        )

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name not in {"add", "delete", "copy"}
        ]

    def register_reference_index(self):
        # Requests stay out of Wagtail's reference index: otherwise a page's
        # "Usage" tab would list the requests that name it, to any page editor.
        pass

    def get_permissions_to_register(self):
        return Permission.objects.filter(
            content_type__app_label="appointments",
            codename__in=["view_appointmentrequest", "change_appointmentrequest"],
        )

    @cached_property
    def menu_item_class(self):
        base = super().menu_item_class

        class AppointmentRequestsMenuItem(base):
            def render_component(self, request):
                # Wagtail menu items have no badge: the count goes in the label.
                count = AppointmentRequest.objects.new().count()
                label = f"{self.label} ({count} new)" if count else self.label
                component = MenuItem(
                    label,
                    self.url,
                    name=self.name,
                    # Its label wraps (admin.css) rather than being cut to
                    # "Appointment requ…", which hid the count.
                    classname=f"{self.classname} {MENU_ITEM_CLASS}".strip(),
                    icon_name=self.icon_name,
                    attrs=self.attrs,
                    order=self.order,
                )
                return component.render_component(request)

        return AppointmentRequestsMenuItem
