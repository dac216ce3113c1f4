"""The editor's content checks (what the userbar and the page editor's Checks panel report),
the notices editors schedule (Snippets › Site notices, Snippets › Closures) and the
language assistance taglines (Snippets › Language assistance taglines).

Wagtail runs one accessibility checker (axe-core) in two places: the userbar
that signed-in staff see on the live site (templates/base.html), and the
Checks panel beside the editor's preview. Both take their configuration from
the `construct_wagtail_userbar` hook, so this one subclass configures both.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.userbar import ContentCheckerItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from practice.language_access import LanguageTagline
from practice.notices import Closure, SiteNotice


class PatientContentChecker(ContentCheckerItem):
    """Checks what a patient reads: the page's main content, not the menus and footer.

    - heading-order: headings go down one level at a time (no h2 then h4);
    - empty-heading: a heading with no words (an emptied section title);
    - link-name: a link that says nothing (an image link without alt text);
    - image-alt: a picture with no alt text (an image neither described nor
      marked decorative: publishing refuses it too, practice/images.py);
    - alt-text-quality: alt text that is a file name ("IMG_2231.jpg").
    """

    axe_include = ["main"]
    axe_run_only = ["heading-order", "empty-heading", "link-name", "image-alt", "alt-text-quality"]
    # Wagtail's own custom rule and check for file-name alt text; its meta description
    # rule is left out (the site fills the description from the page's summary).
    axe_custom_rules = [
        rule for rule in ContentCheckerItem.axe_custom_rules if rule["id"] == "alt-text-quality"
    ]
    axe_custom_checks = [
        check
        for check in ContentCheckerItem.axe_custom_checks
        if check["id"] == "check-image-alt-text"
    ]
    axe_messages = {
        **{
            rule: message
            for rule, message in ContentCheckerItem.axe_messages.items()
            if rule in {"heading-order", "empty-heading", "link-name", "alt-text-quality"}
        },
        "image-alt": {
            "error_name": _("Image without alt text"),
            "help_text": _(
                "Describe the image (Images › Description) or mark it decorative; "
                "in rich text, choose it again and add alt text"
            ),
        },
    }


@hooks.register("construct_wagtail_userbar")
def check_what_patients_read(request, items, page):
    """Swap Wagtail's checker for the site's, wherever it runs (userbar, preview, Checks panel)."""
    for index, item in enumerate(items):
        if isinstance(item, ContentCheckerItem) and not isinstance(item, PatientContentChecker):
            items[index] = PatientContentChecker(in_editor=getattr(item, "in_editor", False))


class SiteNoticeViewSet(SnippetViewSet):
    model = SiteNotice
    icon = "warning"
    menu_label = "Site notices"
    list_display = ["message", "starts_at", "ends_at"]


class ClosureViewSet(SnippetViewSet):
    model = Closure
    icon = "calendar-alt"
    menu_label = "Closures"
    list_display = ["reason", "location", "first_day", "last_day"]
    list_filter = ["location"]


class LanguageTaglineViewSet(SnippetViewSet):
    """The taglines, each flagged until the practice's translator has checked it."""

    model = LanguageTagline
    icon = "globe"
    menu_label = "Language assistance taglines"
    # The title column says "(not checked by a translator yet)" until it is.
    list_display = [
        "__str__",
        "direction",
        BooleanColumn("checked_by_translator", label="Checked by translator"),
    ]
    list_filter = ["checked_by_translator"]
    ordering = ["sort_order", "language"]


register_snippet(SiteNoticeViewSet)
register_snippet(LanguageTaglineViewSet)
register_snippet(ClosureViewSet)
