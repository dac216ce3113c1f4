"""When pages change, forget their cached copies: in the app's cache and in the HTTP cache in front.

The rules, by what changed:
- a page's content only: that page and the pages that show its summary (its
  index, the home page's features and locations, and what its type names in
  `pages_showing_summary()`, e.g. a procedure's conditions and locations);
- anything the menus or every page show (a title, a slug, "show in menus",
  a page published for the first time, unpublished, moved, reordered,
  deleted or made private) or any site setting: every page, and the menu and
  footer kept for every page (`versions.per_site_version`).
"""

import logging

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from pagecache import versions

logger = logging.getLogger(__name__)

# What the menus, breadcrumbs and listings read from every page.
MENU_FIELDS = ("title", "slug", "show_in_menus", "live", "url_path", "seo_title")


def _paths(pages):
    paths = set()
    for page in pages:
        parts = page.get_url_parts()
        if parts:
            paths.add(parts[2])
    return paths


def _frontend_urls(pages):
    urls = []
    for page in pages:
        url = page.get_full_url()
        if url:
            urls.append(url)
    return urls


def frontend_cache_enabled():
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def purge_pages(pages):
    pages = [page for page in pages if page is not None]
    versions.purge_paths(_paths(pages))
    if frontend_cache_enabled():
        from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

        purge_urls_from_cache(_frontend_urls(pages))


def purge_site():
    versions.purge_everything()
    if frontend_cache_enabled():
        from wagtail.contrib.frontend_cache.utils import PurgeBatch

        batch = PurgeBatch()
        batch.add_pages(Page.objects.live().exclude(depth=1).specific(defer=True))
        batch.purge()


def dependents(page):
    """The pages that show `page`'s summary or name, besides itself."""
    page = page.specific
    shown_on = [page.get_parent()]
    site = page.get_site()
    if site is not None:
        shown_on.append(site.root_page)
    more = getattr(page, "pages_showing_summary", None)
    if more is not None:
        shown_on.extend(more())
    return shown_on


# --- receivers -----------------------------------------------------------------------


def remember_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    """What a page's publishing compares with: its menu fields and where it was listed."""
    if raw or not isinstance(instance, Page) or instance.pk is None:
        return
    instance._menu_fields_before = Page.objects.filter(pk=instance.pk).values(*MENU_FIELDS).first()
    if update_fields is None and hasattr(instance, "pages_showing_summary"):
        # A whole save (publishing): the pages that listed it before the change.
        # A procedure that stops naming a condition must still purge that page.
        saved = type(instance).objects.only("pk").filter(pk=instance.pk).first()
        instance._shown_on_before = saved.pages_showing_summary() if saved else []


def on_publish(sender, instance, **kwargs):
    before = getattr(instance, "_menu_fields_before", None)
    after = {name: getattr(instance, name) for name in MENU_FIELDS}
    if (
        before is None
        or not before["live"]
        or before != after
        or getattr(instance.specific, "purge_site_on_publish", False)
    ):
        purge_site()
    else:
        shown_on_before = getattr(instance, "_shown_on_before", [])
        purge_pages([instance, *dependents(instance), *shown_on_before])


def on_tree_change(sender, instance=None, **kwargs):
    purge_site()


def on_setting_saved(sender, instance, raw=False, **kwargs):
    # A page made private (or public again) leaves or joins the menus.
    if not raw and isinstance(instance, BaseSiteSetting | Site | PageViewRestriction):
        purge_site()


def connect():
    pre_save.connect(remember_before_save, dispatch_uid="pagecache.remember")
    page_published.connect(on_publish, dispatch_uid="pagecache.publish")
    page_unpublished.connect(on_tree_change, dispatch_uid="pagecache.unpublish")
    post_page_move.connect(on_tree_change, dispatch_uid="pagecache.move")
    post_delete.connect(on_page_deleted, dispatch_uid="pagecache.delete")
    post_save.connect(on_setting_saved, dispatch_uid="pagecache.setting")


def on_page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and instance.live or isinstance(instance, PageViewRestriction):
        versions.purge_everything()
