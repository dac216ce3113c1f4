"""Reports › Search terms: what patients searched for most, and what found nothing.

Read from Wagtail's daily hits per query and this app's daily outcomes, over
a chosen period; nothing in them says who searched. For anyone who edits
pages, so editors can fix what patients could not find (a synonym, a
promoted result, a better title).
"""

import datetime

import django_filters
from django.db.models import IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn
from wagtail.admin.views.reports import ReportView
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

from practice.editor_reports import EditorsOnlyMixin
from practice.spreadsheets import csv_safe
from sitesearch.models import QueryDailyOutcome

PERIODS = {"7": 7, "30": 30, "90": 90}
DEFAULT_PERIOD = "30"


def _sum(model, field, since):
    rows = model.objects.filter(query=OuterRef("pk"))
    if since:
        rows = rows.filter(date__gte=since)
    total = rows.order_by().values("query").annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def search_terms(since=None):
    """Every query searched for since `since` (all kept days if None), with its counts."""
    last = QueryDailyHits.objects.filter(query=OuterRef("pk")).order_by("-date").values("date")
    return Query.objects.annotate(
        searches=_sum(QueryDailyHits, "hits", since),
        no_results=_sum(QueryDailyOutcome, "no_results", since),
        not_as_typed=_sum(QueryDailyOutcome, "not_as_typed", since),
        last_searched=Subquery(last[:1]),
    ).filter(searches__gt=0)


class SearchTermsFilterSet(WagtailFilterSet):
    period = django_filters.ChoiceFilter(
        label="Searched in",
        empty_label="All kept days",
        choices=[("7", "The last 7 days"), ("30", "The last 30 days"), ("90", "The last 90 days")],
        method="keep",
    )
    found = django_filters.ChoiceFilter(
        label="Found",
        empty_label="Any",
        choices=[
            ("nothing", "Nothing at all"),
            ("not_as_typed", "Nothing as typed (corrected, missing words or nothing)"),
        ],
        method="filter_found",
    )

    class Meta:
        model = Query
        fields = []

    def keep(self, queryset, name, value):
        return queryset  # the period is applied to the counts themselves (get_base_queryset)

    def filter_found(self, queryset, name, value):
        if value == "nothing":
            return queryset.filter(no_results__gt=0)
        return queryset.filter(not_as_typed__gt=0)


class SearchTermsView(EditorsOnlyMixin, ReportView):
    page_title = "Search terms"
    report_name = "the search terms report"
    header_icon = "search"
    model = Query
    filterset_class = SearchTermsFilterSet
    index_url_name = "sitesearch_search_terms"
    index_results_url_name = "sitesearch_search_terms_results"
    default_ordering = "-searches"
    is_searchable = True
    search_fields = ["query_string"]
    columns = [
        Column("query_string", label="Search term", sort_key="query_string"),
        NumberColumn("searches", label="Searches", sort_key="searches"),
        NumberColumn("no_results", label="Found nothing", sort_key="no_results"),
        NumberColumn("not_as_typed", label="Nothing as typed", sort_key="not_as_typed"),
        DateColumn("last_searched", label="Last searched", sort_key="last_searched"),
    ]
    list_export = ["query_string", "searches", "no_results", "not_as_typed", "last_searched"]
    export_headings = {
        "query_string": "Search term",
        "searches": "Searches",
        "no_results": "Found nothing",
        "not_as_typed": "Nothing as typed",
        "last_searched": "Last searched",
    }
    # What the public typed is never run as a formula when the export is opened.
    custom_field_preprocess = {"query_string": {ReportView.FORMAT_CSV: csv_safe}}

    def get_filename(self):
        return f"search-terms-{timezone.localdate().isoformat()}"

    def period_start(self):
        period = DEFAULT_PERIOD
        if self.filters and self.filters.is_valid():
            period = self.filters.form.cleaned_data.get("period") or ""
        elif "period" in self.request.GET:
            period = self.request.GET["period"]
        days = PERIODS.get(period)
        return timezone.localdate() - datetime.timedelta(days=days - 1) if days else None

    def get_filterset_kwargs(self):
        kwargs = super().get_filterset_kwargs()
        if "period" not in self.request.GET:
            data = kwargs["data"].copy()
            data["period"] = DEFAULT_PERIOD
            kwargs["data"] = data
        return kwargs

    def get_base_queryset(self):
        return search_terms(since=self.period_start())

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "query_string")
