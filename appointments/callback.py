"""When the front desk must have called a patient back: a deadline in opening hours.

"Call back within 1 business day" counts the clinic's open time, not the
clock: a request that arrives while the clinic is closed (at night, on a
Sunday, on a public holiday) counts from the next opening, and the deadline
falls in the hours of the clinic the patient chose. Received during hours, it
is the same time N open days later; received while closed, it is the close of
the Nth open day. A clinic without hours (the virtual visit) uses the
practice's: the hours when any clinic is open.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.utils import timezone

from appointments.records import add_business_days, public_holidays
from locations.models import OpeningHours

# How far ahead to look for an opening before giving up (a site with no open day left).
SEARCH_DAYS = 400


class CallBackClock:
    """Reads every clinic's hours once; gives each request its call-back deadline."""

    def __init__(self, business_days):
        self.business_days = business_days
        self.hours = defaultdict(lambda: defaultdict(list))
        self.practice_hours = defaultdict(list)
        rows = OpeningHours.objects.values_list("location_id", "weekday", "opens", "closes")
        for location_id, weekday, opens, closes in rows:
            if opens and closes and opens < closes:
                self.hours[location_id][weekday].append((opens, closes))
                self.practice_hours[weekday].append((opens, closes))
        for week in [*self.hours.values(), self.practice_hours]:
            for periods in week.values():
                periods.sort()

    def week(self, location_id):
        return self.hours.get(location_id) or self.practice_hours

    def periods(self, week, day):
        """The open periods of `day`: none on a public holiday of the practice's state."""
        closed = public_holidays(settings.PRACTICE_REGION, settings.PRACTICE_SUBDIVISION)
        return [] if day in closed else week.get(day.weekday(), [])

    def open_day_after(self, week, day, count):
        """The `count`th day after `day` with opening hours (`day` itself for 0)."""
        for _ in range(SEARCH_DAYS):
            if count == 0:
                return day
            day += datetime.timedelta(days=1)
            if self.periods(week, day):
                count -= 1
        return None

    def deadline(self, received, location_id=None):
        """The call-back deadline for a request received at `received` (an aware datetime)."""
        zone = timezone.get_default_timezone()
        local = timezone.localtime(received, zone)
        week = self.week(location_id)
        if not week:
            # No clinic has hours: business days at the time of day it arrived.
            return add_business_days(local, self.business_days)
        start = self.first_opening(week, local)
        if start is None:
            return add_business_days(local, self.business_days)
        day, moment = start
        if moment == self.periods(week, day)[0][0]:
            # Counted from an opening: the close of the Nth open day, that day included.
            last = self.open_day_after(week, day, self.business_days - 1)
            return timezone.make_aware(
                datetime.datetime.combine(last, self.periods(week, last)[-1][1]), zone
            )
        due_day = self.open_day_after(week, day, self.business_days)
        return timezone.make_aware(
            datetime.datetime.combine(due_day, within(self.periods(week, due_day), moment)), zone
        )

    def first_opening(self, week, local):
        """(date, time) of the first open moment at or after `local`."""
        day, moment = local.date(), local.time().replace(tzinfo=None)
        for _ in range(SEARCH_DAYS):
            for opens, closes in self.periods(week, day):
                if moment < closes:
                    return day, max(moment, opens)
            day += datetime.timedelta(days=1)
            moment = datetime.time.min
        return None


def within(periods, moment):
    """`moment` moved into `periods`: before opening, the opening; after a close, that close."""
    if moment < periods[0][0]:
        return periods[0][0]
    latest = periods[0][1]
    for opens, closes in periods:
        if opens <= moment <= closes:
            return moment
        if closes <= moment:
            latest = closes
    return latest
