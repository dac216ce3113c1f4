"""The "Clinical review due" report: live clinical pages overdue or due soon, and
translations whose source changed since their review.

Which pages are due, and why, is `reviews.due` (shared with the dashboard,
the explorer column and the reminders command); this module is the report's
filters, columns and export.
"""

from decimal import Decimal

import django_filters
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Locale, Page

from practice.editor_reports import EditorsOnlyMixin
from practice.spreadsheets import csv_safe
from reviews.due import (
    DATE_FORMAT,
    DUE_STATES,
    State,
    clinical_pages,
    due_for_review,
    editable_pages,
    review_settings,
    reviewers,
)
from reviews.readability import ENGLISH, SCALES
from reviews.translations import out_of_date_clinical_translations

OUT_OF_DATE = "out_of_date"


def report_url(state=None):
    url = reverse("reviews_clinical_review_due")
    return f"{url}?state={state}" if state else url


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


class ClinicalReviewDueFilterSet(WagtailFilterSet):
    reviewer = django_filters.ModelChoiceFilter(
        label="Reviewer",
        empty_label="Anyone",
        queryset=lambda request: reviewers(),
        method="filter_reviewer",
    )
    state = django_filters.ChoiceFilter(
        label="State",
        empty_label="Any",
        choices=[(state.value, state.label) for state in DUE_STATES],
        method="filter_state",
    )

    translation = django_filters.ChoiceFilter(
        label="Translation",
        empty_label="Any",
        choices=[(OUT_OF_DATE, "Out of date")],
        method="filter_translation",
    )

    class Meta:
        model = Page
        fields = []

    def filter_reviewer(self, queryset, name, value):
        return queryset.filter(review_reviewer_id=value.pk)

    def filter_state(self, queryset, name, value):
        return queryset.filter(review_state=value)

    def filter_translation(self, queryset, name, value):
        return queryset.filter(pk__in=self.request.stale_translations)


def _date(value):
    return date_format(value, DATE_FORMAT) if value else ""


class ClinicalReviewDueView(EditorsOnlyMixin, ReportView):
    """Clinical pages overdue or due within the practice's window, never reviewed first."""

    page_title = "Clinical review due"
    report_name = "the clinical review report"
    header_icon = "doc-full"
    model = Page
    filterset_class = ClinicalReviewDueFilterSet
    index_url_name = "reviews_clinical_review_due"
    index_results_url_name = "reviews_clinical_review_due_results"
    results_template_name = "reviews/admin/report_results.html"
    columns = [
        TitleColumn("title", label="Title", get_url=edit_url),
        Column("reviewer_name", label="Reviewer", accessor="reviewer_name"),
        Column("last_reviewed", label="Last reviewed", accessor=lambda p: _date(p.review_last)),
        Column("next_review_due", label="Next review due", accessor=lambda p: _date(p.review_due)),
        # In the page's own terms: a US grade in English, the INFLESZ score in Spanish.
        Column("reading_level", label="Reading level", accessor="reading_level"),
        StatusTagColumn(
            "state",
            label="State",
            accessor="state_label",
            primary=lambda page: page.review_state == State.OVERDUE,
        ),
        StatusTagColumn(
            "translation",
            label="Translation",
            accessor="translation_label",
            primary=lambda page: bool(page.translation_label),
        ),
    ]
    list_export = [
        "title",
        "reviewer_name",
        "review_last",
        "review_due",
        "reading_level",
        "state_label",
        "translation_label",
        "admin_url",
    ]
    export_headings = {
        "title": "Title",
        "reviewer_name": "Reviewer",
        "review_last": "Last reviewed",
        "review_due": "Next review due",
        "reading_level": "Reading level",
        "state_label": "State",
        "translation_label": "Translation",
        "admin_url": "Edit in the admin",
    }
    # Titles and names are typed by staff: never evaluated as formulas when opened.
    custom_field_preprocess = {
        "title": {ReportView.FORMAT_CSV: csv_safe},
        "reviewer_name": {ReportView.FORMAT_CSV: csv_safe},
    }

    def get_filename(self):
        return f"clinical-review-due-{timezone.localdate().isoformat()}"

    def get_queryset(self):
        self.settings = review_settings(self.request)
        pages = clinical_pages(
            due_soon_days=self.settings.due_soon_days,
            pages=Page.objects.filter(pk__in=editable_pages(self.request.user)),
        )
        # Translations whose source changed since their review are listed however
        # far off their due date (reviews.translations); the filter reads them too.
        self.request.stale_translations = out_of_date_clinical_translations(pages)
        self.queryset = due_for_review(pages, also=self.request.stale_translations)
        return super().get_queryset()

    def decorate_paginated_queryset(self, object_list):
        ids = {page.review_reviewer_id for page in object_list} - {None}
        people = reviewers().in_bulk(ids) if ids else {}
        languages = dict(Locale.objects.values_list("pk", "language_code"))
        for page in object_list:
            member = people.get(page.review_reviewer_id)
            page.reviewer_name = member.display_name if member else ""
            page.state_label = State(page.review_state).label
            changed = self.request.stale_translations.get(page.pk)
            page.translation_label = (
                f"Out of date: source changed {_date(timezone.localdate(changed))}"
                if changed
                else ""
            )
            if page.review_grade is not None:  # SQLite hands back 9 for 9.0
                page.review_grade = Decimal(page.review_grade).quantize(Decimal("0.1"))
            scale = SCALES.get(languages.get(page.locale_id), ENGLISH)
            page.reading_level = scale.shown(page.review_grade)
            page.admin_url = self.request.build_absolute_uri(edit_url(page))
        return object_list

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["due_soon_days"] = self.settings.due_soon_days
        return context
