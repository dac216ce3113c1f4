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

Both speak the page's language. The sentences around them are translated
(locale/es); what editors type has a field per language on the same screen
("message in Spanish", "reason in Spanish"): a notice is one thing said in two
languages, with one start and one end, so it is edited once, not as two
snippets to keep in step. Left empty, the English text shows on the Spanish
pages, marked lang="en" for screen readers.

A closure of one clinic shows on that clinic's page (its banner, its hours,
and its JSON-LD `specialOpeningHoursSpecification`); a closure of every clinic
and a site notice show on every page.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.admin.panels import FieldPanel, FieldRowPanel, PageChooserPanel
from wagtail.models import Page, Site

from pagecache import versions
from pagecache.pages import shown_until
from practice.dates import local_date


def in_page_language(english, spanish):
    """(text, lang) for the page's language: the Spanish text on Spanish pages when there is one.

    `lang` is "" when the text is in the page's language, else the text's own ("en").
    """
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language != settings.LANGUAGE_CODE and spanish:
        return {"text": spanish, "lang": ""}
    if language != settings.LANGUAGE_CODE:
        return {"text": english, "lang": settings.LANGUAGE_CODE}
    return {"text": english, "lang": ""}


class SiteNotice(models.Model):
    """A short notice on every page from its start to its end (a phone line down, flu shots)."""

    message = models.CharField(
        max_length=200, help_text="One or two short sentences, shown at the top of every page."
    )
    message_es = models.CharField(
        "message in Spanish",
        max_length=200,
        blank=True,
        help_text="Shown on the Spanish pages. Left empty, they show the English message.",
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
        FieldPanel("message_es"),
        PageChooserPanel("link_page"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
    ]

    # Every page may show it: saving or deleting one purges every page.
    purge_site_on_change = True
    # The "more information" page in the active language (scheduled() finds it).
    link_page_shown = None

    class Meta:
        ordering = ["starts_at"]
        verbose_name = "site notice"

    def __str__(self):
        return self.message

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The notice must end after it starts."})

    @property
    def shown(self):
        """What the banner says on a page in the active language."""
        return {"lead": "", **in_page_language(self.message, self.message_es)}


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
    reason_es = models.CharField(
        "reason in Spanish",
        max_length=160,
        blank=True,
        help_text="Shown on the Spanish pages, e.g. “Nieve: las calles no son seguras”. "
        "Left empty, they show the English reason.",
    )

    panels = [
        FieldPanel("location"),
        FieldRowPanel([FieldPanel("first_day"), FieldPanel("last_day")]),
        FieldPanel("reason"),
        FieldPanel("reason_es"),
    ]

    purge_site_on_change = True
    # A closure links to no page (the banner template reads a notice's and a closure's alike).
    link_page = link_page_shown = None

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
        """The banner's sentence in the active language, with the reason."""
        shown = self.shown
        return f"{shown['lead']}: {shown['text']}"

    @property
    def reason_shown(self):
        return in_page_language(self.reason, self.reason_es)

    @property
    def shown(self):
        """The banner in the active language: who is closed when (`lead`), then the reason."""
        days = {"day": local_date(self.first_day, "day"), "last": local_date(self.until_day, "day")}
        one_day = self.until_day == self.first_day
        if self.location_id:
            # The clinic's title in the page's language (scheduled() finds it).
            days["clinic"] = getattr(self, "location_title", None) or self.location.title
            if one_day:
                lead = gettext("%(clinic)s is closed on %(day)s") % days
            else:
                lead = gettext("%(clinic)s is closed from %(day)s to %(last)s") % days
        elif one_day:
            lead = gettext("All our clinics are closed on %(day)s") % days
        else:
            lead = gettext("All our clinics are closed from %(day)s to %(last)s") % days
        return {"lead": lead, **self.reason_shown}

    def applies_to(self, page_id, translation_key=None):
        """Whether the page shows it: every page when every clinic is closed, else the
        clinic's page in every language (scheduled() lists its translations' ids; a
        translation of it shares its translation key)."""
        if self.location_id is None or page_id in getattr(self, "location_page_ids", ()):
            return True
        if self.location_id == page_id:
            return True
        return translation_key is not None and self.location.translation_key == translation_key


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def scheduled(site_id):
    """The notices and closures that have not ended yet, kept until one is saved or deleted."""

    def build():
        now = timezone.now()
        # Notices that start together show in the order they were written (pk):
        # without it PostgreSQL may return them in either order.
        notices = list(
            SiteNotice.objects.filter(ends_at__gt=now)
            .select_related("link_page")
            .order_by("starts_at", "pk")
        )
        closures = list(
            Closure.objects.filter(
                models.Q(last_day__gte=timezone.localdate())
                | models.Q(last_day=None, first_day__gte=timezone.localdate())
            )
            .select_related("location")
            .order_by("first_day", "pk")
        )
        _in_page_language(notices, closures)
        return notices, closures

    if site_id is None:
        return build()
    return versions.per_site_version("scheduled-notices", site_id, build)


def _in_page_language(notices, closures):
    """Give notices and closures their pages in the active language (one query).

    A notice's "more about this" page and a closure's clinic are English pages;
    on the Spanish pages the notice links, and the closure names, their Spanish
    translations when there are any. A closure applies to its clinic's page in
    every language. On English pages nothing is looked up (no query).
    """
    pages = [n.link_page for n in notices if n.link_page_id] + [
        c.location for c in closures if c.location_id
    ]
    language = translation.get_language() or settings.LANGUAGE_CODE
    if not pages or language == settings.LANGUAGE_CODE:
        return
    copies = {}
    for found in (
        Page.objects.live()
        .filter(translation_key__in={page.translation_key for page in pages})
        .select_related("locale")
    ):
        copies.setdefault(found.translation_key, []).append(found)

    def in_language(page):
        return next(
            (c for c in copies.get(page.translation_key, []) if c.locale.language_code == language),
            None,
        )

    for notice in notices:
        if notice.link_page_id:
            notice.link_page_shown = in_language(notice.link_page) or notice.link_page
    for closure in closures:
        if closure.location_id:
            translated = in_language(closure.location)
            closure.location_title = translated.title if translated else closure.location.title
            closure.location_page_ids = {closure.location_id} | {
                copy.pk for copy in copies.get(closure.location.translation_key, [])
            }


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
