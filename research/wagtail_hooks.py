from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from research.models import Publication


class PublicationViewSet(SnippetViewSet):
    model = Publication
    icon = "doc-full"
    menu_label = "Publications"
    add_to_admin_menu = True
    list_display = ["title", "year", "journal", "doi", "pmid"]
    list_filter = ["year", "team_members"]


register_snippet(PublicationViewSet)
