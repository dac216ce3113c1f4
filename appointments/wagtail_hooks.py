"""Admin wiring: the front desk's list, the audit log actions, the dashboard panel."""

from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.ui.components import Component

from appointments.notices import notice_lines
from appointments.records import AppointmentRequest
from appointments.viewsets import AppointmentRequestViewSet


@hooks.register("register_admin_viewset")
def register_appointment_requests():
    return AppointmentRequestViewSet()


@hooks.register("register_log_actions")
def register_appointment_log_actions(actions):
    # Wagtail refuses to log actions it has not been told about.
    actions.register_action("appointments.view", "View", "Viewed the request")
    actions.register_action("appointments.status_change", "Status change", "Changed the status")
    actions.register_action("appointments.note", "Note", "Added a note")
    actions.register_action("appointments.export", "Export", "Exported in a spreadsheet")
    actions.register_action("appointments.purge", "Purge", "Deleted old requests (retention)")
    actions.register_action(
        "appointments.estimate_sent", "Estimate sent", "Marked the Good Faith Estimate sent"
    )
    actions.register_action(
        "appointments.estimate_unsent", "Estimate not sent", "Unmarked the Good Faith Estimate"
    )


class NewRequestsPanel(Component):
    """How many requests wait for a call back, and how long the oldest has waited."""

    name = "appointment_requests"
    order = 50
    template_name = "appointments/admin/dashboard_panel.html"

    def get_context_data(self, parent_context):
        new = AppointmentRequest.objects.new()
        oldest = new.order_by("created_at").values_list("created_at", flat=True).first()
        # Today in the practice's time zone: the front desk's day.
        today = timezone.localtime(timezone.now(), timezone.get_default_timezone()).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        set_aside = AppointmentRequest.objects.filter(
            status=AppointmentRequest.Status.SPAM, created_at__gte=today
        ).count()
        index = reverse("appointment_requests:index")
        return {
            "count": new.count(),
            "oldest": oldest,
            "waiting": timezone.now() - oldest if oldest else None,
            "list_url": index + "?status=new",
            "set_aside_today": set_aside,
            "set_aside_url": index + "?status=spam",
            "estimates_overdue": AppointmentRequest.objects.estimates_overdue().count(),
            "estimates_overdue_url": index + "?estimate=overdue",
        }


@hooks.register("construct_homepage_panels")
def add_new_requests_panel(request, panels):
    if request.user.has_perm("appointments.view_appointmentrequest") or request.user.has_perm(
        "appointments.change_appointmentrequest"
    ):
        panels.append(NewRequestsPanel())


class NobodyNotifiedPanel(Component):
    """First on the dashboard when new requests would reach nobody."""

    name = "appointment_notifications"
    order = 10
    template_name = "appointments/admin/nobody_notified_panel.html"

    def __init__(self, lines):
        self.lines = lines

    def get_context_data(self, parent_context):
        return {
            "lines": self.lines,
            "settings_url": reverse(
                "wagtailsettings:edit", args=("appointments", "appointmentsettings")
            ),
        }


@hooks.register("construct_homepage_panels")
def add_nobody_notified_panel(request, panels):
    if not (
        request.user.is_superuser
        or request.user.has_perm("appointments.change_appointmentsettings")
        or request.user.has_perm("appointments.view_appointmentrequest")
    ):
        return
    lines = notice_lines()
    if lines:
        panels.append(NobodyNotifiedPanel(lines))


@hooks.register("insert_global_admin_css")
def appointment_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("appointments/admin.css"))
