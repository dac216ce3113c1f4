"""The clinics' lists in the admin: Snippets › Insurance plans."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from locations.models import InsurancePlan


class InsurancePlanViewSet(SnippetViewSet):
    model = InsurancePlan
    icon = "list-ul"
    menu_label = "Insurance plans"
    list_display = ["carrier", "name", "not_accepting_new_patients", "last_checked"]
    list_filter = ["carrier", "not_accepting_new_patients"]
    search_fields = ["carrier", "name"]


register_snippet(InsurancePlanViewSet)
