from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from press.models import MediaItem


class MediaItemViewSet(SnippetViewSet):
    model = MediaItem
    icon = "media"
    menu_label = "Media items"
    add_to_admin_menu = True
    list_display = ["title", "kind", "date", "outlet"]
    list_filter = ["kind"]
    search_fields = ["title", "outlet"]


register_snippet(MediaItemViewSet)
