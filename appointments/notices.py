"""Who hears about new requests: a site whose requests notify nobody is named on the
admin dashboard, in /healthz's body and in `manage.py check --deploy`."""

from django.core import checks
from django.db import DatabaseError
from wagtail.models import Site

from appointments.models import AppointmentRequestPage
from appointments.records import AppointmentSettings

NOBODY_NOTIFIED = (
    "New appointment requests on {site} notify nobody: add an address in "
    "Settings › Appointment requests › Notify these addresses."
)


def sites_notifying_nobody():
    """Sites with a live request page and no notification address."""
    pages = AppointmentRequestPage.objects.live()
    if not pages.exists():
        return []
    silent = []
    for site in Site.objects.select_related("root_page"):
        if not pages.descendant_of(site.root_page, inclusive=True).exists():
            continue
        settings = AppointmentSettings.objects.filter(site=site).first()
        if settings is None or not settings.notification_addresses:
            silent.append(site)
    return silent


def notice_lines():
    return [NOBODY_NOTIFIED.format(site=site.hostname) for site in sites_notifying_nobody()]


@checks.register("appointments", deploy=True)
def check_someone_is_notified(app_configs=None, **kwargs):
    try:
        lines = notice_lines()
    except DatabaseError:  # not migrated yet: `make serve` checks again after migrate
        return []
    return [checks.Warning(line, id="appointments.W001") for line in lines]
