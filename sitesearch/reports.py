"""Reports › Search terms: what patients searched for most, and what found nothing.

Read from this app's daily counts per query and language (`QueryDailyOutcome`),
over a chosen period and, if chosen, one language's site (English, or
Spanish at /es/search/); nothing in them says who searched. For anyone who edits
pages, so editors can fix what patients could not find (a synonym, a
promoted result, a better title).
"""

import datetime

import django_filters
from django.conf import settings
from django.db.models import Exists, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn
from wagtail.admin.views.reports import ReportView
from wagtail.contrib.search_promotions.models import Query

from practice.editor_reports import EditorsOnlyMixin
from practice.spreadsheets import csv_safe
from sitesearch.models import QueryDailyOutcome

PERIODS = {"7": 7, "30": 30, "90": 90}
DEFAULT_PERIOD = "30"


def language_name(code):
    """The language's name for staff, in English ("Spanish")."""
    return translation.get_language_info(code)["name"]


def _counts(since, language=None):
    rows = QueryDailyOutcome.objects.filter(query=OuterRef("pk"), searches__gt=0)
    if since:
        rows = rows.filter(date__gte=since)
    if language:
        rows = rows.filter(language=language)
    return rows


def _sum(field, since, language):
    rows = _counts(since, language).order_by().values("query")
    total = rows.annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def search_terms(since=None, language=None):
    """Every query searched for since `since` (all kept days if None), with its counts.

    `language`: only searches of that language's site ("es": /es/search/).
    Each row says in which languages it was searched (`searched_<code>`).
    """
    last = _counts(since, language).order_by("-date").values("date")
    searched_in = {
        f"searched_{code}": Exists(_counts(since, code))
        for code, _ in settings.LANGUAGES
        if not language or code == language
    }
    return Query.objects.annotate(
        searches=_sum("searches", since, language),
        no_results=_sum("no_results", since, language),
        not_as_typed=_sum("not_as_typed", since, language),
        last_searched=Subquery(last[:1]),
        **searched_in,
    ).filter(searches__gt=0)


def languages_searched(query):
    """The languages a row of `search_terms` was searched in: "English, Spanish"."""
    return ", ".join(
        language_name(code)
        for code, _ in settings.LANGUAGES
        if getattr(query, f"searched_{code}", False)
    )


class SearchTermsFilterSet(WagtailFilterSet):
    period = django_filters.ChoiceFilter(
        label="Searched in",
        empty_label="All kept days",
        choices=[("7", "The last 7 days"), ("30", "The last 30 days"), ("90", "The last 90 days")],
        method="keep",
    )
    language = django_filters.ChoiceFilter(
        label="Language",
        empty_label="Every language",
        choices=[(code, language_name(code)) for code, _ in settings.LANGUAGES],
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
        # The period and the language are applied to the counts themselves (get_base_queryset).
        return queryset

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
        Column("languages", label="Language", accessor=languages_searched),
        NumberColumn("searches", label="Searches", sort_key="searches"),
        NumberColumn("no_results", label="Found nothing", sort_key="no_results"),
        NumberColumn("not_as_typed", label="Nothing as typed", sort_key="not_as_typed"),
        DateColumn("last_searched", label="Last searched", sort_key="last_searched"),
    ]
    list_export = [
        "query_string",
        "languages",
        "searches",
        "no_results",
        "not_as_typed",
        "last_searched",
    ]
    export_headings = {
        "query_string": "Search term",
        "languages": "Language",
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

    def to_row_dict(self, item):
        item.languages = languages_searched(item)
        return super().to_row_dict(item)

    def chosen_language(self):
        if self.filters and self.filters.is_valid():
            return self.filters.form.cleaned_data.get("language") or None
        return None

    def get_base_queryset(self):
        return search_terms(since=self.period_start(), language=self.chosen_language())

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "query_string")
