"""Admin wiring of procedures: the history entry an import leaves on a draft, and
Snippets › Self-pay prices."""

from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from procedures.models import SelfPayPrice


@hooks.register("register_log_actions")
def register_import_log_action(actions):
    @actions.register_action("procedures.import")
    class ImportedFromOldSite(LogFormatter):
        label = "Imported from the old site"

        def format_message(self, log_entry):
            byline = log_entry.data.get("byline") or []
            if not byline:
                return "Imported from the old site's page."
            # The old site's names are a note for the editor, never a review stamp.
            return (
                "Imported from the old site's page. Its byline read: "
                + "; ".join(byline)
                + " (not applied: the medical review workflow stamps the reviewer)."
            )

        def format_comment(self, log_entry):
            return ""


class SelfPayPriceViewSet(SnippetViewSet):
    model = SelfPayPrice
    icon = "doc-full"
    menu_label = "Self-pay prices"
    list_display = ["procedure", "location", "price_label", "as_of"]
    list_filter = ["location"]


register_snippet(SelfPayPriceViewSet)
