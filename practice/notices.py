"""What the practice tells patients for a while: a short site-wide notice, a clinic closed.

Both are snippets (Snippets › Site notices, Snippets › Closures) with a start
and an end. Nobody publishes anything at those times: every page works out at
render time which notices are on now, and tells the page cache when what it
shows next changes (`pagecache.pages.shown_until`), so no cached copy (in the
app's cache or in Varnish, see the middleware) outlives a notice's start or
end. That is the choice the issue asked for, between a short TTL around the
scheduled edges, a scheduled purge and an edge include: a copy's lifetime cut
at the next edge needs no scheduler and no edge-side include, and costs one
extra render per page per edge.

A closure of one clinic shows on that clinic's page (its banner, its hours,
and its JSON-LD `specialOpeningHoursSpecification`); a closure of every clinic
and a site notice show on every page.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, PageChooserPanel
from wagtail.models import Site

from pagecache import versions
from pagecache.pages import shown_until


class SiteNotice(models.Model):
    """A short notice on every page from its start to its end (a phone line down, flu shots)."""

    message = models.CharField(
        max_length=200, help_text="One or two short sentences, shown at the top of every page."
    )
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="more information",
        help_text="Optional: a page that says more.",
    )
    starts_at = models.DateTimeField("shown from")
    ends_at = models.DateTimeField("shown until")

    panels = [
        FieldPanel("message"),
        PageChooserPanel("link_page"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
    ]

    # Every page may show it: saving or deleting one purges every page.
    purge_site_on_change = True

    class Meta:
        ordering = ["starts_at"]
        verbose_name = "site notice"

    def __str__(self):
        return self.message

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The notice must end after it starts."})


class Closure(models.Model):
    """A clinic (or every clinic) closed for a day or a few days: snow, a holiday."""

    location = models.ForeignKey(
        "locations.LocationPage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="closures",
        verbose_name="clinic",
        help_text="Leave empty when every clinic (and the virtual visit) is closed.",
    )
    first_day = models.DateField("closed from")
    last_day = models.DateField(
        "closed until", null=True, blank=True, help_text="The last day closed; empty for one day."
    )
    reason = models.CharField(
        max_length=160, help_text="Shown to patients, e.g. “Snow: the roads are unsafe”."
    )

    panels = [
        FieldPanel("location"),
        FieldRowPanel([FieldPanel("first_day"), FieldPanel("last_day")]),
        FieldPanel("reason"),
    ]

    purge_site_on_change = True

    class Meta:
        ordering = ["first_day"]
        verbose_name = "closure"

    def __str__(self):
        where = self.location.title if self.location_id else "All clinics"
        return f"{where}: {self.reason} ({self.first_day:%b %-d, %Y})"

    def clean(self):
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": "The last day can't be before the first."})

    @property
    def until_day(self):
        return self.last_day or self.first_day

    @property
    def starts_at(self):
        """The start of its first day, in the practice's time zone."""
        return _midnight(self.first_day)

    @property
    def ends_at(self):
        """The end of its last day (midnight after it), in the practice's time zone."""
        return _midnight(self.until_day + datetime.timedelta(days=1))

    @property
    def message(self):
        where = f"{self.location.title} is" if self.location_id else "All our clinics are"
        return f"{where} closed {self.days_label}: {self.reason}"

    @property
    def days_label(self):
        if self.until_day == self.first_day:
            return f"on {_day(self.first_day)}"
        return f"from {_day(self.first_day)} to {_day(self.until_day)}"

    def applies_to(self, page_id, translation_key=None):
        """Whether the page shows it: every page when every clinic is closed, else the
        clinic's page in every language (a translation of it shares its translation key)."""
        if self.location_id is None or self.location_id == page_id:
            return True
        return translation_key is not None and self.location.translation_key == translation_key


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _day(day):
    return f"{day:%A, %B} {day.day}"


def scheduled(site_id):
    """The notices and closures that have not ended yet, kept until one is saved or deleted."""

    def build():
        now = timezone.now()
        notices = list(SiteNotice.objects.filter(ends_at__gt=now).select_related("link_page"))
        closures = list(
            Closure.objects.filter(
                models.Q(last_day__gte=timezone.localdate())
                | models.Q(last_day=None, first_day__gte=timezone.localdate())
            ).select_related("location")
        )
        return notices, closures

    if site_id is None:
        return build()
    return versions.per_site_version("scheduled-notices", site_id, build)


def _scheduled_for(request):
    """`scheduled()` for the request's site, read once per request (banner, hours, JSON-LD)."""
    if request is None:
        return scheduled(None)
    if not hasattr(request, "_scheduled_notices"):
        site = Site.find_for_request(request)
        request._scheduled_notices = scheduled(site.pk if site is not None else None)
    return request._scheduled_notices


def closures_for(request, page_id, translation_key=None):
    """The closures of this clinic (or of every clinic) not ended yet, soonest first.

    The clinic's page shows them under its hours and in its JSON-LD: its
    cached copies end when the first of them does. A translation of the
    clinic's page (`translation_key`) shows the clinic's closures too.
    """
    now = timezone.now()
    closures = [
        closure
        for closure in _scheduled_for(request)[1]
        if closure.applies_to(page_id, translation_key) and closure.ends_at > now
    ]
    if closures:
        shown_until(request, min(closure.ends_at for closure in closures))
    return closures


def banners_for(request, page_id=None, translation_key=None):
    """What the top of this page shows now: the notices on, then the closures on.

    The page's cached copies last only until the next start or end of any of them.
    """
    now = timezone.now()
    notices, closures = _scheduled_for(request)
    closures = [closure for closure in closures if closure.applies_to(page_id, translation_key)]
    on_now = [item for item in (*notices, *closures) if item.starts_at <= now < item.ends_at]
    edges = [
        edge
        for item in (*notices, *closures)
        for edge in (item.starts_at, item.ends_at)
        if edge > now
    ]
    if edges:
        shown_until(request, min(edges))
    return on_now
