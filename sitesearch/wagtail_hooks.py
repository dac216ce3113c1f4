"""Admin: Settings › Search synonyms, Reports › Search terms (in place of Wagtail's superuser-only one)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from practice.editor_reports import EditorsReportMenuItem
from sitesearch.models import Synonym
from sitesearch.reports import SearchTermsView


class SynonymViewSet(ModelViewSet):
    model = Synonym
    icon = "search"
    menu_label = "Search synonyms"
    add_to_settings_menu = True
    menu_order = 910  # beside "Promoted search results"
    form_fields = ["language", "terms", "note"]
    list_display = ["__str__", "language", "note"]
    list_filter = ["language"]
    search_fields = ["terms", "note"]
    inspect_view_enabled = False


@hooks.register("register_admin_viewset")
def register_synonyms():
    return SynonymViewSet("search_synonyms")


@hooks.register("register_admin_urls")
def register_search_terms_report_urls():
    return [
        path("reports/search-terms/", SearchTermsView.as_view(), name="sitesearch_search_terms"),
        path(
            "reports/search-terms/results/",
            SearchTermsView.as_view(results_only=True),
            name="sitesearch_search_terms_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_search_terms_menu_item():
    return EditorsReportMenuItem(
        "Search terms",
        reverse("sitesearch_search_terms"),
        name="site-search-terms",
        icon_name="search",
        order=1300,
    )


@hooks.register("construct_reports_menu")
def hide_stock_search_terms(request, menu_items):
    """Wagtail's own report counts the same queries but only superusers see it: ours replaces it."""
    menu_items[:] = [item for item in menu_items if item.name != "search-terms"]
