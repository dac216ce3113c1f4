"""The front desk's screens write every date and time one way (STAFF_DATETIME)."""

from django import template

from appointments.display import staff_date, staff_time

register = template.Library()

register.filter("staff_time", staff_time)
register.filter("staff_date", staff_date)
