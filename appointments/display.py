"""How the front desk's screens write dates and times: one way, everywhere.

"Thu Dec 3, 2026, 1:16 AM" in the list, the request, the Change status
screen, the notes, the history and the dashboard, in the time zone Wagtail
activated for the staff member (the practice's, settings.TIME_ZONE, unless
they chose another in their account).
"""

from django.utils import formats, timezone

STAFF_DATETIME = "D M j, Y, g:i A"
STAFF_DATE = "D M j, Y"


def staff_time(value):
    if value is None:
        return "—"
    return formats.date_format(timezone.localtime(value), STAFF_DATETIME)


def staff_date(value):
    if value is None:
        return "—"
    return formats.date_format(value, STAFF_DATE)
