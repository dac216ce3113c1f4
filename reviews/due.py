"""The due state of clinical pages: one module the report, the dashboard, the
explorer column, the reminders command and the readability tag all read.

The clinical page types (every subclass of `reviews.clinical.ClinicalReviewMixin`)
keep their review fields on their own tables; `clinical_pages` lists them as
base pages with the fields joined in (`with_review_fields`), so one query
filters, orders and pages through procedures and conditions together.

A page is **never reviewed** when it has no review on record with a due date
(no last reviewed or no next review due: the workflow always sets both),
**overdue** when its due date has passed, **due soon** when it falls due
within the practice's `due_soon_days` (Settings › Clinical review).
Only live pages are listed: a page never published is no patient's concern
until it is, and it is reviewed on the way to going live.
"""

import datetime

from django.apps import apps
from django.db import models
from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.models import Page, Site
from wagtail.permission_policies.pages import PagePermissionPolicy

from practice.editor_reports import PAGE_EDIT_ACTIONS
from reviews.governance import clinical_page_models
from reviews.models import ClinicalReviewSettings

DATE_FORMAT = "M j, Y"
# Who may see the report and the dashboard panel: anyone who edits pages
# (practice.editor_reports.edits_pages).


class State(models.TextChoices):
    NEVER = "never", "Never reviewed"
    OVERDUE = "overdue", "Overdue"
    DUE_SOON = "due_soon", "Due soon"
    CURRENT = "current", "Up to date"


DUE_STATES = [State.NEVER, State.OVERDUE, State.DUE_SOON]


def review_settings(request=None, site=None):
    """The practice's clinical review settings for the request's (or a) site; defaults without one."""
    if site is None and request is not None:
        try:
            return ClinicalReviewSettings.for_request(request)  # read once per request
        except ClinicalReviewSettings.DoesNotExist:  # no site answers the request
            pass
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return ClinicalReviewSettings()  # the field defaults, unsaved
    return ClinicalReviewSettings.for_site(site)


def state_of(last_reviewed, next_review_due, today, due_soon_days):
    """The review state of one page, from its two dates."""
    if last_reviewed is None or next_review_due is None:
        return State.NEVER
    if next_review_due < today:
        return State.OVERDUE
    if next_review_due <= today + datetime.timedelta(days=due_soon_days):
        return State.DUE_SOON
    return State.CURRENT


def _field_owners():
    """The concrete models whose tables hold the review fields, with their path from Page."""
    owners = {}
    for model in clinical_page_models():
        owner = model._meta.get_field("next_review_due").model
        if owner not in owners:
            path = owner._meta.get_path_from_parent(Page)
            owners[owner] = "__".join(step.join_field.name for step in path)
    return list(owners.values())


def _joined(name, output_field):
    """The value of review field `name`, whichever clinical page type the row is."""
    paths = [F(f"{path}__{name}") for path in _field_owners()]
    if len(paths) == 1:
        return models.ExpressionWrapper(paths[0], output_field=output_field)
    return Coalesce(*paths, output_field=output_field)


def with_review_fields(pages, today, due_soon_days):
    """Annotate base pages with their review fields and state (review_*)."""
    horizon = today + datetime.timedelta(days=due_soon_days)
    return pages.annotate(
        review_reviewer_id=_joined("reviewer", models.BigIntegerField()),
        review_last=_joined("last_reviewed", models.DateField()),
        review_due=_joined("next_review_due", models.DateField()),
        review_grade=_joined("reading_grade", models.DecimalField(max_digits=4, decimal_places=1)),
    ).annotate(
        review_state=Case(
            When(Q(review_last__isnull=True) | Q(review_due__isnull=True), then=Value(State.NEVER)),
            When(review_due__lt=today, then=Value(State.OVERDUE)),
            When(review_due__lte=horizon, then=Value(State.DUE_SOON)),
            default=Value(State.CURRENT),
            output_field=models.CharField(),
        )
    )


def clinical_pages(today=None, due_soon_days=30, pages=None):
    """Live clinical pages with their review fields and state."""
    models_ = clinical_page_models()
    pages = (pages if pages is not None else Page.objects.all()).type(*models_).live()
    return with_review_fields(pages, today or timezone.localdate(), due_soon_days)


def due_for_review(pages, also=()):
    """Never reviewed first, then by due date (the most overdue first); with the pages `also`."""
    return pages.filter(Q(review_state__in=DUE_STATES) | Q(pk__in=list(also))).order_by(
        F("review_due").asc(nulls_first=True), "title", "pk"
    )


def editable_pages(user):
    return PagePermissionPolicy().instances_user_has_any_permission_for(user, PAGE_EDIT_ACTIONS)


def due_counts(user, request=None):
    """How many of the pages `user` may edit are never reviewed, overdue and due soon."""
    settings = review_settings(request)
    pages = clinical_pages(
        due_soon_days=settings.due_soon_days, pages=Page.objects.filter(pk__in=editable_pages(user))
    )
    counts = pages.aggregate(
        **{state.value: Count("pk", filter=Q(review_state=state)) for state in DUE_STATES}
    )
    return {State(state): count for state, count in counts.items()}


def reviewers():
    return apps.get_model("team", "TeamMemberPage").objects.order_by("name")
